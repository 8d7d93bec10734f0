import type { ConformanceCapability } from './conformance-case.js';
import { sortKeys } from '../../llm/index.js';

export type CaseStatus = 'passed' | 'failed' | 'skipped';

/** One case's outcome, as a report carries it. */
export interface CaseReport {
  readonly id: string;
  readonly title: string;
  readonly status: CaseStatus;
  /** Why it was skipped. */
  readonly reason?: string;
  /** Why it failed. */
  readonly error?: string;
  /** The failure's class: a taxonomy code, `TIMEOUT`, or the error's name (`ConformanceAssertionError`). */
  readonly error_class?: string;
  /** How long the case ran (its target's start and cleanup aside). */
  readonly latency_ms: number;
  /** Tries of every adapter call the case made. */
  readonly attempts: number;
}

/** One adapter's run: `pass` is true when no case failed; `errors` are the failed cases' messages. */
export interface ConformanceReport {
  readonly capability: ConformanceCapability;
  readonly adapter: string;
  readonly pass: boolean;
  readonly metrics: { readonly latency_ms: number; readonly attempts: number };
  readonly cases: CaseReport[];
  readonly errors: string[];
}

/** Sums a run's cases into its report. */
export function conformanceReport(capability: ConformanceCapability, adapter: string, cases: CaseReport[]): ConformanceReport {
  const failed = cases.filter((entry) => entry.status === 'failed');
  return {
    capability,
    adapter,
    pass: failed.length === 0,
    metrics: {
      latency_ms: Math.round(cases.reduce((sum, entry) => sum + entry.latency_ms, 0) * 10) / 10,
      attempts: cases.reduce((sum, entry) => sum + entry.attempts, 0),
    },
    cases,
    errors: failed.map((entry) => `${entry.id}: ${entry.error ?? 'failed'}`),
  };
}

/** Reports in their stable order: by capability, then adapter. */
export function sortReports<T extends { readonly capability: string; readonly adapter: string }>(reports: readonly T[]): T[] {
  return [...reports].sort((a, b) => (a.capability === b.capability ? compare(a.adapter, b.adapter) : compare(a.capability, b.capability)));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A report as a file holds it: keys sorted at every level, 2-space indent, one trailing newline. */
export function conformanceReportJson(report: unknown): string {
  return `${JSON.stringify(sortKeys(report), null, 2)}\n`;
}
