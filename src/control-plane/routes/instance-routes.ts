import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { IdempotencyKeySchema, SpawnRequestSchema } from '../api-schemas.js';
import type { ControlPlaneContext } from '../context.js';
import { INSTANCE_STATUSES, instanceJson } from '../instance-record.js';
import { spawnInstance } from '../lifecycle/spawn-instance.js';
import { terminateInstance } from '../lifecycle/terminate-instance.js';
import { decodeCursor, PageQuerySchema, page } from '../pagination.js';
import { parseJsonBody, parseWith } from '../request-parsing.js';
import { listEvents } from '../store/event-store.js';

const ListInstancesQuerySchema = PageQuerySchema.extend({
  provider: z.string().min(1).optional(),
  /** One status or a comma-separated list. */
  status: z
    .string()
    .transform((value) => value.split(',').map((status) => status.trim()))
    .pipe(z.array(z.enum(INSTANCE_STATUSES)))
    .optional(),
});

export function instanceRoutes(ctx: ControlPlaneContext): Hono {
  const requireInstance = async (id: string) => {
    const record = await ctx.instances.findById(id);
    if (!record) throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${id}`);
    return record;
  };
  return new Hono()
    .post('/v1/instances', async (c) => {
      const header = c.req.header('Idempotency-Key');
      const idempotencyKey = header === undefined ? null : parseWith(IdempotencyKeySchema, header, 'Idempotency-Key header');
      const request = await parseJsonBody(c, SpawnRequestSchema);
      const { record, replayed } = await spawnInstance(ctx, request, idempotencyKey);
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(instanceJson(record), 202);
    })
    .get('/v1/instances', async (c) => {
      const query = parseWith(ListInstancesQuerySchema, c.req.query(), 'query');
      const rows = await ctx.instances.list({
        provider: query.provider,
        statuses: query.status,
        afterId: decodeCursor(query.cursor),
        limit: query.limit,
      });
      return c.json(page(rows, query.limit, instanceJson));
    })
    .get('/v1/instances/:id', async (c) => c.json(instanceJson(await requireInstance(c.req.param('id')))))
    .get('/v1/instances/:id/events', async (c) => {
      const record = await requireInstance(c.req.param('id'));
      return c.json({ items: await listEvents(ctx.db, { instanceId: record.id, limit: 1000 }) });
    })
    .delete('/v1/instances/:id', async (c) => c.json(instanceJson(await terminateInstance(ctx, c.req.param('id'))), 202));
}
