import type { ProviderErrorCode } from '../../contracts/index.js';

/**
 * One vendor error: the status and the `{type: "error", error: {type, message}}` body of the hosted
 * OpenAPI's `ErrorResponse` (statuses and types per vendor-specs/anthropic/claude-api-error-codes.md).
 * The renderer adds the top-level `request_id` the API sends with every error.
 */
export interface AnthropicErrorAnswer {
  readonly status: 400 | 401 | 403 | 404 | 429 | 500 | 529;
  readonly type: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

const answer = (status: AnthropicErrorAnswer['status'], type: string, message: string): AnthropicErrorAnswer => ({ status, type, message });

/** The answers the emulator gives, worded as the API words them. Messages never carry the caller's key. */
export const AnthropicErrors = {
  missingApiKey: () => answer(401, 'authentication_error', 'x-api-key header is required'),
  invalidApiKey: () => answer(401, 'authentication_error', 'invalid x-api-key'),
  twoCredentials: () => answer(401, 'authentication_error', 'send the key in one header: x-api-key or Authorization, not both'),
  missingVersion: () => answer(400, 'invalid_request_error', 'anthropic-version: header is required'),
  unknownVersion: (version: string) => answer(400, 'invalid_request_error', `anthropic-version: "${version.slice(0, 40)}" is not a valid version`),
  invalidRequest: (message: string) => answer(400, 'invalid_request_error', message),
  unknownModel: (model: string) => answer(404, 'not_found_error', `model: ${model.slice(0, 200)}`),
  notFound: () => answer(404, 'not_found_error', 'Not Found'),
  promptTooLong: (tokens: number, maximum: number) => answer(400, 'invalid_request_error', `prompt is too long: ${tokens} tokens > ${maximum} maximum`),
  creditTooLow: () => answer(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'),
  rateLimited: (retryAfterMs: number, message = 'Number of requests has exceeded your rate limit. Please try again later.') => ({
    ...answer(429, 'rate_limit_error', message),
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  }),
  internal: () => answer(500, 'api_error', 'Internal server error'),
  overloaded: () => answer(529, 'overloaded_error', 'Overloaded'),
} as const;

/** A chaos fault's taxonomy code as the Anthropic error that means it. */
export function anthropicErrorFor(code: ProviderErrorCode, retryAfterMs: number | null): AnthropicErrorAnswer {
  switch (code) {
    // An LLM API's "no capacity" is its overload: 529 overloaded_error, retryable.
    case 'CAPACITY_ERROR':
    case 'SPOT_INTERRUPTED':
      return AnthropicErrors.overloaded();
    case 'AUTH_ERROR':
      return AnthropicErrors.invalidApiKey();
    case 'RATE_LIMIT_ERROR':
      return AnthropicErrors.rateLimited(retryAfterMs ?? 1000);
    case 'QUOTA_EXCEEDED':
      return AnthropicErrors.creditTooLow();
    case 'INVALID_SPEC':
      return AnthropicErrors.invalidRequest('Invalid request');
    case 'NOT_FOUND':
      return AnthropicErrors.notFound();
  }
}

/** The answer as an HTTP response (Hono's typed statuses stop short of 529, so it is built by hand). */
export function renderAnthropicError(error: AnthropicErrorAnswer, requestId: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  const body = { type: 'error', error: { type: error.type, message: error.message }, request_id: requestId };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
