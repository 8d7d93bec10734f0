import { z } from 'zod';

/**
 * The SLO a candidate adapter is held to while it takes traffic; breaching it rolls the rollout back
 * automatically. Every field has a default, so `{}` is a valid SLO; unknown fields are refused, so a
 * misspelt threshold fails loudly instead of silently keeping its default.
 */
export const RolloutSloSchema = z.strictObject({
  /** The candidate's error rate (0..1) above which it is rolled back. */
  maxErrorRate: z.number().min(0).max(1).default(0.2),
  /**
   * Candidate outcomes needed before error rate or latency may breach: fewer never do, so one early
   * failure cannot roll back a rollout that has barely started.
   */
  minSamples: z.number().int().min(1).default(5),
  /**
   * The largest allowed candidate p95 latency / current p95 latency (2 = twice as slow). Judged only
   * when both sides have at least `minSamples` successes.
   */
  maxP95Regression: z.number().min(1).default(2),
  /** Shadow mismatches allowed; more breach (default 0: a candidate must answer exactly like the current adapter). */
  maxMismatches: z.number().int().min(0).default(0),
  /** How many recent outcomes each side keeps: the SLO judges the recent past, so a recovered adapter is not condemned forever. */
  window: z.number().int().min(10).default(200),
});

/** A parsed SLO (every field present). */
export type RolloutSlo = z.infer<typeof RolloutSloSchema>;

/** The SLO with every default: what a rollout that names no SLO is held to. */
export const DEFAULT_ROLLOUT_SLO: RolloutSlo = RolloutSloSchema.parse({});

/** One call to an adapter, as the SLO sees it. */
export interface RolloutOutcome {
  ok: boolean;
  /** How long the call took; only successes count toward latency (a fast failure is not a fast answer). */
  latencyMs: number;
  /** Null on success; else the failure's class (a taxonomy code, `TIMEOUT`, the error's name). */
  errorClass: string | null;
}

/** What an OutcomeWindow holds, summed: the numbers a rollout report shows. */
export interface OutcomeSnapshot {
  samples: number;
  errors: number;
  errorRate: number;
  p95LatencyMs: number | null;
}

/**
 * The last `capacity` outcomes of one side (the current adapter or the candidate): a bounded ring, so
 * memory stays flat however long a rollout runs and the SLO judges recent behaviour only.
 */
export class OutcomeWindow {
  private readonly ring: RolloutOutcome[] = [];
  private next = 0;

  /** `capacity` is usually the SLO's `window`; it must be a positive integer. */
  constructor(readonly capacity: number = DEFAULT_ROLLOUT_SLO.window) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`an outcome window holds a positive integer of outcomes, not ${capacity}`);
  }

  /** Adds an outcome, dropping the oldest once the window is full. */
  record(outcome: RolloutOutcome): void {
    const copy = { ok: outcome.ok, latencyMs: outcome.latencyMs, errorClass: outcome.errorClass };
    if (this.ring.length < this.capacity) this.ring.push(copy);
    else this.ring[this.next] = copy;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Outcomes held (at most `capacity`). */
  get size(): number {
    return this.ring.length;
  }

  /** Failed outcomes held. */
  errors(): number {
    return this.ring.filter((outcome) => !outcome.ok).length;
  }

  /** Successful outcomes held: the latency judgement needs enough of them. */
  successes(): number {
    return this.size - this.errors();
  }

  /** errors / size; 0 for an empty window (no evidence is not a failure). */
  errorRate(): number {
    return this.size === 0 ? 0 : this.errors() / this.size;
  }

  /** The nearest-rank 95th percentile of the successes' latencies (the ceil(0.95 n)-th smallest); null without a success. */
  p95LatencyMs(): number | null {
    const latencies = this.ring.filter((outcome) => outcome.ok).map((outcome) => outcome.latencyMs).sort((a, b) => a - b);
    if (latencies.length === 0) return null;
    return latencies[Math.ceil(0.95 * latencies.length) - 1] ?? null;
  }

  /** The window summed, for a report. */
  snapshot(): OutcomeSnapshot {
    return { samples: this.size, errors: this.errors(), errorRate: this.errorRate(), p95LatencyMs: this.p95LatencyMs() };
  }
}

/** One SLO breach: which metric, what was observed, the threshold it crossed, and a sentence for people. */
export interface SloBreach {
  metric: 'error_rate' | 'p95_latency_regression' | 'mismatches';
  observed: number;
  threshold: number;
  detail: string;
}

/** Latencies are floored at this before the ratio: sub-millisecond differences are noise, and a 0 ms current p95 must not make the ratio infinite. */
const LATENCY_FLOOR_MS = 1;

const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;
const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

/**
 * Judges a candidate against the SLO; an empty list means healthy, anything else means roll back.
 * Breaches come in a fixed order: error_rate, p95_latency_regression, mismatches.
 *
 * - error_rate: the candidate's error rate is above `maxErrorRate`, over at least `minSamples` outcomes.
 * - p95_latency_regression: candidate p95 / current p95 (each floored at 1 ms) is above
 *   `maxP95Regression`, when both sides have at least `minSamples` successes (the current side is the
 *   baseline: without one there is nothing to regress from).
 * - mismatches: more shadow mismatches than `maxMismatches`; not gated by `minSamples`, since one
 *   wrong answer is proof, not a statistic.
 */
export function evaluateSlo(input: { candidate: OutcomeWindow; current: OutcomeWindow; mismatches: number }, slo: RolloutSlo): SloBreach[] {
  const { candidate, current, mismatches } = input;
  const breaches: SloBreach[] = [];
  if (candidate.size >= slo.minSamples && candidate.errorRate() > slo.maxErrorRate) {
    const rate = candidate.errorRate();
    breaches.push({
      metric: 'error_rate',
      observed: rate,
      threshold: slo.maxErrorRate,
      detail: `candidate error rate ${rate.toFixed(2)} over ${plural(candidate.size, 'call')} > ${slo.maxErrorRate.toFixed(2)}`,
    });
  }
  const candidateP95 = candidate.p95LatencyMs();
  const currentP95 = current.p95LatencyMs();
  if (candidate.successes() >= slo.minSamples && current.successes() >= slo.minSamples && candidateP95 !== null && currentP95 !== null) {
    const ratio = Math.max(candidateP95, LATENCY_FLOOR_MS) / Math.max(currentP95, LATENCY_FLOOR_MS);
    if (ratio > slo.maxP95Regression) {
      breaches.push({
        metric: 'p95_latency_regression',
        observed: ratio,
        threshold: slo.maxP95Regression,
        detail: `candidate p95 latency ${ms(candidateP95)} is ${ratio.toFixed(2)}x the current ${ms(currentP95)} > ${slo.maxP95Regression.toFixed(2)}x`,
      });
    }
  }
  if (mismatches > slo.maxMismatches) {
    breaches.push({
      metric: 'mismatches',
      observed: mismatches,
      threshold: slo.maxMismatches,
      detail: `${plural(mismatches, 'shadow mismatch', 'shadow mismatches')} > ${slo.maxMismatches} allowed`,
    });
  }
  return breaches;
}
