import { type LlmErrorCode, ProviderError } from '../../core/runtime-errors.js';

/**
 * OpenRouter's refusals as core ProviderErrors. Every error answer is `{"error": {code, message,
 * metadata?}}` with `code` the HTTP status as an integer (the document's `*ResponseErrorData`);
 * `metadata.error_type` (`ApiErrorType`) refines it when present. The whole body is kept in `raw`
 * (moderation `reasons` and `flagged_input`, the upstream `provider_name` and its `raw` error); the
 * message names the status, OpenRouter's message and the upstream provider, never the input.
 *
 * | status | code | why |
 * |---|---|---|
 * | 400, 413, 422 | INVALID_REQUEST; CONTEXT_LENGTH_EXCEEDED when the prompt is too long | the request is wrong |
 * | 401 | AUTH | missing or bad key |
 * | 402 | AUTH | insufficient credits: no retry helps until someone tops the account up, and every request on this key fails the same way, so it reads like a key that cannot be used (a router moves to another provider), not a wrong request. The one exception is the in-flight spending budget (`metadata.limit_source` `openrouter_in_flight_budget`), which clears as calls under way finish: RATE_LIMIT, with the Retry-After OpenRouter sends |
 * | 403 | CONTENT_FILTER when moderation flagged the input (`metadata.reasons`), else AUTH (a key without the permission) |
 * | 404 | NOT_FOUND | no such model, or no endpoint meets the routing requirements |
 * | 408, 524 | TIMEOUT | OpenRouter or its edge gave up waiting |
 * | 429 | RATE_LIMIT | an upstream's limit says how long in `metadata.retry_after_seconds`; otherwise the transport reads Retry-After |
 * | 500 | SERVER | |
 * | 502 | SERVER | the upstream provider failed (`metadata.provider_name`) |
 * | 503, 529 | OVERLOADED | no provider available / the provider is overloaded |
 */

const CONTEXT_TYPES = new Set(['context_length_exceeded', 'max_tokens_exceeded', 'token_limit_exceeded']);
const CONTEXT_MESSAGE = /context length|context window|maximum context|too many tokens|prompt is too long/i;
const MODERATION_TYPES = new Set(['content_policy_violation', 'refusal']);
const MODERATION_MESSAGE = /moderat|flagged/i;

/** `ApiErrorType` values that name a code outright, whatever the status. */
const BY_ERROR_TYPE: Readonly<Record<string, LlmErrorCode>> = {
  authentication: 'AUTH',
  permission_denied: 'AUTH',
  payment_required: 'AUTH',
  rate_limit_exceeded: 'RATE_LIMIT',
  provider_overloaded: 'OVERLOADED',
  provider_unavailable: 'OVERLOADED',
  not_found: 'NOT_FOUND',
  timeout: 'TIMEOUT',
};

interface Envelope {
  code: unknown;
  message: string | null;
  metadata: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function envelopeOf(body: unknown): Envelope | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const { code, message, metadata } = body.error;
  return { code, message: typeof message === 'string' ? message : null, metadata: isRecord(metadata) ? metadata : {} };
}

/** True when a 2xx body is an error envelope (OpenRouter sometimes answers 200 with `{"error": …}`). */
export function isOpenRouterErrorBody(body: unknown): boolean {
  return isRecord(body) && isRecord(body.error) && !Array.isArray(body.choices);
}

function byStatus(status: number): LlmErrorCode {
  switch (status) {
    case 401:
    case 402:
    case 403:
      return 'AUTH';
    case 404:
      return 'NOT_FOUND';
    case 408:
    case 524:
      return 'TIMEOUT';
    case 429:
      return 'RATE_LIMIT';
    case 503:
    case 529:
      return 'OVERLOADED';
    default:
      return status >= 500 ? 'SERVER' : 'INVALID_REQUEST';
  }
}

function isModeration(envelope: Envelope): boolean {
  const { metadata } = envelope;
  if (Array.isArray(metadata.reasons) || metadata.flagged_input !== undefined) return true;
  return envelope.message !== null && MODERATION_MESSAGE.test(envelope.message);
}

function classify(status: number, envelope: Envelope | null): LlmErrorCode {
  if (status === 402 && envelope?.metadata.limit_source === 'openrouter_in_flight_budget') return 'RATE_LIMIT';
  const errorType = typeof envelope?.metadata.error_type === 'string' ? envelope.metadata.error_type : undefined;
  if ((errorType !== undefined && MODERATION_TYPES.has(errorType)) || (status === 403 && envelope !== null && isModeration(envelope))) return 'CONTENT_FILTER';
  if (status < 500 && ((errorType !== undefined && CONTEXT_TYPES.has(errorType)) || (typeof envelope?.message === 'string' && CONTEXT_MESSAGE.test(envelope.message)))) {
    return 'CONTEXT_LENGTH_EXCEEDED';
  }
  return (errorType !== undefined ? BY_ERROR_TYPE[errorType] : undefined) ?? byStatus(status);
}

function describe(status: number, envelope: Envelope | null, body: unknown, inBody: boolean): string {
  const text = envelope?.message ?? (typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 200) : 'no error message');
  const details: string[] = [];
  const reasons = envelope?.metadata.reasons;
  if (Array.isArray(reasons) && reasons.length > 0) details.push(`flagged for: ${reasons.filter((reason) => typeof reason === 'string').join(', ')}`);
  const provider = envelope?.metadata.provider_name;
  if (typeof provider === 'string' && provider !== '') details.push(`provider ${provider}`);
  return `openrouter ${status}${inBody ? ' (in a 200 answer)' : ''}: ${text}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

/** The wait an upstream rate limit states in the body (`metadata.retry_after_seconds`, or its `headers`' Retry-After in seconds). */
function bodyRetryAfterMs(envelope: Envelope | null): number | undefined {
  const metadata = envelope?.metadata;
  const header = isRecord(metadata?.headers) ? metadata.headers['Retry-After'] : undefined;
  const seconds = typeof metadata?.retry_after_seconds === 'number' ? metadata.retry_after_seconds : typeof header === 'string' && /^\d+(\.\d+)?$/.test(header.trim()) ? Number(header) : undefined;
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function providerError(status: number, envelope: Envelope | null, body: unknown, inBody: boolean): ProviderError {
  const retryAfterMs = bodyRetryAfterMs(envelope);
  return new ProviderError({
    code: classify(status, envelope),
    provider: 'openrouter',
    message: describe(status, envelope, body, inBody),
    status,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    raw: body,
  });
}

/**
 * An error answer as a ProviderError: the `decodeError` the adapter gives the transport (which adds
 * the Retry-After header's wait when the body stated none, and decides on retries).
 */
export function decodeOpenRouterError(status: number, _headers: Headers | undefined, body: unknown): ProviderError {
  return providerError(status, envelopeOf(body), body, false);
}

/**
 * An error envelope that arrived in a 2xx answer: classed by the status in its `code` (an integer in
 * the document; anything else is read as an upstream failure, 502).
 */
export function decodeOpenRouterBodyError(body: unknown): ProviderError {
  const envelope = envelopeOf(body);
  const code = envelope?.code;
  const status = typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 502;
  return providerError(status, envelope, body, true);
}
