/** The one retry policy of the LLM runtime: every adapter's HTTP goes through it, none retries on its own. */
export interface RetryPolicy {
  /** Tries in all, the first included (default 3). */
  maxAttempts: number;
  /** The first backoff ceiling; it doubles per retry up to `maxDelayMs` (full jitter: a random wait in [0, ceiling]). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One try's deadline. */
  attemptTimeoutMs: number;
  /** The whole call's deadline, retries and waits included: no retry starts that could not finish before it. */
  deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000, attemptTimeoutMs: 60_000, deadlineMs: 180_000 };

/**
 * The wait before retry number `retry` (1 for the first retry): the vendor's own word when it gave
 * one (Retry-After, retry-after-ms), else full jitter over the exponential ceiling. `random` is
 * injectable so tests are deterministic.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, vendorDelayMs: number | undefined, random: () => number = Math.random): number {
  if (vendorDelayMs !== undefined) return Math.max(0, vendorDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A vendor's requested wait, from the headers: `retry-after-ms` (OpenAI, milliseconds) first, then
 * `Retry-After` in seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function vendorRetryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after.trim())) return Math.max(0, Number(after) * 1000);
  const at = Date.parse(after);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
