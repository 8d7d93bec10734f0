import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { streamSSE } from 'hono/streaming';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { EventPageSchema } from '../openapi/response-schemas.js';
import { listEvents } from '../store/event-store.js';

const STREAM_POLL_MS = 250;
/** Proxies and load balancers drop a connection that stays silent; a comment line every so often keeps it open. */
const SSE_KEEP_ALIVE_MS = 15_000;

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

const CURSOR_ERRORS = { 400: ['INVALID_CURSOR'] } as const;

const listEventsRoute = createRoute({
  method: 'get',
  path: '/v1/events',
  security: requires('read'),
  tags: ['events'],
  summary: 'Events after a cursor, oldest first',
  request: { query: EventsQuerySchema },
  responses: {
    200: { description: 'A page of events; nextCursor points at the newest event seen', content: { 'application/json': { schema: EventPageSchema } } },
    ...errorResponses(PARAMETER_ERRORS, CURSOR_ERRORS),
  },
});

const streamEventsRoute = createRoute({
  method: 'get',
  path: '/v1/events/stream',
  security: requires('read'),
  tags: ['events'],
  summary: 'The same events, live, as server-sent events',
  request: {
    query: EventsQuerySchema,
    headers: z.object({
      'Last-Event-ID': z.string().optional().openapi({ description: 'The id of the last message received; resumes right after it (takes precedence over after)' }),
    }),
  },
  responses: {
    200: {
      description: 'One message per event: `id:` the event id, `event:` its type, `data:` the event as JSON',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...errorResponses(PARAMETER_ERRORS, CURSOR_ERRORS),
  },
});

/** GET /v1/events (a page after a cursor) and GET /v1/events/stream (server-sent events, resumable with Last-Event-ID). */
export function eventRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(listEventsRoute, async (c) => {
      const query = c.req.valid('query');
      const afterId = decodeEventCursor(query.after);
      const items = await listEvents(ctx.db, { afterId, instanceId: query.instance, provider: query.provider, limit: query.limit });
      const last = items.at(-1);
      // The cursor always points at the newest event seen, so a client polls with it even when a page comes back empty.
      const nextCursor = last ? encodeEventCursor(last.id) : (query.after ?? null);
      return c.json({ items, nextCursor }, 200);
    })
    .openapi(streamEventsRoute, (c) => {
      const query = c.req.valid('query');
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
        const keepAliveMs = ctx.settings.sseKeepAliveMs ?? SSE_KEEP_ALIVE_MS;
        let lastWrite = Date.now();
        while (open) {
          const events = await listEvents(ctx.db, { afterId, instanceId: query.instance, provider: query.provider, limit: 500 });
          for (const event of events) {
            await stream.writeSSE({ id: String(event.id), event: event.type, data: JSON.stringify(event) });
            afterId = event.id;
            lastWrite = Date.now();
          }
          if (Date.now() - lastWrite >= keepAliveMs) {
            await stream.write(': keep-alive\n\n');
            lastWrite = Date.now();
          }
          if (events.length < 500) await stream.sleep(STREAM_POLL_MS);
        }
      });
    });
}
