import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { RAMP_STAGES, type RampStage } from '../../governance/rollout/index.js';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import type { GovernanceSettings } from '../governance/governance-settings.js';
import type { ProviderReload } from '../governance/provider-reload.js';
import { persistPromotion } from '../governance/providers-file-promotion.js';
import { resolveRolloutPair, ROLLOUT_CAPABILITIES } from '../governance/rollout-pair.js';
import type { ShadowService } from '../governance/shadow-service.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { parseJsonBody } from '../request-parsing.js';

const adapterName = z.string().min(1).max(64);
const PairBodySchema = z.object({ capability: z.enum(ROLLOUT_CAPABILITIES), candidate: adapterName, current: adapterName.optional() }).strict();

const ShadowStartBodySchema = PairBodySchema.extend({
  duration_sec: z.number().int().positive(),
  max_comparisons: z.number().int().positive().optional(),
}).strict();
const ShadowSimpleBodySchema = PairBodySchema.extend({ capability: z.enum(ROLLOUT_CAPABILITIES).default('compute') }).strict();
const ShadowStopBodySchema = z.object({ shadow_id: z.string().min(1) }).strict();
const CompareOnceBodySchema = PairBodySchema.extend({ model: z.string().min(1).optional() }).strict();

const MismatchSchema = z.object({ path: z.string(), kind: z.enum(['changed', 'missing_in_candidate', 'extra_in_candidate']), current: z.unknown(), candidate: z.unknown() });
const EvidenceSchema = z.object({ operation: z.string(), at: z.string(), mismatches: z.array(MismatchSchema) });
const pairFields = { capability: z.enum(ROLLOUT_CAPABILITIES), current: z.string(), candidate: z.string() };

const ShadowSchema = z
  .object({
    shadow_id: z.string(),
    ...pairFields,
    state: z.enum(['running', 'ended']),
    started_at: z.string(),
    ends_at: z.string(),
    ended_at: z.string().nullable(),
    end_reason: z.string().nullable(),
    budget: z.object({ max_comparisons: z.number(), max_duration_sec: z.number() }),
    comparisons: z.number(),
    fields_mismatches: z.number().openapi({ description: 'Field mismatches over all comparisons (ordering and timestamps do not count)' }),
    mismatching_comparisons: z.number(),
    candidate_errors: z.number(),
    current_errors: z.number(),
    skipped: z.number().openapi({ description: 'Reads not mirrored because the run already had its calls in flight (sampled, never queued)' }),
    decision: z.enum(['proceed', 'hold']),
    reasons: z.array(z.string()),
    evidence: z.array(EvidenceSchema),
  })
  .openapi('ShadowRun');

const CompareOnceSchema = z
  .object({ ...pairFields, comparisons: z.number(), mismatches: z.number(), decision: z.enum(['proceed', 'hold']), reasons: z.array(z.string()), evidence: z.array(EvidenceSchema), report: z.string() })
  .openapi('ShadowCompareOnce');

const outcomesSchema = z.object({ samples: z.number(), errors: z.number(), errorRate: z.number(), p95LatencyMs: z.number().nullable() });
const RampSchema = z
  .object({
    ...pairFields,
    stage: z.number(),
    state: z.enum(['ramping', 'promoted', 'rolled_back']),
    since: z.string(),
    history: z.array(z.object({ stage: z.number(), at: z.string(), reason: z.string() })),
    current_outcomes: outcomesSchema,
    candidate_outcomes: outcomesSchema,
    mismatches: z.number(),
    rollback: z.object({ at: z.string(), breaches: z.array(z.object({ metric: z.string(), observed: z.number(), threshold: z.number(), detail: z.string() })) }).nullable(),
    promotion: z
      .object({ persisted: z.boolean(), path: z.string().nullable(), reason: z.string().optional() })
      .optional()
      .openapi({ description: 'At 100: whether the promotion was written into the providers file (so a restart keeps it), or why not' }),
  })
  .openapi('Ramp');

const pairErrors = { 404: ['PROVIDER_NOT_FOUND'], 422: ['UNKNOWN_ADAPTER', 'AMBIGUOUS_CURRENT', 'NO_CURRENT_ADAPTER', 'KIND_MISMATCH'], 400: ['PROVIDERS_CONFIG_INVALID'] } as const;

const shadowStartRoute = createRoute({
  method: 'post',
  path: '/providers/shadow/start',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Mirror the current adapter’s reads to a candidate for a while and diff the answers; writes stay on the current adapter',
  request: { body: jsonRequestBody(ShadowStartBodySchema, { description: '`{capability, candidate, current?, duration_sec, max_comparisons?}`', required: true }) },
  responses: {
    200: { description: 'The run’s id and end', content: { 'application/json': { schema: z.object({ shadow_id: z.string(), ends_at: z.string() }).openapi('ShadowStarted') } } },
    ...errorResponses(JSON_BODY_ERRORS, { ...pairErrors, 409: ['SHADOW_RUNNING'] }),
  },
});

const shadowSimpleRoute = createRoute({
  method: 'post',
  path: '/providers/shadow/start/simple',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Start a shadow with safe defaults (governance.shadow.defaultDurationSec, at most 100 comparisons)',
  request: { body: jsonRequestBody(ShadowSimpleBodySchema, { description: '`{candidate, capability?: compute, current?}`', required: true }) },
  responses: {
    200: { description: 'The run’s id and end', content: { 'application/json': { schema: z.object({ shadow_id: z.string(), ends_at: z.string() }) } } },
    ...errorResponses(JSON_BODY_ERRORS, { ...pairErrors, 409: ['SHADOW_RUNNING'] }),
  },
});

const shadowStopRoute = createRoute({
  method: 'post',
  path: '/providers/shadow/stop',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'End a shadow run now: its decision is written to <dataDir>/reports/vendor_shadow_report.json',
  request: { body: jsonRequestBody(ShadowStopBodySchema, { description: '`{shadow_id}`', required: true }) },
  responses: {
    200: { description: 'The run, ended, with its decision', content: { 'application/json': { schema: ShadowSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, { 404: ['SHADOW_NOT_FOUND'] }),
  },
});

const shadowListRoute = createRoute({
  method: 'get',
  path: '/providers/shadow',
  security: requires('read'),
  tags: ['governance'],
  summary: 'Every shadow run of this process, running and ended',
  responses: { 200: { description: 'The runs, oldest first', content: { 'application/json': { schema: z.object({ shadows: z.array(ShadowSchema) }) } } }, ...errorResponses() },
});

const compareOnceRoute = createRoute({
  method: 'post',
  path: '/providers/shadow/compare-once',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'One deterministic comparison of the current adapter and the candidate now → mismatch count and decision',
  request: { body: jsonRequestBody(CompareOnceBodySchema, { description: '`{capability, candidate, current?, model?}` (model: LLM only; default the current adapter’s probe model)', required: true }) },
  responses: {
    200: { description: 'The comparison, its decision, and where the report was written', content: { 'application/json': { schema: CompareOnceSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, { ...pairErrors, 422: [...pairErrors[422], 'VALIDATION_ERROR'] }),
  },
});

const rampRoute = createRoute({
  method: 'post',
  path: '/providers/ramp/{stage}',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Send a share of new work (compute: spawns for the current adapter; LLM: requests) to the candidate; 100 promotes it, 0 stops',
  request: {
    params: z.object({ stage: z.enum(RAMP_STAGES.map(String) as [string, ...string[]]).openapi({ description: 'The share in percent: 0, 5, 25, 50 or 100' }) }),
    body: jsonRequestBody(PairBodySchema, { description: '`{capability, candidate, current?}`', required: true }),
  },
  responses: {
    200: { description: 'The ramp now', content: { 'application/json': { schema: RampSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, PARAMETER_ERRORS, { ...pairErrors, 409: ['SHADOW_NOT_CLEAN', 'RAMP_IN_PROGRESS', 'RAMP_PROMOTED'] }),
  },
});

const rampListRoute = createRoute({
  method: 'get',
  path: '/providers/ramp',
  security: requires('read'),
  tags: ['governance'],
  summary: 'Every ramp of this process: stage, state, outcomes per side, rollback evidence',
  responses: { 200: { description: 'The ramps', content: { 'application/json': { schema: z.object({ ramps: z.array(RampSchema) }) } } }, ...errorResponses() },
});

/** Shadow runs and ramps (docs/governance.md). */
export function rolloutRoutes(
  ctx: ControlPlaneContext,
  options: { reload: ProviderReload | null; shadow: ShadowService; settings: GovernanceSettings['shadow']; providersFile: string | null },
): OpenAPIHono {
  const { shadow } = options;
  return new OpenAPIHono()
    .openapi(shadowStartRoute, async (c) => {
      const body = await parseJsonBody(c, ShadowStartBodySchema);
      const pair = await resolveRolloutPair(ctx, options.reload, body);
      return c.json(shadow.start(pair, body.duration_sec, body.max_comparisons ?? options.settings.maxComparisons), 200);
    })
    .openapi(shadowSimpleRoute, async (c) => {
      const body = await parseJsonBody(c, ShadowSimpleBodySchema);
      const pair = await resolveRolloutPair(ctx, options.reload, body);
      return c.json(shadow.start(pair, Math.min(options.settings.defaultDurationSec, options.settings.maxDurationSec), Math.min(100, options.settings.maxComparisons)), 200);
    })
    .openapi(shadowStopRoute, async (c) => c.json(await shadow.stop((await parseJsonBody(c, ShadowStopBodySchema)).shadow_id), 200))
    .openapi(shadowListRoute, (c) => c.json({ shadows: shadow.list() }, 200))
    .openapi(compareOnceRoute, async (c) => {
      const body = await parseJsonBody(c, CompareOnceBodySchema);
      const pair = await resolveRolloutPair(ctx, options.reload, body);
      return c.json(await shadow.compareOnce(pair, body.model), 200);
    })
    .openapi(rampRoute, async (c) => {
      const stage = Number(c.req.valid('param').stage) as RampStage;
      const body = await parseJsonBody(c, PairBodySchema);
      const pair = await resolveRolloutPair(ctx, options.reload, body);
      if (stage > 0) {
        // The decision policy: a ramp starts only on a clean shadow (no mismatch, no candidate error, within its caps).
        const cleared = shadow.clearedForRamp(pair);
        if (!cleared.ok) throw new ApiError(409, 'SHADOW_NOT_CLEAN', `${pair.candidate} is not cleared to take work from ${pair.current}: ${cleared.reasons.join('; ')}`, { reasons: cleared.reasons });
      }
      const status = ctx.ramp.setStage(pair, stage, stage === 0 ? 'stopped by request' : `set to ${stage} % by request`);
      if (stage !== 100) return c.json(status, 200);
      const promotion = persistPromotion(options.providersFile, pair.capability, pair.current, pair.candidate);
      ctx.logger.info('ramp promotion', { capability: pair.capability, adapter: pair.candidate, current: pair.current, persisted: promotion.persisted, path: promotion.path, latency_ms: 0, attempts: 1, error_class: null });
      return c.json({ ...status, promotion }, 200);
    })
    .openapi(rampListRoute, (c) => c.json({ ramps: ctx.ramp.list() }, 200));
}
