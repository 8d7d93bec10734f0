import { Hono } from 'hono';
import { capabilityMap, unsupportedReasons } from '../../contracts/index.js';
import { apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
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

export function providerRoutes(ctx: ControlPlaneContext): Hono {
  return new Hono()
    .get('/v1/providers', (c) => c.json(ctx.registry.all().map(providerJson)))
    .get('/v1/providers/:name', (c) => c.json(providerJson(ctx.registry.require(c.req.param('name')))))
    .get('/v1/providers/:name/instance-types', async (c) => {
      const entry = ctx.registry.require(c.req.param('name'));
      let catalog: CatalogView;
      try {
        catalog = await callProvider(entry.name, 'instanceTypes', ctx.settings.providerTimeoutMs, () => ctx.registry.catalog(entry));
      } catch (error) {
        throw apiErrorFromProviderCall(error, entry.name);
      }
      return c.json({
        provider: entry.name,
        fetchedAt: catalog.fetchedAt,
        instanceTypes: catalog.offerings,
        skipped: catalog.skipped.map(({ id, reason }) => ({ id, reason })),
        warnings: catalog.skipped.map((skipped) => `skipped catalog entry ${skipped.id ?? '(unnamed)'}: ${skipped.reason}`),
      });
    });
}
