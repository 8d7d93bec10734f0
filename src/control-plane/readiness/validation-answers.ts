import type { z } from '@hono/zod-openapi';
import { ApiError } from '../api-error.js';
import type { ProviderEvidenceSchema, ResultSchema, RunAnswerSchema, RunSchema, RunsPageSchema, StatusAnswerSchema } from '../openapi/validation-schemas.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import type { EscalationTrace, StoredValidation } from '../store/validation-store.js';
import type { ValidationRun, ValidationService } from './validation-service.js';

/**
 * The JSON answers of the provider-validation API, built from the validation service. The routes
 * (`routes/validation-routes.ts`) answer them as they are, and the `/providers` page and the
 * `npm run readiness` artifact are built from the very same objects, so none of them computes a
 * second version of a provider's status.
 */

export type StatusAnswer = z.infer<typeof StatusAnswerSchema>;
export type ResultAnswer = z.infer<typeof ResultSchema>;
export type RunJson = z.infer<typeof RunSchema>;
export type RunsPageAnswer = z.infer<typeof RunsPageSchema>;
export type RunAnswer = z.infer<typeof RunAnswerSchema>;
export type ProviderEvidenceAnswer = z.infer<typeof ProviderEvidenceSchema>;

/** A provider's history holds its last this many results. */
export const HISTORY_LIMIT = 50;
/** Escalations are shown for this long. */
const ESCALATION_WINDOW_MS = 24 * 3_600_000;

export function resultJson(result: StoredValidation): ResultAnswer {
  return {
    provider: result.provider,
    configured: result.configured,
    auth_probe_passed: result.authProbePassed,
    execution_probe_passed: result.executionProbePassed,
    usage_event_written: result.usageEventWritten,
    last_error_class: result.lastErrorClass,
    passed: result.passed,
    ready: result.ready,
    retry_count_24h: result.retryCount24h,
    escalation_count_24h: result.escalationCount24h,
    mode: result.mode,
    retries: result.retries,
    started_at: result.startedAt,
    completed_at: result.completedAt,
    usage_event_id: result.usageEventId,
    checks: result.checks.map((check) => ({
      check: check.check,
      passed: check.passed,
      detail: check.detail,
      error_class: check.errorClass,
      attempts: check.attempts,
      duration_ms: check.durationMs,
      cost_usd: check.costUsd,
    })),
  };
}

/** A stored run with its results (`GET …/runs/:run_id`, an item of `GET …/runs`). */
export function runJson({ run, results }: ValidationRun): RunJson {
  return { run_id: run.runId, mode: run.mode, trigger: run.trigger, started_at: run.startedAt, completed_at: run.completedAt, providers: results.map(resultJson) };
}

/** The answer of `POST …/run`: the run's id and each provider's four checks. */
export function runAnswerJson({ run, results }: ValidationRun): RunAnswer {
  const providers = results.map((result) => ({
    provider: result.provider,
    configured: result.configured,
    auth_probe_passed: result.authProbePassed,
    execution_probe_passed: result.executionProbePassed,
    usage_event_written: result.usageEventWritten,
    last_error_class: result.lastErrorClass,
  }));
  return { status: 'ok', run_id: run.runId, providers };
}

function escalationJson(trace: EscalationTrace): ProviderEvidenceAnswer['escalations'][number] {
  return {
    at: trace.at,
    kind: trace.kind,
    trigger: trace.trigger,
    message: trace.message,
    instance_id: trace.instanceId,
    placement_id: trace.placementId,
    decision_id: trace.decisionId,
    // An LLM escalation has no instance: its evidence is the gateway's decision.
    evidence: trace.decisionId === null ? `/v1/instances/${trace.instanceId}/placement` : `/v1/llm/decisions/${trace.decisionId}`,
  };
}

/** `GET …/provider-validation`: every provider known to readiness, ready or not. */
export function statusAnswer(service: ValidationService): Promise<StatusAnswer> {
  return service.status();
}

/**
 * `GET …/runs`: one page of runs, newest first. A cursor that decodes but names no stored run (made
 * up, or its run pruned since) is 400 INVALID_CURSOR, not a silent restart from the newest run.
 */
export async function runsPage(service: ValidationService, limit: number, cursor?: string): Promise<RunsPageAnswer> {
  const before = decodeCursor(cursor);
  if (before !== undefined && (await service.runById(before)) === null) {
    throw new ApiError(400, 'INVALID_CURSOR', 'cursor names no stored run (pruned, or not one this API handed out); start again without a cursor');
  }
  const runs = await service.runs(limit, before);
  const last = runs.at(-1);
  return { items: runs.map(runJson), nextCursor: runs.length === limit && last ? encodeCursor(last.run.runId) : null };
}

/** `GET …/runs/:run_id`; null when no such run is stored. */
export async function runById(service: ValidationService, runId: string): Promise<RunJson | null> {
  const run = await service.runById(runId);
  return run === null ? null : runJson(run);
}

/** `GET …/providers/:provider`: its status, its last results (newest first) and its escalations of the last 24 hours. 404 for a provider readiness does not know. */
export async function providerEvidence(service: ValidationService, provider: string, now = Date.now()): Promise<ProviderEvidenceAnswer> {
  if (!service.knownProviders().includes(provider)) {
    throw new ApiError(404, 'PROVIDER_NOT_FOUND', `no enabled or required provider named ${provider}`, { known: service.knownProviders() });
  }
  const [{ required: _required, ...status }, history, escalations] = await Promise.all([
    service.statusOf(provider),
    service.history(provider, HISTORY_LIMIT),
    service.escalations(provider, new Date(now - ESCALATION_WINDOW_MS).toISOString()),
  ]);
  return {
    status,
    required: service.requiredProviders().includes(provider),
    history: history.map((result) => ({ run_id: result.runId, ...resultJson(result) })),
    escalations: escalations.map(escalationJson),
  };
}
