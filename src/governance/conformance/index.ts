/**
 * The conformance kit (docs/governance.md, "Conformance kit"): one list of cases per capability,
 * run by vitest over the test factories and by the control plane over its enabled adapters.
 */
export { type ConformanceCallEvent, OperationTimeoutError, errorClassOf } from './call-meter.js';
export { ConformanceAssertionError } from './conformance-assert.js';
export { CONFORMANCE_CAPABILITIES, type ConformanceCapability, type ConformanceCase, ConformanceSkip, kebabId } from './conformance-case.js';
export { type CaseReport, type CaseStatus, type ConformanceReport, conformanceReport, conformanceReportJson, sortReports } from './conformance-report.js';
export {
  type CaseOutcome,
  type ConformanceOptions,
  type ConformanceTarget,
  DEFAULT_OPERATION_TIMEOUT_MS,
  casesFor,
  runConformance,
  runConformanceCase,
} from './conformance-runner.js';
export { COMPUTE_CASE_IDS, type ComputeCase, computeCaseList, contractCase } from './compute-cases.js';
export type { ComputeCaseContext, ComputeSubject, ComputeTarget, MadeResources } from './compute-target.js';
export { LLM_CASE_IDS, LLM_CASES, type LlmCase } from './llm-cases.js';
export type { LlmCaseContext, LlmSubject, LlmTarget } from './llm-target.js';
export { DEFAULT_TRANSIENT_RETRY, type RetryOutcome, type TransientRetryPolicy, isTransient, retryTransient } from './transient-retry.js';
