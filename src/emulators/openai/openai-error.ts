import type { ProviderErrorCode } from '../../contracts/index.js';

/** One OpenAI error answer: the status and the spec's `ErrorResponse` (`{error: {message, type, param, code}}`, all four present). */
export interface OpenAiErrorAnswer {
  readonly status: 400 | 401 | 403 | 404 | 429 | 500 | 503;
  readonly body: { error: { message: string; type: string; param: string | null; code: string | null } };
  /** For a 429 the emulator computed a wait for: sent as `retry-after-ms` and `Retry-After` (seconds, rounded up, at least 1). */
  readonly retryAfterMs?: number;
}

const answer = (status: OpenAiErrorAnswer['status'], message: string, type: string, code: string | null, param: string | null = null): OpenAiErrorAnswer => ({
  status,
  body: { error: { message, type, param, code } },
});

/** A key as OpenAI shows it in its 401 message: the first three and last four characters, the rest starred. */
export function maskApiKey(key: string): string {
  return key.length <= 10 ? '***' : `${key.slice(0, 3)}${'*'.repeat(Math.min(12, key.length - 7))}${key.slice(-4)}`;
}

/** How a wait reads in OpenAI's messages ("Please try again in 1.5s" / "in 120ms"). */
export function waitText(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)}ms` : `${Math.round(ms / 100) / 10}s`;
}

/** OpenAI's error answers, with the vendor's own wording and codes. */
export const OpenAiErrors = {
  missingApiKey: () =>
    answer(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      'invalid_request_error',
      null,
    ),
  invalidApiKey: (key: string) =>
    answer(401, `Incorrect API key provided: ${maskApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'),
  modelNotFound: (model: string, param: string | null = null) => answer(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', param),
  notChatModel: () => answer(404, 'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?', 'invalid_request_error', null, 'model'),
  invalidUrl: (method: string, path: string) => answer(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null),
  invalidJson: () =>
    answer(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      'invalid_request_error',
      null,
    ),
  invalidRequest: (message: string, param: string | null, code: string | null) => answer(400, message, 'invalid_request_error', code, param),
  contextLengthExceeded: (message: string) => answer(400, message, 'invalid_request_error', 'context_length_exceeded', 'messages'),
  rateLimited: (model: string, limit: number, windowMs: number, retryAfterMs: number) => ({
    ...answer(
      429,
      `Rate limit reached for ${model} in organization org-emulator on requests per ${windowMs === 60_000 ? 'min (RPM)' : `${windowMs} ms`}: Limit ${limit}, Used ${limit}, Requested 1. Please try again in ${waitText(retryAfterMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      'requests',
      'rate_limit_exceeded',
    ),
    retryAfterMs,
  }),
  /** A 429 that needs a person (billing): no Retry-After, as the spec allows for "429 responses that require user action". */
  insufficientQuota: () =>
    answer(
      429,
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      'insufficient_quota',
      'insufficient_quota',
    ),
  server: () =>
    answer(500, 'The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists.', 'server_error', null),
  overloaded: () => answer(503, 'The server is overloaded or not ready yet.', 'server_error', null),
  permissionDenied: () => answer(403, 'You are not allowed to sample from this model', 'invalid_request_error', null),
} as const;

/** A chaos fault's taxonomy code as the OpenAI error that means it (docs/chaos.md's table). */
export function openAiErrorFor(code: ProviderErrorCode, retryAfterMs: number | null, model: string): OpenAiErrorAnswer {
  switch (code) {
    // No capacity at the vendor: OpenAI's 503, which clients retry.
    case 'CAPACITY_ERROR':
      return OpenAiErrors.overloaded();
    // The closest thing to a reclaimed machine: the request died on the server.
    case 'SPOT_INTERRUPTED':
      return OpenAiErrors.server();
    case 'AUTH_ERROR':
      return OpenAiErrors.invalidApiKey('sk-chaos-injected-key');
    case 'RATE_LIMIT_ERROR':
      return OpenAiErrors.rateLimited(model, 1, 60_000, retryAfterMs ?? 1000);
    case 'QUOTA_EXCEEDED':
      return OpenAiErrors.insufficientQuota();
    case 'INVALID_SPEC':
      return OpenAiErrors.invalidRequest('emulator chaos: the request was refused as invalid.', null, null);
    case 'NOT_FOUND':
      return OpenAiErrors.modelNotFound(model);
  }
}
