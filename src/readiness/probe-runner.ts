import pRetry from 'p-retry';
import { isProviderError, type ReadinessProbe } from '../contracts/index.js';
import { abortableDelay } from '../lib/abortable-wait.js';
import { withDeadline } from '../lib/with-deadline.js';
import { describeFailure, errorClassOf, isTransient, ProbeTimeoutError } from './error-class.js';
import type { ErrorClass } from './validation-result.js';

/** How transient failures are retried before they count. */
export interface ProbeRetryPolicy {
  /** Tries in all, the first included (default 3). */
  attempts: number;
  /** No retry starts after this long from the first try (default 10 s). */
  windowMs: number;
  /** The first wait; each next one doubles, with full jitter (default 250 ms). */
  minDelayMs: number;
}

export interface ProbeRun {
  passed: boolean;
  detail: string;
  errorClass: ErrorClass | null;
  attempts: number;
  durationMs: number;
}

/**
 * Runs one probe: each try within `timeoutMs` (its signal aborted at the deadline, the try a
 * TIMEOUT), transient failures (retryable taxonomy codes, timeouts, unknown failures) tried again
 * within the policy's window, a vendor's Retry-After honoured when it fits in the window. A
 * permanent failure (AUTH_ERROR, CONFIG_MISSING, …) counts at once.
 */
export async function runProbe(probe: ReadinessProbe, owner: string, policy: ProbeRetryPolicy, timeoutMs: number): Promise<ProbeRun> {
  const started = Date.now();
  let attempts = 0;
  try {
    const detail = await pRetry(
      async () => {
        attempts += 1;
        return withDeadline(timeoutMs, () => new ProbeTimeoutError(timeoutMs), (signal) => probe.run({ owner, signal }));
      },
      {
        retries: Math.max(0, policy.attempts - 1),
        minTimeout: policy.minDelayMs,
        factor: 2,
        randomize: true,
        maxRetryTime: policy.windowMs,
        shouldRetry: ({ error }) => isTransient(error),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          // The vendor said how long to wait: wait that (the backoff's own delay follows), if the window allows it.
          if (retriesLeft <= 0 || !isProviderError(error) || error.retryAfterMs === undefined) return;
          const left = policy.windowMs - (Date.now() - started);
          if (error.retryAfterMs < left) await abortableDelay(error.retryAfterMs, undefined);
        },
      },
    );
    return { passed: true, detail, errorClass: null, attempts, durationMs: Date.now() - started };
  } catch (error) {
    return { passed: false, detail: describeFailure(error), errorClass: errorClassOf(error), attempts, durationMs: Date.now() - started };
  }
}
