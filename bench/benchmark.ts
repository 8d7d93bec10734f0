/** One number a benchmark measured; `key` names it in the JSON summary, `label` in the table. */
export interface Metric {
  key: string;
  label: string;
  value: number;
  unit: string;
}

/** A performance goal. Benchmarks report whether it was met; they never fail because of it. */
export interface Target {
  key: string;
  label: string;
  /** The goal as people say it, e.g. "< 30 s". */
  goal: string;
  actual: string;
  met: boolean;
}

export interface BenchResult {
  metrics: Metric[];
  targets: Target[];
}

export interface BenchContext {
  /** Runs after the benchmark, newest first, whether it succeeded or threw. */
  defer(cleanup: () => Promise<void> | void): void;
  /** Progress for the person watching; not part of the report. */
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
