import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { API_SCOPES, requires } from '../auth/api-scopes.js';
import type { TokenStore } from '../auth/token-store.js';
import { ApiError } from '../api-error.js';
import type { Logger } from '../logger.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { parseJsonBody } from '../request-parsing.js';

const CreateTokenBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(API_SCOPES)).min(1).max(3),
  })
  .strict();

const TokenSchema = z
  .object({ id: z.string(), name: z.string(), scopes: z.array(z.enum(API_SCOPES)), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .openapi('ApiToken');

const createTokenRoute = createRoute({
  method: 'post',
  path: '/v1/tokens',
  security: requires('admin'),
  tags: ['tokens'],
  summary: 'Create an API token; the token is answered this once and stored only as a hash',
  request: { body: jsonRequestBody(CreateTokenBodySchema, { description: '`{name, scopes: [read | spawn | admin]}`', required: true }) },
  responses: {
    201: { description: 'The token, with its secret (shown once)', content: { 'application/json': { schema: TokenSchema.extend({ token: z.string() }).openapi('ApiTokenCreated') } } },
    ...errorResponses(JSON_BODY_ERRORS),
  },
});

const listTokensRoute = createRoute({
  method: 'get',
  path: '/v1/tokens',
  security: requires('admin'),
  tags: ['tokens'],
  summary: 'Every API token, without secrets',
  responses: { 200: { description: 'The tokens, oldest first', content: { 'application/json': { schema: z.object({ tokens: z.array(TokenSchema) }) } } }, ...errorResponses() },
});

const revokeTokenRoute = createRoute({
  method: 'delete',
  path: '/v1/tokens/{id}',
  security: requires('admin'),
  tags: ['tokens'],
  summary: 'Revoke a token: it stops working at once',
  request: { params: z.object({ id: z.string().min(1).max(100) }) },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(PARAMETER_ERRORS, { 404: ['TOKEN_NOT_FOUND'] }) },
});

/** API tokens (docs/operations.md): create, list, revoke; admin scope. */
export function tokenRoutes(tokens: TokenStore, logger: Logger): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(createTokenRoute, async (c) => {
      const body = await parseJsonBody(c, CreateTokenBodySchema);
      const created = await tokens.create(body.name, body.scopes);
      logger.info('api token created', { token: created.id, name: created.name, scopes: created.scopes });
      return c.json(created, 201);
    })
    .openapi(listTokensRoute, async (c) => c.json({ tokens: await tokens.list() }, 200))
    .openapi(revokeTokenRoute, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await tokens.revoke(id))) throw new ApiError(404, 'TOKEN_NOT_FOUND', `no token ${id}`);
      logger.info('api token revoked', { token: id });
      return c.body(null, 204);
    });
}
