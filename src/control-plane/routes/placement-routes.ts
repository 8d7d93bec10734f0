import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { CapacityErrorSchema, PlacementSchema, PlanSchema } from '../openapi/placement-schemas.js';
import { planFor } from '../placement/plan-offers.js';
import { parseJsonBody, parseWith } from '../request-parsing.js';
import { RequirementsSchema, SPOT_PREFERENCES } from '../../placement/requirements-schema.js';

const list = (description: string) =>
  z
    .string()
    .optional()
    .openapi({ type: 'string', description: `${description} (comma-separated)` });
const num = (description: string) => z.string().optional().openapi({ type: 'number', description });

/** GET /v1/offers: the requirements flattened into query parameters. */
const OffersQuerySchema = z.object({
  gpu: z.string().optional().openapi({ description: 'GPU model: a canonical id (A100-80GB), a family (A100) or a vendor spelling', example: 'H100' }),
  gpuCount: num('GPUs per machine'),
  gpuMinMemoryGiB: num('Memory per GPU at least, GiB'),
  vcpusMin: num('vCPUs at least'),
  vcpusMax: num('vCPUs at most'),
  memoryMinGiB: num('Memory at least, GiB'),
  memoryMaxGiB: num('Memory at most, GiB'),
  spot: z.enum(SPOT_PREFERENCES).optional(),
  maxPricePerHour: num('USD per hour at most'),
  providers: list('Only these providers'),
  excludeProviders: list('Not these providers'),
  regions: list('Region globs (us-*, eu-west-?)'),
  zones: list('Only these zones'),
  limit: num('Ranked offers in the answer (default 20, at most 500); excluded offers: the same number'),
});

const PlanBodySchema = z.object({ requirements: RequirementsSchema, limit: z.number().int().min(1).max(500).optional() }).strict();

const QUERY_FIELDS: Record<string, string> = {
  'gpu.model': 'gpu',
  'gpu.count': 'gpuCount',
  'gpu.minMemoryGiB': 'gpuMinMemoryGiB',
  'vcpus.min': 'vcpusMin',
  'vcpus.max': 'vcpusMax',
  'memoryGiB.min': 'memoryMinGiB',
  'memoryGiB.max': 'memoryMaxGiB',
};

function numberParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new ApiError(422, 'VALIDATION_ERROR', `invalid query: ${name}: expected a number, got "${value}"`, { issues: [{ path: name, message: 'expected a number' }] });
  return parsed;
}

const listParam = (value: string | undefined) => (value === undefined || value === '' ? undefined : value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

/** The query as a requirements object (validated by the same schema as the JSON body; errors name the query parameter). */
function requirementsFromQuery(query: z.infer<typeof OffersQuerySchema>) {
  const gpu = { model: query.gpu, count: numberParam(query.gpuCount, 'gpuCount'), minMemoryGiB: numberParam(query.gpuMinMemoryGiB, 'gpuMinMemoryGiB') };
  const vcpus = { min: numberParam(query.vcpusMin, 'vcpusMin'), max: numberParam(query.vcpusMax, 'vcpusMax') };
  const memory = { min: numberParam(query.memoryMinGiB, 'memoryMinGiB'), max: numberParam(query.memoryMaxGiB, 'memoryMaxGiB') };
  const defined = (value: Record<string, unknown>) => (Object.values(value).some((item) => item !== undefined) ? value : undefined);
  const raw = {
    gpu: defined(gpu),
    vcpus: defined(vcpus),
    memoryGiB: defined(memory),
    spot: query.spot,
    maxPricePerHour: numberParam(query.maxPricePerHour, 'maxPricePerHour'),
    providers: listParam(query.providers),
    excludeProviders: listParam(query.excludeProviders),
    regions: listParam(query.regions),
    zones: listParam(query.zones),
  };
  const parsed = RequirementsSchema.safeParse(JSON.parse(JSON.stringify(raw)));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: QUERY_FIELDS[path] ?? QUERY_FIELDS[issue.path.slice(0, 2).map(String).join('.')] ?? (issue.path[0] === undefined ? '(root)' : String(issue.path[0])), message: issue.message };
  });
  throw new ApiError(422, 'VALIDATION_ERROR', `invalid query: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, { issues });
}

const PLAN_ERRORS = { 422: ['UNKNOWN_PROVIDER'] } as const;

const offersRoute = createRoute({
  method: 'get',
  path: '/v1/offers',
  security: requires('read'),
  tags: ['placement'],
  summary: 'The ranked offers for requirements given as query parameters, without spawning',
  request: { query: OffersQuerySchema },
  responses: {
    200: { description: 'The plan: ranked offers, exclusions with why', content: { 'application/json': { schema: PlanSchema } } },
    ...errorResponses(PARAMETER_ERRORS, PLAN_ERRORS),
  },
});

const planRoute = createRoute({
  method: 'post',
  path: '/v1/offers/plan',
  security: requires('read'),
  tags: ['placement'],
  summary: 'The ranked offers for requirements given as JSON, without spawning',
  request: { body: jsonRequestBody(PlanBodySchema, { description: '`{requirements, limit?}`', required: true }) },
  responses: {
    200: { description: 'The plan', content: { 'application/json': { schema: PlanSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, PLAN_ERRORS),
  },
});

const InstancePathSchema = z.object({ id: z.string().openapi({ description: 'An instance id' }) });

const placementRoute = createRoute({
  method: 'get',
  path: '/v1/instances/{id}/placement',
  security: requires('read'),
  tags: ['placement'],
  summary: 'Why the instance runs where it does: requirements, the plan at decision time, every attempt and escalation',
  request: { params: InstancePathSchema },
  responses: {
    200: { description: 'The placement evidence', content: { 'application/json': { schema: PlacementSchema } } },
    ...errorResponses({ 404: ['INSTANCE_NOT_FOUND', 'PLACEMENT_NOT_FOUND'] }),
  },
});

const CapacityQuerySchema = z.object({
  provider: z.string().optional(),
  active: z.enum(['true', 'false']).optional().openapi({ description: 'true: only entries still in force' }),
});

const capacityRoute = createRoute({
  method: 'get',
  path: '/v1/capacity-errors',
  security: requires('read'),
  tags: ['placement'],
  summary: 'The capacity-error cache: what placement skips, until when, and why',
  request: { query: CapacityQuerySchema },
  responses: {
    200: { description: 'The entries, newest first', content: { 'application/json': { schema: z.object({ items: z.array(CapacityErrorSchema) }) } } },
    ...errorResponses(PARAMETER_ERRORS),
  },
});

export function placementRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(offersRoute, (c) => {
      const query = c.req.valid('query');
      const limit = Math.min(500, Math.max(1, numberParam(query.limit, 'limit') ?? 20));
      return c.json(planFor(ctx, requirementsFromQuery(query), { rankedLimit: limit, excludedLimit: limit }), 200);
    })
    .openapi(planRoute, async (c) => {
      const body = await parseJsonBody(c, PlanBodySchema);
      const limit = body.limit ?? 20;
      return c.json(planFor(ctx, body.requirements, { rankedLimit: limit, excludedLimit: limit }), 200);
    })
    .openapi(placementRoute, async (c) => {
      const { id } = c.req.valid('param');
      const record = await ctx.instances.findById(id);
      if (!record) throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${id}`);
      const placement = record.placementId === null ? null : await ctx.placements.get(record.placementId);
      if (!placement) throw new ApiError(404, 'PLACEMENT_NOT_FOUND', `instance ${id} was not placed by requirements (or its placement is past retention)`);
      const attempts = await ctx.placements.attempts(placement.id);
      const { request: _request, ...evidence } = placement;
      return c.json({ ...evidence, attempts: attempts.map(({ placementId: _p, ...attempt }) => attempt) }, 200);
    })
    .openapi(capacityRoute, (c) => {
      const query = parseWith(CapacityQuerySchema, c.req.query(), 'query');
      return c.json({ items: ctx.capacityErrors.list(Date.now(), { provider: query.provider, activeOnly: query.active === 'true' }) }, 200);
    });
}
