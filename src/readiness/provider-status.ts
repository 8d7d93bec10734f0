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
  /** Escalations away from the provider in the last 24 hours: placement's, and an LLM provider's (the gateway moving to another model). */
  readonly escalations24h: number;
  /** Retries the provider's own work made in the last 24 hours (an LLM provider's call retries); 0 when it keeps none. */
  readonly workRetries24h?: number;
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
 * A provider is ready when all of these hold now: its latest run (any mode) passed; its latest full
 * run passed; and its last successful execution probe is within `executionProofTtlMs`. A full run
 * whose execution probe was skipped (the daily probe budget was spent) passes without proving the
 * execution path again: the earlier proof stands until its TTL runs out, and none is ever made up.
 * Never validated, or never fully validated, is not ready. `last_error_class` is the class of the
 * last failure (the one `last_failure_at` dates), null when it never failed. `retry_count_24h` adds
 * the provider's own work retries to the validation retries.
 */
export function providerStatus(inputs: StatusInputs, now: number, executionProofTtlMs: number): ProviderStatus {
  const proof = inputs.lastSuccessfulExecutionAt === null ? Number.NaN : Date.parse(inputs.lastSuccessfulExecutionAt);
  const proofFresh = Number.isFinite(proof) && now - proof <= executionProofTtlMs;
  const fullPassed = inputs.latestFull !== null && inputs.latestFull.passed;
  const failures = inputs.last24h.filter((result) => !result.passed).length;
  return {
    provider: inputs.provider,
    required: inputs.required,
    ready: inputs.latest !== null && inputs.latest.passed && fullPassed && proofFresh,
    last_validated_at: inputs.latest?.completedAt ?? null,
    last_successful_execution_at: inputs.lastSuccessfulExecutionAt,
    last_failure_at: inputs.lastFailure?.at ?? null,
    failure_rate_24h: inputs.last24h.length === 0 ? 0 : Math.round((failures / inputs.last24h.length) * 10_000) / 10_000,
    retry_count_24h: inputs.last24h.reduce((sum, result) => sum + result.retries, 0) + (inputs.workRetries24h ?? 0),
    escalation_count_24h: inputs.escalations24h,
    last_error_class: inputs.lastFailure?.errorClass ?? null,
  };
}
