import { ProviderError, type ProviderErrorCode } from '../../contracts/index.js';

/** The operations whose errors are read in context (a missing object means something else at launch). */
export type LambdaLabsOperation =
  | 'launch'
  | 'terminate'
  | 'listInstances'
  | 'getInstance'
  | 'listInstanceTypes'
  | 'listSshKeys'
  | 'listFileSystems'
  | 'createFileSystem'
  | 'deleteFileSystem';

/** What came back from one failed call, secrets already out of it. */
export type LambdaLabsFailure =
  | { kind: 'http'; status: number; code: string | null; message: string; retryAfterMs: number | null }
  | { kind: 'network'; message: string }
  | { kind: 'timeout'; timeoutMs: number };

/** `unknown`: the call may or may not have happened; never a taxonomy code (the control plane must look first). */
export type LambdaLabsOutcome = ProviderErrorCode | 'unknown';

export interface LambdaLabsErrorRow {
  /** A vendor code (exact, or a family prefix ending in `/`), an HTTP status class, or a transport failure. */
  readonly match:
    | { readonly code: string; readonly operation?: LambdaLabsOperation }
    | { readonly status: number | '5xx' }
    | { readonly transport: 'network' | 'timeout' };
  readonly outcome: LambdaLabsOutcome;
  readonly explain: string;
}

/**
 * Every failure Lambda Cloud can answer, and what it means; the first matching row wins. The API says
 * to branch on `error.code` only (message and suggestion change), so codes decide, except for three
 * statuses that mean one thing whatever the body: 429, and 401 / 403 (every 401 and 403 the document
 * lists is a refused key or account: `global/invalid-api-key`, `global/account-inactive`,
 * `global/invalid-address`), so a refused key is AUTH_ERROR everywhere, never an unknown outcome.
 */
export const LAMBDA_LABS_ERROR_TABLE: readonly LambdaLabsErrorRow[] = [
  // Rate limiting is not in the OpenAPI document; HTTP 429 is what clients observe (SOURCES.md), whatever the body says.
  { match: { status: 429 }, outcome: 'RATE_LIMIT_ERROR', explain: 'Lambda is rate limiting this API key' },
  { match: { status: 401 }, outcome: 'AUTH_ERROR', explain: 'Lambda refused the API key (invalid, expired or deleted)' },
  { match: { status: 403 }, outcome: 'AUTH_ERROR', explain: 'Lambda refused the account (inactive, or its billing address is invalid)' },
  { match: { code: 'instance-operations/launch/insufficient-capacity' }, outcome: 'CAPACITY_ERROR', explain: 'Lambda has no capacity for this instance type in this region' },
  { match: { code: 'global/quota-exceeded' }, outcome: 'QUOTA_EXCEEDED', explain: 'the account’s quota is reached' },
  { match: { code: 'instance-operations/launch/file-system-in-wrong-region' }, outcome: 'INVALID_SPEC', explain: 'a file system is not in the launch region' },
  { match: { code: 'global/invalid-parameters' }, outcome: 'INVALID_SPEC', explain: 'Lambda rejected the request data' },
  // At launch a missing object is something the spawn named (SSH key, file system, image): the spec is wrong.
  { match: { code: 'global/object-does-not-exist', operation: 'launch' }, outcome: 'INVALID_SPEC', explain: 'a resource the launch names does not exist' },
  { match: { code: 'global/object-does-not-exist' }, outcome: 'NOT_FOUND', explain: 'no such object' },
  { match: { code: 'global/duplicate' }, outcome: 'INVALID_SPEC', explain: 'the name is already taken' },
  { match: { code: 'filesystems/filesystem-in-use' }, outcome: 'INVALID_SPEC', explain: 'the file system is mounted on an instance' },
  // Upstream outages: whether a launch went through is not known, so reconciliation must look.
  { match: { code: 'provider/' }, outcome: 'unknown', explain: 'an upstream provider of Lambda failed' },
  { match: { code: 'global/internal-error' }, outcome: 'unknown', explain: 'Lambda had an internal error' },
  // Lambda's answer to a terminate of a machine already terminating (and to other unknowns): terminate confirms by a read.
  { match: { code: 'global/unknown' }, outcome: 'unknown', explain: 'Lambda answered an unknown error' },
  { match: { status: '5xx' }, outcome: 'unknown', explain: 'Lambda failed with a server error' },
  { match: { transport: 'network' }, outcome: 'unknown', explain: 'the connection to Lambda failed' },
  { match: { transport: 'timeout' }, outcome: 'unknown', explain: 'Lambda did not answer in time' },
];

/** The row for a failure, or undefined (an unlisted 4xx code: unknown outcome). */
export function lambdaLabsErrorRow(operation: LambdaLabsOperation, failure: LambdaLabsFailure): LambdaLabsErrorRow | undefined {
  return LAMBDA_LABS_ERROR_TABLE.find(({ match }) => {
    if ('transport' in match) return failure.kind === match.transport;
    if (failure.kind !== 'http') return false;
    if ('status' in match) return match.status === '5xx' ? failure.status >= 500 : failure.status === match.status;
    if (failure.code === null) return false;
    if (match.operation !== undefined && match.operation !== operation) return false;
    return match.code.endsWith('/') ? failure.code.startsWith(match.code) : failure.code === match.code;
  });
}

/** A failed call whose outcome is unknown: the caller (or reconciliation) must look before assuming anything. */
export class LambdaLabsCallError extends Error {
  constructor(
    readonly operation: LambdaLabsOperation,
    readonly failure: LambdaLabsFailure,
    message: string,
  ) {
    super(message);
    this.name = 'LambdaLabsCallError';
  }
}

function describe(failure: LambdaLabsFailure): string {
  switch (failure.kind) {
    case 'http':
      return `HTTP ${failure.status}${failure.code === null ? '' : ` ${failure.code}`}: ${failure.message}`;
    case 'network':
      return failure.message;
    case 'timeout':
      return `no answer within ${failure.timeoutMs} ms`;
  }
}

/** The error a failed Lambda call raises, by the table. */
export function lambdaLabsError(operation: LambdaLabsOperation, failure: LambdaLabsFailure): ProviderError | LambdaLabsCallError {
  const row = lambdaLabsErrorRow(operation, failure);
  const detail = describe(failure);
  if (row === undefined || row.outcome === 'unknown') {
    return new LambdaLabsCallError(operation, failure, `lambda-labs: ${operation}: ${row?.explain ?? 'unexpected answer'}; outcome unknown (${detail})`);
  }
  return new ProviderError({
    code: row.outcome,
    provider: 'lambda-labs',
    message: `lambda-labs: ${operation}: ${row.explain} (${detail})`,
    ...(row.outcome === 'RATE_LIMIT_ERROR' && failure.kind === 'http' && failure.retryAfterMs !== null && { retryAfterMs: failure.retryAfterMs }),
  });
}
