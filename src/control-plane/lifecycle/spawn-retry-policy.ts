import type { InstanceRecord } from '../instance-record.js';

/**
 * Taxonomy codes whose spawn failure is the provider's definite "no, nothing was made, ask again":
 * a failed spawn with one of these may be re-driven under its Idempotency-Key. Everything else that
 * failed (INVALID_SPEC, AUTH_ERROR, QUOTA_EXCEEDED, NOT_FOUND, SPAWN_NOT_CONFIRMED) is replayed.
 * An outcome that is unknown (timeout, PROVIDER_FAILURE) never reaches `failed`: the row stays
 * `requested` and a replay resumes it.
 */
const REDRIVABLE_CODES: ReadonlySet<string> = new Set(['CAPACITY_ERROR', 'RATE_LIMIT_ERROR', 'SPOT_INTERRUPTED']);

/** What a request with the same Idempotency-Key does with a `failed` row. */
export type FailedSpawnAnswer =
  /** Answer the stored error again (non-retryable). */
  | { kind: 'replay' }
  /** Retryable, but its Retry-After has not passed: answer the stored error, Retry-After = what is left. */
  | { kind: 'wait'; retryAfterMs: number }
  /** Retryable and due: spawn again. */
  | { kind: 're-drive' };

export function failedSpawnAnswer(record: InstanceRecord, now = Date.now()): FailedSpawnAnswer {
  const error = record.error;
  if (record.status !== 'failed' || record.providerId !== null || error === null) return { kind: 'replay' };
  // The client gave the instance up (DELETE on the failed row): the key no longer asks for a machine.
  if (record.terminateRequestedAt !== null) return { kind: 'replay' };
  if (!REDRIVABLE_CODES.has(error.code) || error.retryable !== true) return { kind: 'replay' };
  // The row failed at updatedAt (a failed row is never written again); Retry-After counts from then.
  const retryAfterMs = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : 0;
  const left = Date.parse(record.updatedAt) + retryAfterMs - now;
  return left > 0 ? { kind: 'wait', retryAfterMs: left } : { kind: 're-drive' };
}
