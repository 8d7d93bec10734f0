import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import type { Context } from 'hono';
import { capabilityMap } from '../../contracts/index.js';
import type { SsotAudit } from '../../governance/provider-name-registry.js';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { OVERRIDE_CAPABILITIES, type ProviderOverride } from '../governance/provider-overrides.js';
import type { ProviderReload } from '../governance/provider-reload.js';
import type { ShadowService } from '../governance/shadow-service.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { parseJsonBody } from '../request-parsing.js';
import { prefersHtml } from './page-routes.js';

const OverrideSchema = z.object({ capability: z.enum(OVERRIDE_CAPABILITIES), adapters: z.array(z.string()), reason: z.string().nullable(), setAt: z.string() }).openapi('ProviderOverride');

const ProvidersAnswerSchema = z
  .object({
    capabilities: z.object({ compute: z.array(z.string()), llm_gateway: z.array(z.string()) }).openapi({ description: 'The active mapping: the adapters serving each capability now (overrides applied; retiring providers left out)' }),
    adapters: z.array(
      z.object({
        name: z.string(),
        capability: z.enum(['compute', 'llm_gateway']),
        kind: z.string(),
        tier: z.string().nullable(),
        capabilities: z.record(z.string(), z.boolean()),
        state: z.enum(['active', 'candidate', 'retiring']).openapi({ description: 'retiring: removed by a reload while it owns live instances; reconciled, given no new work. candidate: a shadow run\'s or a ramp\'s; reached by the ramp\'s share of work only' }),
      }),
    ),
    overrides: z.array(OverrideSchema),
    rollouts: z
      .object({
        shadows: z.array(z.object({ shadow_id: z.string(), capability: z.string(), current: z.string(), candidate: z.string(), ends_at: z.string(), comparisons: z.number(), fields_mismatches: z.number() })),
        ramps: z.array(z.object({ capability: z.string(), current: z.string(), candidate: z.string(), stage: z.number(), state: z.string() })),
      })
      .openapi({ description: 'The shadow runs under way and every ramp of this process (details: GET /providers/shadow, GET /providers/ramp)' }),
    ssot: z.object({ status: z.enum(['ok', 'drift', 'unavailable']), unknown: z.array(z.string()).optional(), reason: z.string().optional() }),
  })
  .openapi('ProvidersMapping');

const providersRoute = createRoute({
  method: 'get',
  path: '/providers',
  security: requires('read'),
  tags: ['governance'],
  summary: 'The provider mapping (JSON); a browser asking for HTML gets the readiness page',
  responses: {
    200: {
      description: 'The active mapping, every adapter, the overrides in force and the ssot status; text/html when Accept prefers it',
      content: { 'application/json': { schema: ProvidersAnswerSchema }, 'text/html': { schema: { type: 'string' } } },
    },
    ...errorResponses(),
  },
});

const ReloadAnswerSchema = z
  .object({ added: z.array(z.string()), retiring: z.array(z.string()), removed: z.array(z.string()), restored: z.array(z.string()), unchanged: z.array(z.string()) })
  .openapi('ProvidersReload');

const reloadRoute = createRoute({
  method: 'post',
  path: '/providers/reload',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Re-read the provider configuration and apply the provider set without a restart; a bad file changes nothing',
  responses: {
    200: { description: 'What changed', content: { 'application/json': { schema: ReloadAnswerSchema } } },
    ...errorResponses({ 400: ['PROVIDERS_CONFIG_INVALID'], 409: ['RELOAD_UNAVAILABLE'] }),
  },
});

const OverrideBodySchema = z
  .object({
    capability: z.enum(OVERRIDE_CAPABILITIES),
    adapters: z.array(z.string().min(1)).min(1).max(32),
    reason: z.string().max(500).optional(),
  })
  .strict();

const setOverrideRoute = createRoute({
  method: 'post',
  path: '/providers/overrides',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Pin a capability to some adapters (in-process; a restart drops it)',
  request: { body: jsonRequestBody(OverrideBodySchema, { description: '`{capability: compute | llm_gateway, adapters: [...], reason?}`', required: true }) },
  responses: {
    200: { description: 'The override now in force', content: { 'application/json': { schema: OverrideSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, { 422: ['UNKNOWN_ADAPTER'] }),
  },
});

const clearOverrideRoute = createRoute({
  method: 'delete',
  path: '/providers/overrides/{capability}',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Drop a capability’s override',
  request: { params: z.object({ capability: z.enum(OVERRIDE_CAPABILITIES) }) },
  responses: {
    204: { description: 'Dropped' },
    ...errorResponses(PARAMETER_ERRORS, { 404: ['OVERRIDE_NOT_FOUND'] }),
  },
});

const ssotJson = (audit: SsotAudit) =>
  audit.line === 'ssot=ok' ? { status: 'ok' as const } : audit.line === 'ssot=drift' ? { status: 'drift' as const, unknown: audit.unknown } : { status: 'unavailable' as const, reason: audit.reason };

const overrideJson = (override: ProviderOverride) => ({ ...override, adapters: [...override.adapters] });

/** Provider governance (docs/governance.md): the mapping, reload and overrides. */
export function governanceRoutes(ctx: ControlPlaneContext, options: { reload: ProviderReload | null; ssot: SsotAudit; providersPage: (c: Context) => Promise<Response>; shadow: ShadowService }): OpenAPIHono {
  const mapping = () => {
    const compute = ctx.registry.all().map((entry) => ({
      name: entry.name,
      capability: 'compute' as const,
      kind: entry.kind,
      tier: entry.provider.tier as string | null,
      capabilities: capabilityMap(entry.provider.capabilities),
      state: ctx.registry.state(entry.name),
    }));
    const llmCandidate = (name: string) => ctx.ramp.isCandidate('llm_gateway', name) || options.shadow.isCandidate('llm_gateway', name);
    const llm = ctx.llm.providerEntries.map((entry) => ({
      name: entry.name,
      capability: 'llm_gateway' as const,
      kind: entry.kind,
      tier: null,
      capabilities: { ...ctx.llm.adapterCapabilities(entry.name) },
      state: llmCandidate(entry.name) ? ('candidate' as const) : ('active' as const),
    }));
    return {
      capabilities: {
        compute: ctx.registry.activeNames().filter((name) => ctx.overrides.allows('compute', name)),
        llm_gateway: ctx.llm.providers.filter((name) => ctx.overrides.allows('llm_gateway', name) && !llmCandidate(name)),
      },
      adapters: [...compute, ...llm],
      overrides: ctx.overrides.list().map(overrideJson),
      rollouts: {
        shadows: options.shadow
          .list()
          .filter((run) => run.state === 'running')
          .map((run) => ({ shadow_id: run.shadow_id, capability: run.capability, current: run.current, candidate: run.candidate, ends_at: run.ends_at, comparisons: run.comparisons, fields_mismatches: run.fields_mismatches })),
        ramps: ctx.ramp.list().map((ramp) => ({ capability: ramp.capability, current: ramp.current, candidate: ramp.candidate, stage: ramp.stage, state: ramp.state })),
      },
      ssot: ssotJson(options.ssot),
    };
  };
  return new OpenAPIHono()
    .openapi(providersRoute, async (c) => {
      if (prefersHtml(c.req.header('accept'))) return options.providersPage(c) as never;
      return c.json(mapping(), 200);
    })
    .openapi(reloadRoute, async (c) => {
      if (options.reload === null) throw new ApiError(409, 'RELOAD_UNAVAILABLE', 'this control plane was started without a configuration loader (embedded use): nothing to reload from');
      return c.json(await options.reload.reload(), 200);
    })
    .openapi(setOverrideRoute, async (c) => {
      const body = await parseJsonBody(c, OverrideBodySchema);
      const known = body.capability === 'compute' ? ctx.registry.activeNames() : ctx.llm.providers;
      const override = ctx.overrides.set(body.capability, body.adapters, known, body.reason ?? null);
      ctx.logger.info('provider override set', { capability: body.capability, adapter: override.adapters.join(','), latency_ms: 0, attempts: 1, error_class: null });
      return c.json(overrideJson(override), 200);
    })
    .openapi(clearOverrideRoute, (c) => {
      const { capability } = c.req.valid('param');
      if (!ctx.overrides.clear(capability)) throw new ApiError(404, 'OVERRIDE_NOT_FOUND', `no override of ${capability} is in force`);
      ctx.logger.info('provider override dropped', { capability, latency_ms: 0, attempts: 1, error_class: null });
      return c.body(null, 204);
    });
}
