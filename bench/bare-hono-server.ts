import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The ceiling the control plane is compared with: the same framework and server adapter, a route
 * with one path parameter, and a body the shape and size of an instance, but no store behind it.
 */
const INSTANCE_LIKE = {
  provider: 'orbstack',
  providerId: 'hangar-15e53e8b12ad6e70af3ee93a',
  status: 'running',
  instanceType: 'orb.small',
  region: 'local-1',
  zone: 'local-1c',
  spot: false,
  image: null,
  tags: {},
  bootstrapChecksum: 'c5a640a9f7ee5f5075d43252b7654b010caf0bd7b8efa33823f178376ba7048e',
  error: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:02.856Z',
  terminatedAt: null,
} as const;

const app = new Hono()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/x/:id', (c) => {
    const id = c.req.param('id');
    return c.json({ id, ...INSTANCE_LIKE, name: id });
  });

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
