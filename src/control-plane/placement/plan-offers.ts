import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import type { ProviderCatalog } from '../../placement/offer.js';
import { type Plan, type PlanOptions, planOffers, type ProviderReadiness } from '../../placement/offer-planner.js';
import type { Requirements } from '../../placement/requirements-schema.js';

/**
 * Plans the requirements over what the control plane knows now: every enabled provider's last
 * catalog (never a vendor call on the request path: a stale catalog is refreshed in the background,
 * a missing one makes the provider "not ready" until it arrives), readiness from the heartbeats, and
 * the capacity-error cache.
 */
export function planFor(ctx: ControlPlaneContext, requirements: Requirements, options: PlanOptions = {}): Plan {
  const known = new Set(ctx.registry.names());
  for (const field of ['providers', 'excludeProviders'] as const) {
    const unknown = requirements[field]?.filter((name) => !known.has(name)) ?? [];
    if (unknown.length > 0) {
      throw new ApiError(422, 'UNKNOWN_PROVIDER', `no enabled provider named ${unknown.join(', ')}`, { field: `requirements.${field}`, known: [...known] });
    }
  }
  const catalogs: ProviderCatalog[] = [];
  const readiness = new Map<string, ProviderReadiness>();
  for (const entry of ctx.registry.all()) {
    // Governance: a provider a reload removed takes no new work; an override of `compute` narrows placement to the providers it names.
    if (ctx.registry.isRetiring(entry.name)) {
      readiness.set(entry.name, { ready: false, reason: 'it was removed from the configuration (retiring: reconciled until its instances are gone)' });
      continue;
    }
    if (ctx.registry.isCandidate(entry.name)) {
      readiness.set(entry.name, { ready: false, reason: 'it is a rollout candidate: it takes work through its ramp only' });
      continue;
    }
    if (!ctx.overrides.allows('compute', entry.name)) {
      readiness.set(entry.name, { ready: false, reason: `the compute override names ${ctx.overrides.get('compute')?.adapters.join(', ') ?? ''} only` });
      continue;
    }
    const catalog = ctx.registry.peekCatalog(entry);
    const ready = ctx.providerReadiness(entry.name);
    if (catalog === null) {
      readiness.set(entry.name, { ready: false, reason: 'its catalog has not been read yet' });
      continue;
    }
    readiness.set(entry.name, ready);
    catalogs.push({ provider: entry.name, offerings: catalog.offerings, spotSupported: entry.provider.capabilities.spot === true, fetchedAt: catalog.fetchedAt });
  }
  return planOffers({ requirements, catalogs, readiness, capacityBlocks: ctx.capacityErrors.blocks(), now: Date.now() }, options);
}
