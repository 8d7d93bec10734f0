import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { errorResponses } from './error-responses.js';

/** Where the document is served. */
export const OPENAPI_DOCUMENT_PATH = '/openapi.json';

const DOCUMENT_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Hangar',
    version: '0.1.0',
    description:
      'Compute provisioning control plane. Generated from the zod schemas the routes are declared with; docs/api.md has the prose. ' +
      'Every error is {"error": {"code", "message", ...}}; any method or path not listed here answers 404 ROUTE_NOT_FOUND.',
  },
};

const documentRoute = createRoute({
  method: 'get',
  path: OPENAPI_DOCUMENT_PATH,
  tags: ['meta'],
  summary: 'This OpenAPI 3.1 document',
  responses: {
    200: {
      description: 'The OpenAPI 3.1 document of every route',
      content: { 'application/json': { schema: z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).catchall(z.unknown()) } },
    },
    ...errorResponses(),
  },
});

/**
 * Serves `GET /openapi.json`: the OpenAPI 3.1 document of every route declared on `app` (and on the
 * apps routed into it), built once on the first request, after every route is in.
 */
export function serveOpenApiDocument(app: OpenAPIHono): void {
  let document: ReturnType<OpenAPIHono['getOpenAPI31Document']> | undefined;
  app.openapi(documentRoute, (c) => {
    document ??= app.getOpenAPI31Document(DOCUMENT_CONFIG);
    return c.json(document as z.infer<(typeof documentRoute)['responses'][200]['content']['application/json']['schema']>, 200);
  });
}
