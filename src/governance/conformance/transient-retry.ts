/** The kit's retry policy: capped tries with full jitter, the way a caller is meant to retry an adapter. */
export interface TransientRetryPolicy {
  /** Tries in all, the first included (default 3). */
  tries: number;
  /** The first wait's ceiling; it doubles per try up to `maxDelayMs` (full jitter: a uniform draw below the ceiling). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** [0, 1) draws for the jitter (default Math.random). */
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_TRANSIENT_RETRY: TransientRetryPolicy = {
  tries: 3,
  baseDelayMs: 50,
  maxDelayMs: 500,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number; delays: number[] }
  | { ok: false; error: unknown; attempts: number; delays: number[] };

/** A failure a retry may help: it says so itself (`retryable: true`, as both taxonomies' ProviderErrors do). */
export function isTransient(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as { retryable?: unknown }).retryable === true;
}

/** How long a failure asks the caller to wait (a rate limit's Retry-After), if it says. */
function retryAfterMs(error: unknown): number | undefined {
  const value = error !== null && typeof error === 'object' ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Runs `work` until it succeeds, fails permanently, or has been tried `policy.tries` times. Between
 * tries it waits a jittered delay below a doubling ceiling, never above `maxDelayMs` (a Retry-After
 * longer than that is cut to it). Never more tries than the cap; the outcome says how many it took.
 */
export async function retryTransient<T>(work: (attempt: number) => Promise<T>, policy: Partial<TransientRetryPolicy> = {}): Promise<RetryOutcome<T>> {
  const { tries, baseDelayMs, maxDelayMs, random, sleep } = { ...DEFAULT_TRANSIENT_RETRY, ...policy };
  const cap = Math.max(1, Math.floor(tries));
  const delays: number[] = [];
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { ok: true, value: await work(attempt), attempts: attempt, delays };
    } catch (error) {
      if (attempt >= cap || !isTransient(error)) return { ok: false, error, attempts: attempt, delays };
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const jittered = Math.floor(random() * ceiling);
      const delay = Math.min(maxDelayMs, Math.max(jittered, retryAfterMs(error) ?? 0));
      delays.push(delay);
      await sleep(delay);
    }
  }
}
