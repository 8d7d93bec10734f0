import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { capabilityMap, unsupportedReasons } from '../../contracts/index.js';
import { apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, PROVIDER_CALL_ERRORS, PROVIDER_LOOKUP_ERRORS } from '../openapi/error-responses.js';
import { CatalogSchema, ProviderSchema } from '../openapi/response-schemas.js';
import type { CatalogView, RegisteredProvider } from '../provider-registry.js';

function providerJson(entry: RegisteredProvider) {
  return {
    name: entry.name,
    tier: entry.provider.tier,
    capabilities: capabilityMap(entry.provider.capabilities),
    unsupported: unsupportedReasons(entry.provider.capabilities),
    workflows: Object.keys(entry.workflows).sort(),
  };
}

/** `{name}`: an enabled provider (404 `PROVIDER_NOT_FOUND` otherwise). Shared by every `/v1/providers/{name}...` route. */
export const ProviderPathSchema = z.object({ name: z.string().openapi({ description: 'An enabled provider', example: 'orbstack' }) });

const listProviders = createRoute({
  method: 'get',
  path: '/v1/providers',
  security: requires('read'),
  tags: ['providers'],
  summary: 'The enabled providers, with their capabilities',
  responses: {
    200: { description: 'Every enabled provider', content: { 'application/json': { schema: z.array(ProviderSchema) } } },
    ...errorResponses(),
  },
});

const getProvider = createRoute({
  method: 'get',
  path: '/v1/providers/{name}',
  security: requires('read'),
  tags: ['providers'],
  summary: 'One provider',
  request: { params: ProviderPathSchema },
  responses: {
    200: { description: 'The provider', content: { 'application/json': { schema: ProviderSchema } } },
    ...errorResponses(PROVIDER_LOOKUP_ERRORS),
  },
});

const getCatalog = createRoute({
  method: 'get',
  path: '/v1/providers/{name}/instance-types',
  security: requires('read'),
  tags: ['providers'],
  summary: "The provider's catalog (cached 60 s), with the entries it had to skip",
  request: { params: ProviderPathSchema },
  responses: {
    200: { description: 'The catalog', content: { 'application/json': { schema: CatalogSchema } } },
    ...errorResponses(PROVIDER_LOOKUP_ERRORS, PROVIDER_CALL_ERRORS),
  },
});

export function providerRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(listProviders, (c) => c.json(ctx.registry.all().map(providerJson), 200))
    .openapi(getProvider, (c) => c.json(providerJson(ctx.registry.require(c.req.valid('param').name)), 200))
    .openapi(getCatalog, async (c) => {
      const entry = ctx.registry.require(c.req.valid('param').name);
      let catalog: CatalogView;
      try {
        catalog = await callProvider(entry.name, 'instanceTypes', ctx.settings.providerTimeoutMs, () => ctx.registry.catalog(entry));
      } catch (error) {
        throw apiErrorFromProviderCall(error, entry.name);
      }
      return c.json(
        {
          provider: entry.name,
          fetchedAt: catalog.fetchedAt,
          instanceTypes: catalog.offerings,
          skipped: catalog.skipped.map(({ id, reason }) => ({ id, reason })),
          warnings: catalog.skipped.map((skipped) => `skipped catalog entry ${skipped.id ?? '(unnamed)'}: ${skipped.reason}`),
        },
        200,
      );
    });
}
