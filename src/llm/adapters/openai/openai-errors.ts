import { type LlmErrorCode, ProviderError } from '../../core/runtime-errors.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `{"error": {message, type, param, code}}` of the spec's `ErrorResponse`, or null when the body is another shape. */
function errorObject(body: unknown): { message: string; type: string | null; code: string | null; param: string | null } | null {
  if (!isObject(body) || !isObject(body.error) || typeof body.error.message !== 'string') return null;
  const { message, type, code, param } = body.error;
  return {
    message,
    type: typeof type === 'string' ? type : null,
    // Some gateways send a numeric code; it is compared as text.
    code: typeof code === 'string' ? code : typeof code === 'number' ? String(code) : null,
    param: typeof param === 'string' ? param : null,
  };
}

/** OpenAI's codes for a request its moderation refused (Chat Completions, Azure OpenAI's content filter, images). */
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'moderation_blocked', 'invalid_prompt']);
/** Account problems a retry cannot fix: billing, quota, a deactivated account. */
const ACCOUNT_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'account_deactivated']);

/**
 * The wait a rate-limit answer asks for: `retry-after-ms` (OpenAI's own, milliseconds), then
 * `Retry-After` (seconds or an HTTP date), then the message's "Please try again in 1.5s" / "in 120ms".
 */
export function openAiRetryAfterMs(headers: Headers, message: string | null, now: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get('retry-after');
  if (after !== null && after.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(after.trim())) return Number(after) * 1000;
    const at = Date.parse(after);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const said = message === null ? null : /try again in (\d+(?:\.\d+)?)\s*(ms|s)\b/i.exec(message);
  if (said === null) return undefined;
  return Math.ceil(Number(said[1]) * (said[2]!.toLowerCase() === 'ms' ? 1 : 1000));
}

/** The runtime's code for an OpenAI error answer. */
function codeFor(status: number, error: ReturnType<typeof errorObject>): LlmErrorCode {
  const code = error?.code ?? null;
  const type = error?.type ?? null;
  // insufficient_quota arrives as a 429 but is an account state a retry cannot change: it is AUTH
  // (not retryable; the key's account must be fixed by a person), never RATE_LIMIT.
  if ((code !== null && ACCOUNT_CODES.has(code)) || (type !== null && ACCOUNT_CODES.has(type))) return 'AUTH';
  if (code === 'context_length_exceeded' || code === 'string_above_max_length') return 'CONTEXT_LENGTH_EXCEEDED';
  if ((code !== null && CONTENT_FILTER_CODES.has(code)) || (status === 400 && error !== null && /content (management )?policy/i.test(error.message))) return 'CONTENT_FILTER';
  if (status === 401 || status === 403) return 'AUTH';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMIT';
  if (status === 503) return 'OVERLOADED';
  if (status === 504) return 'TIMEOUT';
  // 409 (a conflict on OpenAI's side, e.g. a lock) is one the official SDK retries.
  if (status === 409 || status >= 500) return 'SERVER';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'INVALID_REQUEST';
  return 'BAD_RESPONSE';
}

/**
 * An OpenAI error answer (status, headers, parsed body) as a core ProviderError, for
 * `ctx.transport.send`'s `decodeError`. The body is kept in `raw` (vendor error bodies carry no
 * secrets, but the adapter scrubs the caller's token from them anyway: see `redactToken`).
 * A body that is not OpenAI's envelope keeps the status's code, with the raw body (cut at 2,000
 * characters when it is text, e.g. a proxy's HTML page).
 */
export function decodeOpenAiError(status: number, headers: Headers, body: unknown, now: number = Date.now()): ProviderError {
  const error = errorObject(body);
  const code = codeFor(status, error);
  const detail = error === null ? `an answer that is not OpenAI's error body` : `${error.message}${error.code !== null ? ` (${error.code})` : error.type !== null ? ` (${error.type})` : ''}`;
  const retryAfterMs = code === 'RATE_LIMIT' || code === 'OVERLOADED' || code === 'SERVER' ? openAiRetryAfterMs(headers, error?.message ?? null, now) : undefined;
  return new ProviderError({
    code,
    provider: 'openai',
    status,
    message: `openai: ${status} ${detail}`,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    raw: typeof body === 'string' ? body.slice(0, 2_000) : body,
  });
}

/** The same error with every occurrence of `secret` replaced (message and raw), so no key reaches a log. */
export function redactToken(error: ProviderError, secret: string): ProviderError {
  if (secret.length < 4) return error;
  const scrub = (text: string) => text.split(secret).join('[redacted]');
  const rawText = error.raw === undefined ? undefined : JSON.stringify(error.raw);
  if (!error.message.includes(secret) && (rawText === undefined || !rawText.includes(secret))) return error;
  return new ProviderError({
    code: error.code,
    provider: error.provider,
    message: scrub(error.message),
    ...(error.status !== undefined && { status: error.status }),
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    raw: rawText === undefined ? undefined : parseOr(scrub(rawText), '[redacted]'),
  });
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}
