import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { ApiError } from '../api-error.js';
import { SnapshotRequestSchema } from '../api-schemas.js';
import type { ControlPlaneContext } from '../context.js';
import { createSnapshot, deleteSnapshot } from '../lifecycle/snapshot-lifecycle.js';
import { errorResponses, PARAMETER_ERRORS, PROVIDER_CALL_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { SnapshotPageSchema, SnapshotSchema } from '../openapi/response-schemas.js';
import { decodeCursor, PageQuerySchema, page } from '../pagination.js';
import { parseJsonBody } from '../request-parsing.js';
import { snapshotJson } from '../snapshot-record.js';

const ListSnapshotsQuerySchema = PageQuerySchema.extend({ instance: z.string().min(1).optional() });
const InstancePathSchema = z.object({ id: z.string().openapi({ description: 'An instance id', example: 'i-01m80hq5n8e170ry9ffm53hhs0' }) });
const SnapshotPathSchema = z.object({ id: z.string().openapi({ description: 'A snapshot id', example: 'snap-01m80hqc0w9cc63jy9s71rkwsm' }) });
const snapshotResponse = (description: string) => ({ description, content: { 'application/json': { schema: SnapshotSchema } } });

const createSnapshotRoute = createRoute({
  method: 'post',
  path: '/v1/instances/{id}/snapshots',
  security: requires('spawn'),
  tags: ['snapshots'],
  summary: 'Snapshot an instance (needs the snapshots capability)',
  request: {
    params: InstancePathSchema,
    body: jsonRequestBody(SnapshotRequestSchema, { description: 'Optional: {"description": "<up to 255 chars>"}; an empty body is allowed', required: false }),
  },
  responses: {
    202: snapshotResponse('The snapshot, usually pending'),
    ...errorResponses(
      { 400: ['MALFORMED_JSON'], 404: ['INSTANCE_NOT_FOUND'], 409: ['INVALID_STATE', 'PROVIDER_DISABLED'], 413: ['PAYLOAD_TOO_LARGE'] },
      { 422: ['VALIDATION_ERROR', 'CAPABILITY_UNSUPPORTED'] },
      PROVIDER_CALL_ERRORS,
    ),
  },
});

const listSnapshotsRoute = createRoute({
  method: 'get',
  path: '/v1/snapshots',
  security: requires('read'),
  tags: ['snapshots'],
  summary: 'A page of snapshots, in id (creation) order',
  request: { query: ListSnapshotsQuerySchema },
  responses: {
    200: { description: 'A page of snapshots', content: { 'application/json': { schema: SnapshotPageSchema } } },
    ...errorResponses(PARAMETER_ERRORS, { 400: ['INVALID_CURSOR'] }),
  },
});

const getSnapshotRoute = createRoute({
  method: 'get',
  path: '/v1/snapshots/{id}',
  security: requires('read'),
  tags: ['snapshots'],
  summary: 'One snapshot',
  request: { params: SnapshotPathSchema },
  responses: { 200: snapshotResponse('The snapshot'), ...errorResponses({ 404: ['SNAPSHOT_NOT_FOUND'] }) },
});

const deleteSnapshotRoute = createRoute({
  method: 'delete',
  path: '/v1/snapshots/{id}',
  security: requires('spawn'),
  tags: ['snapshots'],
  summary: 'Delete a snapshot (it becomes deleted once the provider no longer reports it)',
  request: { params: SnapshotPathSchema },
  responses: {
    202: snapshotResponse('The snapshot, now deleting (or unchanged when deleted or failed)'),
    ...errorResponses({ 404: ['SNAPSHOT_NOT_FOUND'], 409: ['INVALID_STATE', 'PROVIDER_DISABLED'] }, PROVIDER_CALL_ERRORS),
  },
});

export function snapshotRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(createSnapshotRoute, async (c) => {
      const body = await parseJsonBody(c, SnapshotRequestSchema, { optional: true });
      return c.json(snapshotJson(await createSnapshot(ctx, c.req.valid('param').id, body.description ?? null)), 202);
    })
    .openapi(listSnapshotsRoute, async (c) => {
      const query = c.req.valid('query');
      const rows = await ctx.snapshots.list({
        instanceId: query.instance,
        afterId: decodeCursor(query.cursor),
        limit: query.limit,
      });
      return c.json(page(rows, query.limit, snapshotJson), 200);
    })
    .openapi(getSnapshotRoute, async (c) => {
      const { id } = c.req.valid('param');
      const record = await ctx.snapshots.findById(id);
      if (!record) throw new ApiError(404, 'SNAPSHOT_NOT_FOUND', `no snapshot ${id}`);
      return c.json(snapshotJson(record), 200);
    })
    .openapi(deleteSnapshotRoute, async (c) => c.json(snapshotJson(await deleteSnapshot(ctx, c.req.valid('param').id)), 202));
}
