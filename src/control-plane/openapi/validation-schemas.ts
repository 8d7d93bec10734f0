import { z } from '@hono/zod-openapi';
import { CHECKS, VALIDATION_MODES, VALIDATION_TRIGGERS } from '../../readiness/validation-result.js';

/** The JSON of the provider-validation routes (field names as other tools already speak them: snake_case). */

const Timestamp = z.iso.datetime();
const ErrorClass = z.string().nullable().openapi({ description: 'A compute taxonomy code (AUTH_ERROR, RATE_LIMIT_ERROR, …), CONFIG_MISSING, TIMEOUT or UNKNOWN_ERROR; null when nothing failed' });

export const RunRequestSchema = z
  .object({
    providers: z.array(z.string().min(1)).min(1).optional().openapi({ description: 'Default: every enabled or required provider' }),
    mode: z.enum(VALIDATION_MODES).default('full').openapi({ description: 'quick: configured + auth; full: every check' }),
  })
  .strict();

export const RunProviderSchema = z.object({
  provider: z.string(),
  configured: z.boolean(),
  auth_probe_passed: z.boolean(),
  execution_probe_passed: z.boolean().nullable().openapi({ description: 'null in a quick run (not checked), or when the daily probe budget skipped it (a paid probe: its check says why)' }),
  usage_event_written: z.boolean(),
  last_error_class: ErrorClass,
});

export const RunAnswerSchema = z
  .object({ status: z.literal('ok'), run_id: z.string().openapi({ example: 'prv_2026_02_17T00_00_00Z' }), providers: z.array(RunProviderSchema) })
  .openapi('ProviderValidationRunAnswer');

export const ProviderStatusSchema = z.object({
  provider: z.string(),
  ready: z.boolean(),
  last_validated_at: Timestamp.nullable(),
  last_successful_execution_at: Timestamp.nullable(),
  last_failure_at: Timestamp.nullable(),
  failure_rate_24h: z.number().min(0).max(1),
  retry_count_24h: z.number().int().openapi({ description: "Validation retries of the last 24 hours, plus an LLM provider's call retries" }),
  escalation_count_24h: z.number().int().openapi({ description: 'Escalations away from the provider in the last 24 hours: placement moving on, or the LLM gateway moving to another model' }),
  last_error_class: ErrorClass,
});

export const StatusAnswerSchema = z
  .object({
    required_providers: z.array(z.string()),
    summary: z.object({ ready: z.number().int(), not_ready: z.number().int() }),
    providers: z.array(ProviderStatusSchema),
  })
  .openapi('ProviderValidationStatus');

const CheckSchema = z.object({
  check: z.enum(CHECKS),
  passed: z.boolean().nullable().openapi({ description: 'null: not run, or skipped for the daily probe budget (detail `skipped: …`)' }),
  detail: z.string(),
  error_class: ErrorClass,
  attempts: z.number().int(),
  duration_ms: z.number().int(),
  cost_usd: z.number().openapi({ description: 'USD the check actually cost (0 for every compute probe; an LLM completion its priced usage)' }),
});

/** ProviderValidationResult: one provider in one run, with the evidence behind each check. */
export const ResultSchema = RunProviderSchema.extend({
  passed: z.boolean().openapi({ description: "Every check this run's mode asks for passed (false exactly when last_error_class is set)" }),
  ready: z.boolean().openapi({ description: 'The provider was ready right after this result' }),
  retry_count_24h: z.number().int(),
  escalation_count_24h: z.number().int(),
  mode: z.enum(VALIDATION_MODES),
  retries: z.number().int().openapi({ description: 'Retries of transient failures in this run' }),
  started_at: Timestamp,
  completed_at: Timestamp,
  usage_event_id: z.string().nullable(),
  checks: z.array(CheckSchema),
}).openapi('ProviderValidationResult');

/** ProviderValidationRun, with its results. */
export const RunSchema = z
  .object({
    run_id: z.string(),
    mode: z.enum(VALIDATION_MODES),
    trigger: z.enum(VALIDATION_TRIGGERS),
    started_at: Timestamp,
    completed_at: Timestamp.nullable(),
    providers: z.array(ResultSchema),
  })
  .openapi('ProviderValidationRun');

export const RunsPageSchema = z.object({ items: z.array(RunSchema), nextCursor: z.string().nullable() });

const EscalationSchema = z.object({
  at: Timestamp,
  kind: z.string().openapi({ description: "Placement's escalation kind (next-offer, …), or llm: the LLM gateway moved a call to another model" }),
  trigger: z.string(),
  message: z.string(),
  instance_id: z.string().openapi({ description: 'Empty for an llm escalation' }),
  placement_id: z.string().openapi({ description: "The placement decision; for an llm escalation, the gateway's decision id (as decision_id)" }),
  decision_id: z.string().nullable().openapi({ description: "The LLM gateway's routing decision (llm escalations); null for a placement escalation" }),
  evidence: z.string().openapi({
    description: 'The decision it came from: GET this path (a placement, or for an llm escalation the gateway decision named by decision_id)',
  }),
});

export const ProviderEvidenceSchema = z
  .object({
    status: ProviderStatusSchema,
    required: z.boolean(),
    history: z.array(ResultSchema.extend({ run_id: z.string() })),
    escalations: z.array(EscalationSchema),
  })
  .openapi('ProviderValidationEvidence');
