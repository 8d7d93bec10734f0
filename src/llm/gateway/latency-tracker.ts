import type { ModelRef } from '../core/canonical-types.js';

export interface LatencyTrackerOptions {
  /** Samples kept per model (the rolling window); default 50. */
  window?: number;
  /** The estimate for a model with no sample and no table figure; default 2000 ms. */
  defaultMs?: number;
}

export interface LatencyEstimate {
  ms: number;
  /** Samples behind a measured estimate (0 otherwise). */
  samples: number;
  /** `measured`, the table figure's source, or `default`. */
  source: string;
}

interface Series {
  /** A ring of the last `window` samples. */
  samples: Float64Array;
  count: number;
  next: number;
  /** The estimate from the ring, cached until the next sample. */
  estimate: LatencyEstimate | null;
}

/**
 * The k-th smallest (0-based) of values[0..length) by quickselect, in place: O(length) on average,
 * deterministic (median-of-three pivots, no randomness).
 */
function selectKth(values: Float64Array, length: number, k: number): number {
  let low = 0;
  let high = length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const a = values[low] ?? 0;
    const b = values[mid] ?? 0;
    const c = values[high] ?? 0;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = low;
    let j = high;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i += 1;
      while ((values[j] ?? 0) > pivot) j -= 1;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k] ?? 0;
  }
  return values[k] ?? 0;
}

/**
 * Per-model latency, measured by the gateway: the rolling p50 (nearest rank, like the benchmarks'
 * summaries) of the last `window` samples of each model. A model not yet measured falls back to the
 * score table's figure, then to `defaultMs`. The p50 is computed on demand in O(window) (quickselect)
 * and cached until the model's next sample; nothing depends on the clock or on randomness.
 */
export class LatencyTracker {
  private readonly window: number;
  private readonly defaultMs: number;
  /** provider → model → series: two lookups, no key string built per call. */
  private readonly series = new Map<string, Map<string, Series>>();
  private readonly scratch: Float64Array;
  private readonly fromTable = new WeakMap<object, LatencyEstimate>();
  private readonly fallback: LatencyEstimate;

  constructor(options: LatencyTrackerOptions = {}) {
    const window = options.window ?? 50;
    const defaultMs = options.defaultMs ?? 2000;
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`LatencyTracker window must be a positive integer, got ${window}`);
    if (!Number.isFinite(defaultMs) || defaultMs < 0) throw new RangeError(`LatencyTracker defaultMs must be a finite number ≥ 0, got ${defaultMs}`);
    this.window = window;
    this.defaultMs = defaultMs;
    this.scratch = new Float64Array(window);
    this.fallback = Object.freeze({ ms: defaultMs, samples: 0, source: 'default' });
  }

  /** One call's latency for a model (ms, finite, ≥ 0). */
  record(ref: ModelRef, latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError(`a latency is a finite number of ms ≥ 0, got ${latencyMs}`);
    let models = this.series.get(ref.provider);
    if (models === undefined) {
      models = new Map();
      this.series.set(ref.provider, models);
    }
    let series = models.get(ref.model);
    if (series === undefined) {
      series = { samples: new Float64Array(this.window), count: 0, next: 0, estimate: null };
      models.set(ref.model, series);
    }
    series.samples[series.next] = latencyMs;
    series.next = (series.next + 1) % this.window;
    series.count = Math.min(series.count + 1, this.window);
    series.estimate = null;
  }

  /**
   * The measured p50 when the model has samples, else the table's figure (with its source), else the
   * default. The returned objects are frozen and reused (one per model until its next sample, one per
   * table figure), so a router asking for hundreds of models allocates nothing.
   */
  estimate(ref: ModelRef, tableLatencyMs: { value: number; source: string } | null): LatencyEstimate {
    const series = this.series.get(ref.provider)?.get(ref.model);
    if (series !== undefined && series.count > 0) {
      if (series.estimate === null) {
        this.scratch.set(series.count === this.window ? series.samples : series.samples.subarray(0, series.count));
        const p50 = selectKth(this.scratch, series.count, Math.ceil(series.count / 2) - 1);
        series.estimate = Object.freeze({ ms: p50, samples: series.count, source: 'measured' });
      }
      return series.estimate;
    }
    if (tableLatencyMs !== null) {
      let fromTable = this.fromTable.get(tableLatencyMs);
      if (fromTable === undefined || fromTable.ms !== tableLatencyMs.value || fromTable.source !== tableLatencyMs.source) {
        fromTable = Object.freeze({ ms: tableLatencyMs.value, samples: 0, source: tableLatencyMs.source });
        this.fromTable.set(tableLatencyMs, fromTable);
      }
      return fromTable;
    }
    return this.fallback;
  }

  /** Forgets every sample (of one model, or all). */
  reset(ref?: ModelRef): void {
    if (ref === undefined) this.series.clear();
    else this.series.get(ref.provider)?.delete(ref.model);
  }
}
