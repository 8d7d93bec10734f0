import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { PUBLIC } from '../auth/api-scopes.js';
import { errorResponses } from '../openapi/error-responses.js';
import { HealthzSchema } from '../openapi/response-schemas.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  security: PUBLIC,
  tags: ['health'],
  summary: 'The control plane answers',
  responses: {
    200: { description: 'Up', content: { 'application/json': { schema: HealthzSchema } } },
    ...errorResponses(),
  },
});

export function healthRoutes(): OpenAPIHono {
  return new OpenAPIHono().openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));
}
