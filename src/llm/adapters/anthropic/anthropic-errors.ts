import { type LlmErrorCode, ProviderError } from '../../core/runtime-errors.js';

/**
 * The Messages API's error types (vendor-specs/anthropic/claude-api-error-codes.md and the hosted
 * OpenAPI's `ErrorResponse`) in the runtime's codes. `billing_error` (named in the same reference,
 * beside permission_error) is an account problem a retry cannot mend, as is the spend cap below.
 */
const BY_TYPE: Readonly<Record<string, LlmErrorCode>> = {
  invalid_request_error: 'INVALID_REQUEST',
  authentication_error: 'AUTH',
  permission_error: 'AUTH',
  billing_error: 'AUTH',
  not_found_error: 'NOT_FOUND',
  request_too_large: 'INVALID_REQUEST',
  rate_limit_error: 'RATE_LIMIT',
  api_error: 'SERVER',
  overloaded_error: 'OVERLOADED',
};

/** The 400 the API gives for a conversation longer than the model's window, in its two known wordings. */
const CONTEXT_TOO_LONG = /prompt is too long|exceed context limit|context window/i;

/** 429 with this `error.details.error_code`: the monthly spend cap is hit; waiting does not help (SOURCES.md). */
const SPEND_LIMIT = 'enforced_spend_limit_reached';

/** For an answer without a readable error body (a proxy's page): the status alone. */
function codeOfStatus(status: number): LlmErrorCode {
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMIT';
  if (status === 529 || status === 503) return 'OVERLOADED';
  if (status >= 500) return 'SERVER';
  return 'INVALID_REQUEST';
}

/** `retry-after` in seconds; an HTTP date is left to the transport, which owns the clock. */
function retryAfterMsOf(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A non-2xx answer as a ProviderError: the code from `error.type` (a 529 is OVERLOADED whatever it
 * says; a prompt too long is CONTEXT_LENGTH_EXCEEDED), `retryAfterMs` from `retry-after`, the body
 * kept in `raw`. The message is the vendor's (it never carries the key) prefixed with the status and type.
 */
export function decodeAnthropicError(status: number, headers: Headers, body: unknown): ProviderError {
  const error = isRecord(body) && body.type === 'error' && isRecord(body.error) ? body.error : undefined;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const vendorMessage = typeof error?.message === 'string' ? error.message.slice(0, 1000) : undefined;
  let code: LlmErrorCode = status === 529 ? 'OVERLOADED' : ((type === undefined ? undefined : BY_TYPE[type]) ?? codeOfStatus(status));
  if (code === 'INVALID_REQUEST' && vendorMessage !== undefined && CONTEXT_TOO_LONG.test(vendorMessage)) code = 'CONTEXT_LENGTH_EXCEEDED';
  const details = isRecord(error?.details) ? error.details : undefined;
  if (code === 'RATE_LIMIT' && details?.error_code === SPEND_LIMIT) code = 'AUTH';
  const retryAfterMs = code === 'RATE_LIMIT' || code === 'OVERLOADED' || code === 'SERVER' ? retryAfterMsOf(headers) : undefined;
  const what = vendorMessage === undefined ? (typeof body === 'string' && body !== '' ? `a non-JSON answer` : 'no error body') : `${type}: ${vendorMessage}`;
  return new ProviderError({
    code,
    provider: 'anthropic',
    message: `anthropic: HTTP ${status}, ${what}`,
    status,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    raw: typeof body === 'string' ? body.slice(0, 500) : body,
  });
}
