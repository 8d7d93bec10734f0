import type { ProviderErrorCode } from '../../contracts/index.js';

export type OpenRouterErrorStatus = 400 | 401 | 402 | 403 | 404 | 408 | 429 | 500 | 502 | 503;

/** One error answer: the status and OpenRouter's `{"error": {code, message, metadata?}, "user_id"?}` body (`code` is the status, an integer). */
export interface OpenRouterErrorAnswer {
  readonly status: OpenRouterErrorStatus;
  readonly body: { error: { code: number; message: string; metadata?: Record<string, unknown> }; user_id?: string };
  readonly retryAfterSeconds?: number;
}

const answer = (status: OpenRouterErrorStatus, message: string, metadata?: Record<string, unknown>): OpenRouterErrorAnswer => ({
  status,
  body: { error: { code: status, message, ...(metadata !== undefined && { metadata }) } },
});

/** The messages OpenRouter gives (from its docs, the document's examples and answers seen in the wild). */
export const OpenRouterErrors = {
  missingAuth: () => answer(401, 'No auth credentials found'),
  invalidKey: () => answer(401, 'User not found.'),
  badRequest: (message: string, metadata?: Record<string, unknown>) => answer(400, message, metadata),
  invalidModel: (model: string) => answer(400, `${model} is not a valid model ID`),
  contextLength: (limit: number, prompt: number, output: number) =>
    answer(
      400,
      `This endpoint's maximum context length is ${limit} tokens. However, you requested about ${prompt + output} tokens (${prompt} of text input, ${output} in the output). Please reduce the length of either one.`,
    ),
  insufficientCredits: () => answer(402, 'Insufficient credits. Add more using https://openrouter.ai/credits'),
  /** Moderation (`ModerationErrorMetadata`): the reasons, the flagged input (cut to 100 characters), who moderated, which model. */
  moderation: (model: string, provider: string, reasons: readonly string[], flaggedInput: string) =>
    answer(403, `${model} requires moderation on ${provider}. Your input was flagged for "${reasons.join(', ')}". No credits were charged.`, {
      reasons: [...reasons],
      flagged_input: flaggedInput.slice(0, 100),
      provider_name: provider,
      model_slug: model,
    }),
  noEndpoints: (message: string) => answer(404, message),
  timeout: () => answer(408, 'Operation timed out. Please try again later.'),
  rateLimited: (retryAfterSeconds: number, message = 'Rate limit exceeded', metadata?: Record<string, unknown>) => ({
    ...answer(429, message, metadata),
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
  }),
  internal: () => answer(500, 'Internal Server Error'),
  /** The upstream failed (`ProviderErrorMetadata`: its name and its raw error). */
  providerError: (provider: string, raw: string) => answer(502, 'Provider returned error', { provider_name: provider, raw }),
  noProvider: () => answer(503, 'No available model provider that meets your routing requirements'),
} as const;

/** A chaos fault's taxonomy code as the OpenRouter error that means it (docs/chaos.md). */
export function openRouterErrorFor(code: ProviderErrorCode, retryAfterMs: number | null, message: string): OpenRouterErrorAnswer {
  switch (code) {
    case 'CAPACITY_ERROR':
      return OpenRouterErrors.noProvider();
    case 'SPOT_INTERRUPTED':
      return OpenRouterErrors.providerError('FakeProvider', message);
    case 'AUTH_ERROR':
      return OpenRouterErrors.invalidKey();
    case 'RATE_LIMIT_ERROR':
      return OpenRouterErrors.rateLimited((retryAfterMs ?? 1000) / 1000);
    case 'QUOTA_EXCEEDED':
      return OpenRouterErrors.insufficientCredits();
    case 'INVALID_SPEC':
      return OpenRouterErrors.badRequest(message);
    case 'NOT_FOUND':
      return OpenRouterErrors.noEndpoints(message);
  }
}
