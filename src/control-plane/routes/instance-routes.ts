import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { ApiError } from '../api-error.js';
import { IdempotencyKeySchema, PlacementSpawnRequestSchema, SpawnBodySchema, SpawnRequestSchema } from '../api-schemas.js';
import type { ControlPlaneContext } from '../context.js';
import { INSTANCE_STATUSES, instanceJson } from '../instance-record.js';
import { spawnInstance } from '../lifecycle/spawn-instance.js';
import { terminateInstance } from '../lifecycle/terminate-instance.js';
import { waitForInstanceState } from '../lifecycle/wait-for-state.js';
import { MAX_WAIT_SECONDS, parseWaitQuery } from '../lifecycle/wait-query.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS, PROVIDER_CALL_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { InstanceEventsSchema, InstancePageSchema, InstanceSchema } from '../openapi/response-schemas.js';
import { decodeCursor, PageQuerySchema, page } from '../pagination.js';
import { parseWith, readJsonBody, validationHook } from '../request-parsing.js';
import { placeInstance } from '../placement/place-instance.js';
import { listEvents } from '../store/event-store.js';

const ListInstancesQuerySchema = PageQuerySchema.extend({
  provider: z.string().min(1).optional(),
  /** One status or a comma-separated list. */
  status: z
    .string()
    .transform((value) => value.split(',').map((status) => status.trim()))
    .pipe(z.array(z.enum(INSTANCE_STATUSES)))
    .optional()
    .openapi({ type: 'string', description: 'One status or a comma-separated list', example: 'running,provisioning' }),
});

const InstancePathSchema = z.object({ id: z.string().openapi({ description: 'An instance id', example: 'i-01m80hq5n8e170ry9ffm53hhs0' }) });

/**
 * The long-poll query of GET /v1/instances/{id}, as documented. `parseWaitQuery` (lifecycle/wait-query.ts)
 * stays the judge: it answers 400 `INVALID_WAIT`, also for what this schema lets through (`timeout` without `waitFor`).
 */
const GetInstanceQuerySchema = z.object({
  waitFor: z.enum(['running', 'terminated']).optional().openapi({ description: 'Hold the answer until the instance reaches this status (or a final one)' }),
  timeout: z.coerce
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .optional()
    .openapi({ type: 'number', description: 'How long to wait, in seconds (default 30); needs waitFor' }),
});

const SpawnHeadersSchema = z.object({
  'Idempotency-Key': IdempotencyKeySchema.optional().meta({ description: 'Makes retries safe: the same key and body answer the same instance' }),
});

const instanceResponse = (description: string, headers?: Record<string, { description: string; schema: { type: 'string'; enum: string[] } }>) => ({
  description,
  ...(headers && { headers }),
  content: { 'application/json': { schema: InstanceSchema } },
});

const REPLAYED_HEADER = { 'Idempotent-Replayed': { description: 'true when the answer is a replay of an earlier request with the same key', schema: { type: 'string' as const, enum: ['true'] } } };

const spawnRoute = createRoute({
  method: 'post',
  path: '/v1/instances',
  security: requires('spawn'),
  tags: ['instances'],
  summary: 'Spawn an instance',
  request: {
    headers: SpawnHeadersSchema,
    body: jsonRequestBody(SpawnBodySchema, { description: 'What to spawn: provider + instanceType, or requirements (placement); unknown keys are rejected', required: true }),
  },
  responses: {
    202: instanceResponse('The instance, usually provisioning', REPLAYED_HEADER),
    ...errorResponses(
      JSON_BODY_ERRORS,
      {
        409: ['IDEMPOTENCY_KEY_REUSED', 'PROVIDER_RETIRING'],
        422: ['UNKNOWN_PROVIDER', 'UNKNOWN_INSTANCE_TYPE', 'UNKNOWN_REGION', 'UNKNOWN_ZONE', 'CAPABILITY_UNSUPPORTED', 'NO_MATCHING_OFFER'],
        502: ['SPAWN_NOT_CONFIRMED'],
        503: ['NO_OFFER_AVAILABLE', 'PLACEMENT_EXHAUSTED'],
        504: ['PLACEMENT_DEADLINE', 'PLACEMENT_UNRESOLVED'],
      },
      PROVIDER_CALL_ERRORS,
    ),
  },
});

const listInstancesRoute = createRoute({
  method: 'get',
  path: '/v1/instances',
  security: requires('read'),
  tags: ['instances'],
  summary: 'A page of instances, in id (creation) order',
  request: { query: ListInstancesQuerySchema },
  responses: {
    200: { description: 'A page of instances', content: { 'application/json': { schema: InstancePageSchema } } },
    ...errorResponses(PARAMETER_ERRORS, { 400: ['INVALID_CURSOR'] }),
  },
});

const getInstanceRoute = createRoute({
  method: 'get',
  path: '/v1/instances/{id}',
  security: requires('read'),
  tags: ['instances'],
  summary: 'One instance; with waitFor, held until it reaches that status or the timeout passes',
  request: { params: InstancePathSchema, query: GetInstanceQuerySchema },
  responses: {
    200: instanceResponse('The instance', {
      'Hangar-Wait': { description: 'timed-out when waitFor was given and the timeout passed first', schema: { type: 'string', enum: ['timed-out'] } },
    }),
    ...errorResponses({ 400: ['INVALID_WAIT'], 404: ['INSTANCE_NOT_FOUND'] }),
  },
});

const instanceEventsRoute = createRoute({
  method: 'get',
  path: '/v1/instances/{id}/events',
  security: requires('read'),
  tags: ['instances'],
  summary: "The instance's history, oldest first (at most 1000 events)",
  request: { params: InstancePathSchema },
  responses: {
    200: { description: 'The events', content: { 'application/json': { schema: InstanceEventsSchema } } },
    ...errorResponses({ 404: ['INSTANCE_NOT_FOUND'] }),
  },
});

const terminateRoute = createRoute({
  method: 'delete',
  path: '/v1/instances/{id}',
  security: requires('spawn'),
  tags: ['instances'],
  summary: 'Terminate an instance (safe to repeat)',
  request: { params: InstancePathSchema },
  responses: {
    202: instanceResponse('The instance, usually terminating'),
    ...errorResponses({ 404: ['INSTANCE_NOT_FOUND'], 409: ['PROVIDER_DISABLED'] }),
  },
});

export function instanceRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  const requireInstance = async (id: string) => {
    const record = await ctx.instances.findById(id);
    if (!record) throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${id}`);
    return record;
  };
  return new OpenAPIHono()
    .openapi(spawnRoute, async (c) => {
      const idempotencyKey = c.req.valid('header')['Idempotency-Key'] ?? null;
      const raw = await readJsonBody(c);
      // `requirements` makes it a spawn by need (placement); otherwise the explicit spawn.
      const byNeed = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'requirements' in raw;
      const { record, replayed } = byNeed
        ? await placeInstance(ctx, parseWith(PlacementSpawnRequestSchema, raw, 'body'), idempotencyKey)
        : await spawnInstance(ctx, parseWith(SpawnRequestSchema, raw, 'body'), idempotencyKey);
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(instanceJson(record), 202);
    })
    .openapi(listInstancesRoute, async (c) => {
      const query = c.req.valid('query');
      const rows = await ctx.instances.list({
        provider: query.provider,
        statuses: query.status,
        afterId: decodeCursor(query.cursor),
        limit: query.limit,
      });
      return c.json(page(rows, query.limit, instanceJson), 200);
    })
    .openapi(
      getInstanceRoute,
      async (c) => {
        const { id } = c.req.valid('param');
        const wait = parseWaitQuery(c.req.query());
        if (!wait) return c.json(instanceJson(await requireInstance(id)), 200);
        const { record, timedOut } = await waitForInstanceState(ctx, id, wait.target, wait.timeoutMs, c.req.raw.signal);
        if (timedOut) c.header('Hangar-Wait', 'timed-out');
        return c.json(instanceJson(record), 200);
      },
      // A wait query that breaks the schema is the lifecycle's 400 INVALID_WAIT, as before the route was declared.
      (result, c) => {
        if (!result.success && result.target === 'query') parseWaitQuery(c.req.query());
        return validationHook(result, c);
      },
    )
    .openapi(instanceEventsRoute, async (c) => {
      const record = await requireInstance(c.req.valid('param').id);
      return c.json({ items: await listEvents(ctx.db, { instanceId: record.id, limit: 1000 }) }, 200);
    })
    .openapi(terminateRoute, async (c) => c.json(instanceJson(await terminateInstance(ctx, c.req.valid('param').id)), 202));
}
