import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { ProviderEvidenceSchema, RunAnswerSchema, RunRequestSchema, RunSchema, RunsPageSchema, StatusAnswerSchema } from '../openapi/validation-schemas.js';
import { decodeCursor, encodeCursor } from '../pagination.js';
import type { ValidationRun } from '../readiness/validation-service.js';
import { parseJsonBody } from '../request-parsing.js';
import type { EscalationTrace, StoredValidation } from '../store/validation-store.js';

/** The paths other tools already speak: kept exactly. */
export const VALIDATION_BASE = '/api/automation/usage/provider-validation';
const HISTORY_LIMIT = 50;
const DAY_MS = 24 * 3_600_000;

const runRoute = createRoute({
  method: 'post',
  path: `${VALIDATION_BASE}/run`,
  tags: ['readiness'],
  summary: 'Validate providers now (quick: configured + auth; full: every check) and store the run',
  request: { body: jsonRequestBody(RunRequestSchema, { description: '`{providers?, mode?}`; an empty body validates every provider in full', required: false }) },
  responses: {
    200: { description: 'The run, one row per provider', content: { 'application/json': { schema: RunAnswerSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, { 422: ['UNKNOWN_PROVIDER'] }),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: VALIDATION_BASE,
  tags: ['readiness'],
  summary: 'Every provider: ready or not, and its last 24 hours',
  responses: {
    200: { description: 'The required providers, the summary, and each provider', content: { 'application/json': { schema: StatusAnswerSchema } } },
    ...errorResponses(),
  },
});

const RunsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ type: 'integer', description: 'Runs per page (default 20, at most 100)' }),
  cursor: z.string().min(1).optional().openapi({ description: 'nextCursor of the previous page' }),
});

const runsRoute = createRoute({
  method: 'get',
  path: `${VALIDATION_BASE}/runs`,
  tags: ['readiness'],
  summary: 'The stored runs, newest first, with their results',
  request: { query: RunsQuerySchema },
  responses: {
    200: { description: 'One page of runs', content: { 'application/json': { schema: RunsPageSchema } } },
    ...errorResponses(PARAMETER_ERRORS, { 400: ['INVALID_CURSOR'] }),
  },
});

const oneRunRoute = createRoute({
  method: 'get',
  path: `${VALIDATION_BASE}/runs/{run_id}`,
  tags: ['readiness'],
  summary: 'One stored run with its results',
  request: { params: z.object({ run_id: z.string().openapi({ example: 'prv_2026_02_17T00_00_00Z' }) }) },
  responses: {
    200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
    ...errorResponses({ 404: ['RUN_NOT_FOUND'] }),
  },
});

const providerRoute = createRoute({
  method: 'get',
  path: `${VALIDATION_BASE}/providers/{provider}`,
  tags: ['readiness'],
  summary: "One provider's status, its result history (the failure history) and its escalations of the last 24 hours",
  request: { params: z.object({ provider: z.string().openapi({ example: 'orbstack' }) }) },
  responses: {
    200: { description: 'The provider', content: { 'application/json': { schema: ProviderEvidenceSchema } } },
    ...errorResponses({ 404: ['PROVIDER_NOT_FOUND'] }),
  },
});

function resultJson(result: StoredValidation) {
  return {
    provider: result.provider,
    configured: result.configured,
    auth_probe_passed: result.authProbePassed,
    execution_probe_passed: result.executionProbePassed,
    usage_event_written: result.usageEventWritten,
    last_error_class: result.lastErrorClass,
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

function runJson({ run, results }: ValidationRun) {
  return { run_id: run.runId, mode: run.mode, trigger: run.trigger, started_at: run.startedAt, completed_at: run.completedAt, providers: results.map(resultJson) };
}

function escalationJson(trace: EscalationTrace) {
  return {
    at: trace.at,
    kind: trace.kind,
    trigger: trace.trigger,
    message: trace.message,
    instance_id: trace.instanceId,
    placement_id: trace.placementId,
    evidence: `/v1/instances/${trace.instanceId}/placement`,
  };
}

export function validationRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  const service = ctx.validations;
  return new OpenAPIHono()
    .openapi(runRoute, async (c) => {
      const body = await parseJsonBody(c, RunRequestSchema, { optional: true });
      const run = await service.run({ ...(body.providers !== undefined && { providers: body.providers }), mode: body.mode, trigger: 'api' });
      const providers = run.results.map((result) => ({
        provider: result.provider,
        configured: result.configured,
        auth_probe_passed: result.authProbePassed,
        execution_probe_passed: result.executionProbePassed,
        usage_event_written: result.usageEventWritten,
        last_error_class: result.lastErrorClass,
      }));
      return c.json({ status: 'ok' as const, run_id: run.run.runId, providers }, 200);
    })
    .openapi(statusRoute, async (c) => c.json(await service.status(), 200))
    .openapi(runsRoute, async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const runs = await ctx.validations.runs(limit, decodeCursor(cursor));
      const last = runs.at(-1);
      return c.json({ items: runs.map(runJson), nextCursor: runs.length === limit && last ? encodeCursor(last.run.runId) : null }, 200);
    })
    .openapi(oneRunRoute, async (c) => {
      const { run_id: runId } = c.req.valid('param');
      const run = await ctx.validations.runById(runId);
      if (run === null) throw new ApiError(404, 'RUN_NOT_FOUND', `no validation run ${runId}`);
      return c.json(runJson(run), 200);
    })
    .openapi(providerRoute, async (c) => {
      const { provider } = c.req.valid('param');
      if (!service.knownProviders().includes(provider)) throw new ApiError(404, 'PROVIDER_NOT_FOUND', `no enabled or required provider named ${provider}`, { known: service.knownProviders() });
      const [{ required: _required, ...status }, history, escalations] = await Promise.all([
        service.statusOf(provider),
        service.history(provider, HISTORY_LIMIT),
        service.escalations(provider, new Date(Date.now() - DAY_MS).toISOString()),
      ]);
      return c.json(
        {
          status,
          required: service.requiredProviders().includes(provider),
          history: history.map((result) => ({ run_id: result.runId, ...resultJson(result) })),
          escalations: escalations.map(escalationJson),
        },
        200,
      );
    });
}
