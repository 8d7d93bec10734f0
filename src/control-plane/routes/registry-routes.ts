import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { type ProviderNameRegistry, providerRegistryHash, providerRegistryJson } from '../../governance/provider-name-registry.js';
import { errorResponses } from '../openapi/error-responses.js';

const RegistryAnswerSchema = z
  .object({
    version: z.literal(1),
    providers: z.array(z.object({ name: z.string(), capability: z.enum(['compute', 'llm']) })),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).openapi({ description: 'sha256 of the registry file as vendored at contracts/provider-registry.json (keys sorted, 2-space indent, trailing newline)' }),
  })
  .openapi('ProviderNameRegistry');

const registryRoute = createRoute({
  method: 'get',
  path: '/v1/registry/providers',
  security: requires('read'),
  tags: ['governance'],
  summary: 'The canonical provider names (what the factories can build), with the sha256 that contracts/contracts.lock pins',
  responses: { 200: { description: 'The registry', content: { 'application/json': { schema: RegistryAnswerSchema } } }, ...errorResponses() },
});

/** GET /v1/registry/providers: the one source of truth for provider names, and its hash. */
export function registryRoutes(registry: ProviderNameRegistry): OpenAPIHono {
  const sha256 = providerRegistryHash(providerRegistryJson(registry));
  const answer = { version: registry.version, providers: registry.providers.map((entry) => ({ ...entry })), sha256 };
  return new OpenAPIHono().openapi(registryRoute, (c) => c.json(answer, 200));
}
