import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The ceiling a spawn is compared with: the same framework and server adapter as the control plane,
 * one POST route that parses the JSON body and answers 202 with an id, and nothing behind it.
 */
const app = new Hono()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .post('/v1/instances', async (c) => {
    const body: unknown = await c.req.json();
    return c.json({ id: `i-${randomUUID()}`, status: 'requested', request: body }, 202);
  });

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
