import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { SnapshotRequestSchema } from '../api-schemas.js';
import type { ControlPlaneContext } from '../context.js';
import { createSnapshot, deleteSnapshot } from '../lifecycle/snapshot-lifecycle.js';
import { decodeCursor, PageQuerySchema, page } from '../pagination.js';
import { parseJsonBody, parseWith } from '../request-parsing.js';
import { snapshotJson } from '../snapshot-record.js';

const ListSnapshotsQuerySchema = PageQuerySchema.extend({ instance: z.string().min(1).optional() });

export function snapshotRoutes(ctx: ControlPlaneContext): Hono {
  return new Hono()
    .post('/v1/instances/:id/snapshots', async (c) => {
      const body = await parseJsonBody(c, SnapshotRequestSchema, { optional: true });
      return c.json(snapshotJson(await createSnapshot(ctx, c.req.param('id'), body.description ?? null)), 202);
    })
    .get('/v1/snapshots', async (c) => {
      const query = parseWith(ListSnapshotsQuerySchema, c.req.query(), 'query');
      const rows = await ctx.snapshots.list({
        instanceId: query.instance,
        afterId: decodeCursor(query.cursor),
        limit: query.limit,
      });
      return c.json(page(rows, query.limit, snapshotJson));
    })
    .get('/v1/snapshots/:id', async (c) => {
      const record = await ctx.snapshots.findById(c.req.param('id'));
      if (!record) throw new ApiError(404, 'SNAPSHOT_NOT_FOUND', `no snapshot ${c.req.param('id')}`);
      return c.json(snapshotJson(record));
    })
    .delete('/v1/snapshots/:id', async (c) => c.json(snapshotJson(await deleteSnapshot(ctx, c.req.param('id'))), 202));
}
