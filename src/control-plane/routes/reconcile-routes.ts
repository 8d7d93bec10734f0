import { Hono } from 'hono';
import { z } from 'zod';
import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { PageQuerySchema } from '../pagination.js';
import type { HeartbeatScheduler } from '../reconcile/heartbeat-scheduler.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-report.js';
import { parseJsonBody, parseWith } from '../request-parsing.js';

export interface ReconcileControl {
  scheduler: HeartbeatScheduler;
  reconcileNow(provider?: string): Promise<ReconcileOutcome[]>;
}

const ReconcileRequestSchema = z.object({ provider: z.string().min(1).optional() }).strict();

/** Cursor over a live machine list: base64url of `m:` and the last provider id of the page. */
function decodeMachineCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('m:') || decoded.length < 3) throw new ApiError(400, 'INVALID_CURSOR', 'cursor is not one this API handed out');
  return decoded.slice(2);
}

export function reconcileRoutes(ctx: ControlPlaneContext, control: ReconcileControl): Hono {
  return new Hono()
    .post('/v1/reconcile', async (c) => {
      const body = await parseJsonBody(c, ReconcileRequestSchema, { optional: true });
      if (body.provider !== undefined && !ctx.registry.get(body.provider)) {
        throw new ApiError(422, 'UNKNOWN_PROVIDER', `no enabled provider named ${body.provider}`, { known: ctx.registry.names() });
      }
      const reports = await control.reconcileNow(body.provider);
      return c.json(body.provider === undefined ? reports : reports[0]);
    })
    .get('/v1/providers/:name/health', (c) => {
      const entry = ctx.registry.require(c.req.param('name'));
      return c.json({
        provider: entry.name,
        tasks: control.scheduler.healthOf(entry.name),
        skippedEntries: entry.skippedEntries?.report() ?? { total: 0, byKind: {}, entries: [] },
      });
    })
    .get('/v1/providers/:name/machines', async (c) => {
      const entry = ctx.registry.require(c.req.param('name'));
      const query = parseWith(PageQuerySchema, c.req.query(), 'query');
      let machines: Awaited<ReturnType<typeof entry.provider.list>>;
      try {
        machines = await callProvider(entry.name, 'list', ctx.settings.providerTimeoutMs, () =>
          entry.provider.list({ owner: ctx.settings.owner }),
        );
      } catch (error) {
        throw apiErrorFromProviderCall(error, entry.name);
      }
      machines.sort((a, b) => (a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0));
      const after = decodeMachineCursor(query.cursor);
      const start = after === undefined ? 0 : machines.findIndex((machine) => machine.providerId > after);
      const items = start < 0 ? [] : machines.slice(start, start + query.limit);
      const last = items.at(-1);
      const nextCursor = items.length === query.limit && last ? Buffer.from(`m:${last.providerId}`, 'utf8').toString('base64url') : null;
      return c.json({ items, nextCursor, total: machines.length });
    });
}
