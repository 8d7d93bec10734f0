import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { API_SCOPES, BEARER_SCHEME, PUBLIC } from '../auth/api-scopes.js';
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
  security: PUBLIC,
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
export function serveOpenApiDocument(app: OpenAPIHono): () => OpenApiDocument {
  let document: OpenApiDocument | undefined;
  const build = () => (document ??= withAuthResponses(app.getOpenAPI31Document(DOCUMENT_CONFIG)));
  app.openapi(documentRoute, (c) => c.json(build() as z.infer<(typeof documentRoute)['responses'][200]['content']['application/json']['schema']>, 200));
  return build;
}

export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** The bearer scheme every scoped route names (docs/operations.md). */
export function registerSecurityScheme(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`hgr_…`): `Authorization: Bearer <token>`. Off on loopback until a token exists; each operation names the scope it needs (read < spawn < admin).',
  });
}

const authError = (code: string, description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string', enum: [code] }, message: { type: 'string' }, required: { type: 'string', enum: [...API_SCOPES] }, scopes: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
  },
});

/** Every operation that needs a scope can answer 401 (no token, or a bad one) and 403 (a token without the scope): said once here, not in each route. */
function withAuthResponses(document: OpenApiDocument): OpenApiDocument {
  for (const item of Object.values(document.paths ?? {}) as Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>[]) {
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !Array.isArray(operation.security) || operation.security.length === 0 || operation.responses === undefined) continue;
      operation.responses['401'] ??= authError('UNAUTHENTICATED', 'No API token, or one that is not valid (authentication is on: beyond loopback, or a token exists)');
      operation.responses['403'] ??= authError('FORBIDDEN', 'The token lacks the scope this route needs');
    }
  }
  return document;
}
