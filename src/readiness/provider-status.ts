import type { ErrorClass } from './validation-result.js';

/** What the status of one provider is computed from: its stored results (see the control plane's store). */
export interface StatusInputs {
  readonly provider: string;
  readonly required: boolean;
  /** The results of the last 24 hours, any mode. */
  readonly last24h: readonly { passed: boolean; retries: number }[];
  readonly latest: { passed: boolean; completedAt: string } | null;
  /** The latest full run's result (the execution probe's proof), however old. */
  readonly latestFull: { passed: boolean; completedAt: string } | null;
  readonly lastSuccessfulExecutionAt: string | null;
  readonly lastFailure: { at: string; errorClass: ErrorClass | null } | null;
  readonly escalations24h: number;
}

/** One row of `GET /api/automation/usage/provider-validation` (field names as the API spells them). */
export interface ProviderStatus {
  provider: string;
  required: boolean;
  ready: boolean;
  last_validated_at: string | null;
  last_successful_execution_at: string | null;
  last_failure_at: string | null;
  failure_rate_24h: number;
  retry_count_24h: number;
  escalation_count_24h: number;
  last_error_class: ErrorClass | null;
}

/**
 * A provider is ready when all four checks hold now: its latest run (any mode) passed, and its latest
 * full run (the execution probe) passed within `executionProofTtlMs`. Never validated, or never
 * fully validated, is not ready. `last_error_class` is the class of the last failure (the one
 * `last_failure_at` dates), null when it never failed.
 */
export function providerStatus(inputs: StatusInputs, now: number, executionProofTtlMs: number): ProviderStatus {
  const fullFresh = inputs.latestFull !== null && inputs.latestFull.passed && now - Date.parse(inputs.latestFull.completedAt) <= executionProofTtlMs;
  const failures = inputs.last24h.filter((result) => !result.passed).length;
  return {
    provider: inputs.provider,
    required: inputs.required,
    ready: inputs.latest !== null && inputs.latest.passed && fullFresh,
    last_validated_at: inputs.latest?.completedAt ?? null,
    last_successful_execution_at: inputs.lastSuccessfulExecutionAt,
    last_failure_at: inputs.lastFailure?.at ?? null,
    failure_rate_24h: inputs.last24h.length === 0 ? 0 : Math.round((failures / inputs.last24h.length) * 10_000) / 10_000,
    retry_count_24h: inputs.last24h.reduce((sum, result) => sum + result.retries, 0),
    escalation_count_24h: inputs.escalations24h,
    last_error_class: inputs.lastFailure?.errorClass ?? null,
  };
}
