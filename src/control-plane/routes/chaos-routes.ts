import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, PROVIDER_LOOKUP_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { type ChaosStatus, ChaosStatusSchema } from '../openapi/response-schemas.js';
import { parseJsonBody } from '../request-parsing.js';
import { ProviderPathSchema } from './provider-routes.js';

const CHAOS_ERRORS = { 422: ['CHAOS_UNSUPPORTED'] } as const;
const statusResponse = { description: 'The chaos status', content: { 'application/json': { schema: ChaosStatusSchema } } };

/** A scenario, or `{preset, seed}`; the provider's chaos engine validates it (docs/chaos.md). */
const ChaosScenarioRequestSchema = z
  .object({ preset: z.string().optional(), seed: z.number().int().optional() })
  .catchall(z.unknown())
  .describe('A chaos scenario ({seed, faults, latency, ...}, see docs/chaos.md) or {preset, seed}');

const getChaos = createRoute({
  method: 'get',
  path: '/v1/providers/{name}/chaos',
  security: requires('read'),
  tags: ['chaos'],
  summary: "The provider's fault injection: scenario, counters, recent faults",
  request: { params: ProviderPathSchema },
  responses: { 200: statusResponse, ...errorResponses(PROVIDER_LOOKUP_ERRORS, CHAOS_ERRORS) },
});

const putChaos = createRoute({
  method: 'put',
  path: '/v1/providers/{name}/chaos',
  security: requires('admin'),
  tags: ['chaos'],
  summary: 'Replace the scenario (resets counters, the fault log and lingering effects)',
  request: {
    params: ProviderPathSchema,
    body: jsonRequestBody(ChaosScenarioRequestSchema, { description: 'The new scenario', required: true }),
  },
  responses: {
    200: statusResponse,
    ...errorResponses(PROVIDER_LOOKUP_ERRORS, { 400: ['MALFORMED_JSON'], 413: ['PAYLOAD_TOO_LARGE'], 422: ['CHAOS_UNSUPPORTED', 'INVALID_CHAOS_SCENARIO'] }),
  },
});

const deleteChaos = createRoute({
  method: 'delete',
  path: '/v1/providers/{name}/chaos',
  security: requires('admin'),
  tags: ['chaos'],
  summary: 'Chaos off',
  request: { params: ProviderPathSchema },
  responses: { 200: statusResponse, ...errorResponses(PROVIDER_LOOKUP_ERRORS, CHAOS_ERRORS) },
});

/** GET / PUT / DELETE /v1/providers/:name/chaos: the testing tier's fault injection, live. */
export function chaosRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  const requireChaos = (name: string) => {
    const entry = ctx.registry.require(name);
    if (!entry.chaos) throw new ApiError(422, 'CHAOS_UNSUPPORTED', `provider ${name} has no chaos engine`, { provider: name });
    return entry.chaos;
  };
  // The contract types the status loosely (it is the engine's); ChaosStatusSchema is its shape, checked by tests/control-plane/openapi.test.ts.
  const statusOf = (chaos: ReturnType<typeof requireChaos>) => chaos.status() as ChaosStatus;
  return new OpenAPIHono()
    .openapi(getChaos, (c) => c.json(statusOf(requireChaos(c.req.valid('param').name)), 200))
    .openapi(putChaos, async (c) => {
      const { name } = c.req.valid('param');
      const chaos = requireChaos(name);
      const scenario = await parseJsonBody(c, z.unknown());
      const result = chaos.replace(scenario);
      if (!result.ok) {
        const summary = result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
        throw new ApiError(422, 'INVALID_CHAOS_SCENARIO', `invalid chaos scenario: ${summary}`, { issues: result.issues });
      }
      ctx.logger.info('chaos scenario replaced', { provider: name });
      return c.json(statusOf(chaos), 200);
    })
    .openapi(deleteChaos, (c) => {
      const { name } = c.req.valid('param');
      const chaos = requireChaos(name);
      chaos.clear();
      ctx.logger.info('chaos off', { provider: name });
      return c.json(statusOf(chaos), 200);
    });
}
