import type { ProviderErrorCode } from '../contracts/index.js';

/** `quick`: configured + auth (+ the usage event); `full`: every check, the execution probe too. */
export const VALIDATION_MODES = ['quick', 'full'] as const;
export type ValidationMode = (typeof VALIDATION_MODES)[number];

/** What started a run: the API, the schedule (on start, quick, full), or the `npm run readiness` CLI. */
export const VALIDATION_TRIGGERS = ['api', 'start', 'schedule', 'cli'] as const;
export type ValidationTrigger = (typeof VALIDATION_TRIGGERS)[number];

/** A failure's class: the compute error taxonomy, plus a missing configuration, a probe past its deadline, and anything else. */
export type ErrorClass = ProviderErrorCode | 'CONFIG_MISSING' | 'TIMEOUT' | 'UNKNOWN_ERROR';

export const CHECKS = ['configured', 'auth_probe', 'execution_probe', 'usage_event'] as const;
export type CheckName = (typeof CHECKS)[number];

/** One check of one provider in one run: the evidence behind each boolean. */
export interface CheckOutcome {
  readonly check: CheckName;
  /** Null: not run (a quick run's execution probe; a check after one that failed). */
  readonly passed: boolean | null;
  /** What the probe saw, or why it failed (never a secret). */
  readonly detail: string;
  readonly errorClass: ErrorClass | null;
  /** Tries made (1 + retries of transient failures). */
  readonly attempts: number;
  readonly durationMs: number;
  /** USD the check cost (0 for every probe Hangar ships). */
  readonly costUsd: number;
}

/** One provider's result in one run (the API's ProviderValidationResult). */
export interface ProviderValidation {
  readonly provider: string;
  readonly mode: ValidationMode;
  readonly configured: boolean;
  readonly authProbePassed: boolean;
  /** Null in a quick run (not checked). */
  readonly executionProbePassed: boolean | null;
  readonly usageEventWritten: boolean;
  /** Every check this run's mode asks for passed. */
  readonly passed: boolean;
  readonly lastErrorClass: ErrorClass | null;
  /** Retries of transient failures this run made. */
  readonly retries: number;
  readonly checks: readonly CheckOutcome[];
  readonly startedAt: string;
  readonly completedAt: string;
  /** The usage event this run wrote (null when the write failed or was not reached). */
  readonly usageEventId: string | null;
}
