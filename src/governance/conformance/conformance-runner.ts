import { CallMeter, type ConformanceCallEvent, errorClassOf } from './call-meter.js';
import { ConformanceAssertionError } from './conformance-assert.js';
import { ConformanceSkip } from './conformance-case.js';
import { type CaseReport, type ConformanceReport, conformanceReport, sortReports } from './conformance-report.js';
import { type ComputeCase, computeCaseList } from './compute-cases.js';
import { type ComputeSubject, type ComputeTarget, type MadeResources, computeCaseContext } from './compute-target.js';
import { LLM_CASES, type LlmCase } from './llm-cases.js';
import { type LlmSubject, type LlmTarget, llmCaseContext } from './llm-target.js';
import type { TransientRetryPolicy } from './transient-retry.js';

/** A harness per target: the adapter under test, and how to start a fresh subject of it for each case. */
export type ConformanceTarget = ComputeTarget | LlmTarget;

export interface ConformanceOptions {
  /** Every adapter call must answer within this; a call that hangs fails its case. Default 30 s. */
  operationTimeoutMs?: number;
  /** Called for every adapter call the runner makes (the metrics hook). */
  onCall?: (event: ConformanceCallEvent) => void;
  /** The retry helper's policy (default: 3 tries, full jitter from 50 ms, at most 500 ms between tries). */
  retry?: Partial<TransientRetryPolicy>;
  /** Only these case ids run; the others are left out of the report. Default: every case. */
  cases?: readonly string[];
}

export const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;

/** One case's outcome: its report line, and for a failure the error itself (a test runner rethrows it). */
export interface CaseOutcome extends CaseReport {
  readonly cause?: unknown;
}

/** The case list of a target: the compute cases with the provider's own contract cases, or the LLM cases. */
export function casesFor(target: ComputeTarget): ComputeCase[];
export function casesFor(target: LlmTarget): LlmCase[];
export function casesFor(target: ConformanceTarget): ComputeCase[] | LlmCase[];
export function casesFor(target: ConformanceTarget): ComputeCase[] | LlmCase[] {
  return target.capability === 'compute' ? computeCaseList(target.contractCases ?? []) : [...LLM_CASES];
}

function failureMessage(error: unknown): string {
  if (error instanceof ConformanceAssertionError) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
  }
  return String(error);
}

/** Notes what a case made, from the answers of the calls that make things. */
function madeTracker(): { made: MadeResources; onResult: (operation: string, value: unknown) => void } {
  const made = { machines: new Set<string>(), snapshots: new Set<string>(), volumes: new Set<string>() };
  const field = (value: unknown, key: string): string | null => {
    const found = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return typeof found === 'string' && found.length > 0 ? found : null;
  };
  const onResult = (operation: string, raw: unknown) => {
    // The retry helper answers an outcome: what it made is its value.
    const value = raw !== null && typeof raw === 'object' && (raw as { ok?: unknown }).ok === true ? (raw as { value?: unknown }).value : raw;
    const note = (set: Set<string>, key: string) => {
      const id = field(value, key);
      if (id !== null) set.add(id);
    };
    if (operation === 'spawn') note(made.machines, 'providerId');
    else if (operation === 'requestSpotInstance') note(made.machines, 'providerInstanceId');
    else if (operation === 'createSnapshot') note(made.snapshots, 'providerSnapshotId');
    else if (operation === 'createVolume') note(made.volumes, 'providerVolumeId');
  };
  return { made, onResult };
}

/**
 * Runs one case on a fresh subject of its target: starts the subject, skips the case (with the
 * provider's reason) when it lacks a required flag, runs it with every call metered and held to the
 * deadline, and always cleans up. A cleanup that fails fails the case.
 */
export async function runConformanceCase(target: ComputeTarget, conformanceCase: ComputeCase, options?: ConformanceOptions): Promise<CaseOutcome>;
export async function runConformanceCase(target: LlmTarget, conformanceCase: LlmCase, options?: ConformanceOptions): Promise<CaseOutcome>;
export async function runConformanceCase(target: ConformanceTarget, conformanceCase: ComputeCase | LlmCase, options: ConformanceOptions = {}): Promise<CaseOutcome> {
  const tracker = madeTracker();
  const meter = new CallMeter({
    capability: target.capability,
    adapter: target.adapter,
    deadlineMs: options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS,
    ...(options.onCall !== undefined && { onCall: options.onCall }),
    onResult: tracker.onResult,
  });
  let subject: ComputeSubject | LlmSubject | undefined;
  let ran = 0;
  let result: { status: 'passed' } | { status: 'skipped'; reason: string } | { status: 'failed'; error: string; error_class: string; cause: unknown };
  try {
    let run: () => Promise<void>;
    if (target.capability === 'compute') {
      const computeSubject = await target.create();
      subject = computeSubject;
      const capabilities = computeSubject.provider.capabilities;
      const missing = (conformanceCase.requires ?? []).filter((flag) => capabilities[flag] !== true);
      if (missing.length > 0) {
        throw new ConformanceSkip(
          missing
            .map((flag) => {
              const declared = capabilities[flag];
              return missing.length === 1 && declared !== true ? declared.unsupported : `${flag}: ${declared === true ? 'supported' : declared.unsupported}`;
            })
            .join('; '),
        );
      }
      const ctx = computeCaseContext(target.adapter, computeSubject, meter, (target.contractCases ?? []).map((contract) => contract.name), options.retry ?? {});
      run = () => (conformanceCase as ComputeCase).run(ctx);
    } else {
      const llmSubject = await target.create();
      subject = llmSubject;
      const ctx = llmCaseContext(target.adapter, llmSubject, meter);
      run = () => (conformanceCase as LlmCase).run(ctx);
    }
    const started = performance.now();
    try {
      await run();
    } finally {
      ran = performance.now() - started;
    }
    result = { status: 'passed' };
  } catch (error) {
    result = error instanceof ConformanceSkip ? { status: 'skipped', reason: error.reason } : { status: 'failed', error: failureMessage(error), error_class: errorClassOf(error), cause: error };
  }
  if (subject !== undefined) {
    try {
      await subject.cleanup(tracker.made);
    } catch (error) {
      if (result.status !== 'failed') result = { status: 'failed', error: `cleanup: ${failureMessage(error)}`, error_class: errorClassOf(error), cause: error };
    }
  }
  return {
    id: conformanceCase.id,
    title: conformanceCase.title,
    latency_ms: Math.round(ran * 10) / 10,
    attempts: meter.attempts,
    ...result,
  };
}

/**
 * Runs every target's case list, one case at a time on a fresh subject each, and answers one report
 * per adapter: cases in list order, reports sorted by capability then adapter.
 */
export async function runConformance(targets: readonly ConformanceTarget[], options: ConformanceOptions = {}): Promise<ConformanceReport[]> {
  const reports: ConformanceReport[] = [];
  for (const target of targets) {
    const only = options.cases === undefined ? null : new Set(options.cases);
    const cases: CaseReport[] = [];
    if (target.capability === 'compute') {
      for (const computeCase of casesFor(target).filter((entry) => only === null || only.has(entry.id))) cases.push(caseReport(await runConformanceCase(target, computeCase, options)));
    } else {
      for (const llmCase of casesFor(target).filter((entry) => only === null || only.has(entry.id))) cases.push(caseReport(await runConformanceCase(target, llmCase, options)));
    }
    reports.push(conformanceReport(target.capability, target.adapter, cases));
  }
  return sortReports(reports);
}

function caseReport(outcome: CaseOutcome): CaseReport {
  const { cause: _cause, ...report } = outcome;
  return report;
}
