import { ProviderError, type ProviderErrorCode } from '../../contracts/index.js';

/** What a failed RunPod call told us: which API, the HTTP status, and the vendor's message (problem `detail`, or GraphQL `errors[0].message`). */
export interface RunPodFailure {
  readonly api: 'rest' | 'graphql';
  readonly status: number;
  readonly message: string;
}

export interface RunPodErrorRow {
  readonly api: 'rest' | 'graphql';
  /** The HTTP status the row applies to; null for any. */
  readonly status: number | null;
  /** A pattern the message must match; null for any. */
  readonly message: RegExp | null;
  readonly outcome: ProviderErrorCode;
  readonly explain: string;
  /** The refusal means RunPod no longer rents interruptible pods (raised as SpotWithdrawnError). */
  readonly spotWithdrawn?: true;
}

const CAPACITY = /no longer any instances available|does not have the resources to deploy/i;
/**
 * RunPod withdrawing interruptable rentals: RunPod's docs dropped spot pods and podRentInterruptable
 * in May 2026 and the GraphQL API is to be retired in early 2027. Either the mutation is refused with
 * a message saying so, or it is gone from the schema (GraphQL's own validation errors name it).
 */
const SPOT_WITHDRAWN =
  /Unknown type "PodRentInterruptableInput"|Cannot query field "podRentInterruptable"|(podRentInterruptable|interrupt[ai]ble|spot)\b[^.]*\b(no longer|discontinued|deprecated|withdrawn|retired|not supported)/i;
const WITHDRAWN_EXPLAIN = 'RunPod no longer rents interruptible (spot) pods';
const GRAPHQL_SPEC_ERRORS = /^Syntax Error|^Cannot query field|^Unknown (argument|type)|got invalid value|^Field ".*" of required type|^Variable "\$/;

/**
 * Every RunPod answer Hangar gives a meaning; the first matching row wins. REST v2 answers RFC 9457
 * problem documents and distinguishes capacity from a broken rule only by `detail` text (createPod:
 * "capacity exhaustion currently carries no machine-readable code"); GraphQL answers errors inside
 * HTTP 200, so only the message is there to match. Anything else (5xx, an unknown message, a dropped
 * connection) leaves the outcome unknown: a RunPodCallError, never a taxonomy code.
 */
export const RUNPOD_ERROR_TABLE: readonly RunPodErrorRow[] = [
  { api: 'rest', status: 429, message: null, outcome: 'RATE_LIMIT_ERROR', explain: 'RunPod is rate limiting this API key' },
  { api: 'rest', status: 401, message: null, outcome: 'AUTH_ERROR', explain: 'RunPod rejected the API key (missing, malformed, expired or invalid)' },
  { api: 'rest', status: 403, message: null, outcome: 'AUTH_ERROR', explain: 'the API key is valid but not allowed to do this' },
  { api: 'rest', status: 402, message: null, outcome: 'QUOTA_EXCEEDED', explain: 'the RunPod account balance is too low' },
  { api: 'rest', status: 400, message: CAPACITY, outcome: 'CAPACITY_ERROR', explain: 'RunPod has no machine for this GPU type and count in this data center' },
  { api: 'rest', status: 400, message: null, outcome: 'INVALID_SPEC', explain: 'RunPod rejected the request' },
  { api: 'rest', status: 422, message: null, outcome: 'INVALID_SPEC', explain: 'the request does not match the RunPod API contract' },
  { api: 'rest', status: 404, message: null, outcome: 'NOT_FOUND', explain: 'RunPod does not know this resource' },
  { api: 'rest', status: 409, message: /interrupt/i, outcome: 'SPOT_INTERRUPTED', explain: 'the interruptible pod was interrupted' },
  { api: 'rest', status: 409, message: null, outcome: 'INVALID_SPEC', explain: 'the resource is not in a state that allows this' },
  { api: 'graphql', status: 401, message: null, outcome: 'AUTH_ERROR', explain: 'RunPod rejected the API key' },
  { api: 'graphql', status: 403, message: null, outcome: 'AUTH_ERROR', explain: 'the API key is not allowed to do this' },
  {
    api: 'graphql',
    status: 404,
    message: null,
    outcome: 'INVALID_SPEC',
    explain: `${WITHDRAWN_EXPLAIN} here: its GraphQL API does not answer at this URL (RunPod retires GraphQL in early 2027); spawn with spot: false`,
    spotWithdrawn: true,
  },
  {
    api: 'graphql',
    status: 410,
    message: null,
    outcome: 'INVALID_SPEC',
    explain: `${WITHDRAWN_EXPLAIN}: its GraphQL API is gone (RunPod retires GraphQL in early 2027); spawn with spot: false`,
    spotWithdrawn: true,
  },
  { api: 'graphql', status: 429, message: null, outcome: 'RATE_LIMIT_ERROR', explain: 'RunPod is rate limiting this API key' },
  { api: 'graphql', status: null, message: CAPACITY, outcome: 'CAPACITY_ERROR', explain: 'RunPod has no machine for this GPU type and count' },
  { api: 'graphql', status: null, message: /bid price .*below the minimum/i, outcome: 'CAPACITY_ERROR', explain: 'the bid is below the current minimum bid for this GPU type' },
  { api: 'graphql', status: null, message: /rate limit|too many requests/i, outcome: 'RATE_LIMIT_ERROR', explain: 'RunPod is rate limiting this API key' },
  { api: 'graphql', status: null, message: /unauthori[sz]ed|api key|forbidden|permission denied|access denied/i, outcome: 'AUTH_ERROR', explain: 'RunPod rejected the API key' },
  { api: 'graphql', status: null, message: /balance/i, outcome: 'QUOTA_EXCEEDED', explain: 'the RunPod account balance is too low' },
  {
    api: 'graphql',
    status: null,
    message: SPOT_WITHDRAWN,
    outcome: 'INVALID_SPEC',
    explain: `${WITHDRAWN_EXPLAIN} (its docs dropped them in May 2026; GraphQL, which rents them, is retired in early 2027); spawn with spot: false`,
    spotWithdrawn: true,
  },
  { api: 'graphql', status: null, message: /interrupted/i, outcome: 'SPOT_INTERRUPTED', explain: 'the interruptible pod was interrupted' },
  {
    api: 'graphql',
    status: null,
    message: /^(GPU type|data center|network volume) .*does not exist|^image .*could not be pulled|^at most \d+ GPUs|^invalid input/i,
    outcome: 'INVALID_SPEC',
    explain: 'RunPod rejected the pod specification',
  },
  { api: 'graphql', status: null, message: GRAPHQL_SPEC_ERRORS, outcome: 'INVALID_SPEC', explain: 'the GraphQL server rejected the operation or its input' },
  { api: 'graphql', status: null, message: /pod .*(not found|does not exist)/i, outcome: 'NOT_FOUND', explain: 'RunPod does not know this pod' },
];

export function runPodErrorRow(failure: RunPodFailure): RunPodErrorRow | undefined {
  return RUNPOD_ERROR_TABLE.find(
    (row) =>
      row.api === failure.api && (row.status === null || row.status === failure.status) && (row.message === null || row.message.test(failure.message)),
  );
}

/** A failed RunPod call whose outcome is unknown (5xx, a message the table does not know, no answer): look before assuming anything. */
export class RunPodCallError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | null,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RunPodCallError';
  }
}

/** The error a failed call raises, by the table. The message carries the vendor's words, never a request header or URL query. */
export function runPodError(operation: string, failure: RunPodFailure, retryAfterMs: number | null = null): ProviderError | RunPodCallError {
  const row = runPodErrorRow(failure);
  const api = failure.api === 'rest' ? 'REST v2' : 'GraphQL';
  if (row === undefined) {
    return new RunPodCallError(operation, failure.status, `runpod: ${operation} failed (${api} HTTP ${failure.status}: ${failure.message})`);
  }
  const message = `runpod: ${operation}: ${row.explain} (${api} HTTP ${failure.status}: ${failure.message})`;
  if (row.spotWithdrawn === true) return new SpotWithdrawnError(message);
  return new ProviderError({
    code: row.outcome,
    provider: 'runpod',
    message,
    ...(row.outcome === 'RATE_LIMIT_ERROR' && { retryAfterMs: retryAfterMs ?? 1_000 }),
  });
}

/**
 * RunPod refused an interruptible rental because it no longer offers them: INVALID_SPEC (asking
 * again will not help), and the provider remembers it for its health and catalog.
 */
export class SpotWithdrawnError extends ProviderError {
  constructor(message: string) {
    super({ code: 'INVALID_SPEC', provider: 'runpod', message });
    this.name = 'SpotWithdrawnError';
  }
}

export function isRunPodOutcome(error: unknown, outcome: ProviderErrorCode): boolean {
  return error instanceof ProviderError && error.code === outcome;
}

/**
 * A text with the API key taken out, and any `api_key=` URL parameter (some clients put the key in
 * the GraphQL URL): for everything Hangar builds from a vendor answer, a transport error or a URL.
 */
export function redact(text: string, secret: string): string {
  const cleared = secret.length > 0 ? text.replaceAll(secret, '[redacted]') : text;
  return cleared.replace(/(api_key=)[^&\s"'<>]+/gi, '$1[redacted]');
}

/** What of a transport failure may travel on as `cause`: name and message only, the key taken out. */
export function safeCause(error: unknown, secret: string): Error {
  const cause = new Error(redact(error instanceof Error ? error.message : String(error), secret));
  if (error instanceof Error) cause.name = error.name;
  return cause;
}
