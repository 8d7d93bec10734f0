import type { BenchResult, Metric, Target } from './benchmark.js';

export interface BenchOutcome {
  name: string;
  result: BenchResult | null;
  errors: string[];
}

const LABEL_WIDTH = 52;

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Number.isInteger(value) || Math.abs(value) >= 1000 ? 0 : Math.abs(value) >= 100 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function metricLine(metric: Metric): string {
  return `  ${metric.label.padEnd(LABEL_WIDTH)} ${formatNumber(metric.value).padStart(12)} ${metric.unit}`.trimEnd();
}

function targetLine(target: Target): string {
  const verdict = target.met ? 'target met' : 'target missed';
  return `  ${`target: ${target.label} ${target.goal}`.padEnd(LABEL_WIDTH)} ${target.actual.padStart(12)}   ${verdict}`;
}

/** Plain text table lines, one per metric and per target. */
export function formatOutcome(outcome: BenchOutcome): string {
  const lines = [`== ${outcome.name} ==`];
  if (outcome.result) {
    lines.push(...outcome.result.metrics.map(metricLine));
    lines.push(...outcome.result.targets.map(targetLine));
  }
  lines.push(...outcome.errors.map((error) => `  FAILED: ${error}`));
  return lines.join('\n');
}

const round = (value: number) => Math.round(value * 100) / 100;

/** One JSON line for machines (CI, trend graphs): metric keys to values, target keys to met/missed. */
export function formatSummary(outcomes: readonly BenchOutcome[], totalMs: number): string {
  return JSON.stringify({
    ok: outcomes.every((outcome) => outcome.errors.length === 0),
    totalSeconds: round(totalMs / 1000),
    benchmarks: outcomes.map((outcome) => ({
      name: outcome.name,
      ok: outcome.errors.length === 0,
      metrics: Object.fromEntries((outcome.result?.metrics ?? []).map((metric) => [metric.key, round(metric.value)])),
      targets: Object.fromEntries(
        (outcome.result?.targets ?? []).map((target) => [
          target.key,
          { goal: target.goal, actual: target.actual, met: target.met },
        ]),
      ),
      errors: outcome.errors,
    })),
  });
}
