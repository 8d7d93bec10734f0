import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { parseWith } from '../request-parsing.js';
import { listEvents } from '../store/event-store.js';

const STREAM_POLL_MS = 250;

/** Event cursors are opaque: base64url of the last event id seen. */
function encodeEventCursor(id: number): string {
  return Buffer.from(`e${id}`, 'utf8').toString('base64url');
}

function decodeEventCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^e(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new ApiError(400, 'INVALID_CURSOR', 'after is not a cursor this API handed out');
  return Number(match[1]);
}

const EventsQuerySchema = z.object({
  after: z.string().min(1).optional(),
  instance: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** GET /v1/events (a page after a cursor) and GET /v1/events/stream (server-sent events, resumable with Last-Event-ID). */
export function eventRoutes(ctx: ControlPlaneContext): Hono {
  return new Hono()
    .get('/v1/events', async (c) => {
      const query = parseWith(EventsQuerySchema, c.req.query(), 'query');
      const afterId = decodeEventCursor(query.after);
      const items = await listEvents(ctx.db, { afterId, instanceId: query.instance, provider: query.provider, limit: query.limit });
      const last = items.at(-1);
      // The cursor always points at the newest event seen, so a client polls with it even when a page comes back empty.
      const nextCursor = last ? encodeEventCursor(last.id) : (query.after ?? null);
      return c.json({ items, nextCursor });
    })
    .get('/v1/events/stream', (c) => {
      const query = parseWith(EventsQuerySchema, c.req.query(), 'query');
      const lastEventId = c.req.header('Last-Event-ID');
      let afterId = lastEventId && /^\d+$/.test(lastEventId) ? Number(lastEventId) : decodeEventCursor(query.after);
      return streamSSE(c, async (stream) => {
        let open = true;
        stream.onAbort(() => {
          open = false;
        });
        if (afterId === undefined) {
          // A new subscriber starts from now, not from the beginning of history.
          const newest = await ctx.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
          afterId = Number(newest?.id ?? 0);
        }
        while (open) {
          const events = await listEvents(ctx.db, { afterId, instanceId: query.instance, provider: query.provider, limit: 500 });
          for (const event of events) {
            await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify(event) });
            afterId = event.id;
          }
          if (events.length < 500) await stream.sleep(STREAM_POLL_MS);
        }
      });
    });
}
