import pRetry from 'p-retry';
import type { ReadinessProbe, ReadinessProbeResult } from '../contracts/index.js';
import { abortableDelay } from '../lib/abortable-wait.js';
import { withDeadline } from '../lib/with-deadline.js';
import { describeFailure, errorClassOf, isTransient, ProbeTimeoutError, retryAfterMsOf } from './error-class.js';
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
  /** What the passing try said it cost and used (a probe that resolved with an outcome); null otherwise. */
  spent: { costUsd: number; usage: Readonly<Record<string, number | null>> | null } | null;
}

/**
 * Runs one probe: each try within `timeoutMs` (its signal aborted at the deadline, the try a
 * TIMEOUT), transient failures (retryable taxonomy codes, timeouts, unknown failures) tried again
 * within the policy's window, a vendor's Retry-After honoured when it fits in the window. A
 * permanent failure (AUTH_ERROR, CONFIG_MISSING, …) counts at once. The LLM runtime's errors are
 * classed and retried by the class and Retry-After they carry (error-class.ts).
 */
export async function runProbe(probe: ReadinessProbe<ReadinessProbeResult>, owner: string, policy: ProbeRetryPolicy, timeoutMs: number): Promise<ProbeRun> {
  const started = Date.now();
  let attempts = 0;
  try {
    const result = await pRetry(
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
          const retryAfterMs = retryAfterMsOf(error);
          if (retriesLeft <= 0 || retryAfterMs === undefined) return;
          const left = policy.windowMs - (Date.now() - started);
          if (retryAfterMs < left) await abortableDelay(retryAfterMs, undefined);
        },
      },
    );
    const durationMs = Date.now() - started;
    if (typeof result === 'string') return { passed: true, detail: result, errorClass: null, attempts, durationMs, spent: null };
    const costUsd = Number.isFinite(result.costUsd) && result.costUsd >= 0 ? result.costUsd : probe.costUsd;
    return { passed: true, detail: result.detail, errorClass: null, attempts, durationMs, spent: { costUsd, usage: result.usage ?? null } };
  } catch (error) {
    return { passed: false, detail: describeFailure(error), errorClass: errorClassOf(error), attempts, durationMs: Date.now() - started, spent: null };
  }
}
