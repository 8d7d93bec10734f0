import { isProviderError, type PoolLauncher, type PoolTry, type ProviderError, type ProviderInstance } from '../../contracts/index.js';
import type { RankedOffer } from '../../placement/offer-planner.js';
import { type ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import type { InstanceRecord } from '../instance-record.js';
import type { RegisteredProvider } from '../provider-registry.js';
import type { ChainRequest } from '../store/placement-store.js';

/** A pool launch's outcome, as a spawn's, with what each pool said. */
export type PoolAttempt =
  | { kind: 'spawned'; instance: ProviderInstance; tries: readonly PoolTry[] }
  | { kind: 'refused'; error: ProviderError; apiError: ApiError; tries: readonly PoolTry[] }
  | { kind: 'unknown'; apiError: ApiError };

/**
 * The pools a chain attempt hands the provider's launcher: its offers, `offer` first. Null when the
 * attempt is a plain spawn: the provider has no launcher, or the offer is pinned to one zone.
 */
export function poolsFor(entry: RegisteredProvider | undefined, group: readonly RankedOffer[]): RankedOffer[] | null {
  if (!entry?.poolLauncher) return null;
  // One offer pinned to a zone is a spawn; an offer open to its region's zones is a zone probe; several offers are one launch.
  if (group.length === 1 && group[0]?.zone !== null) return null;
  return [...group];
}

/** How many offers one launch of this provider takes, for this request. */
export function maxPoolsOf(launcher: PoolLauncher | null, market: 'spot' | 'on-demand', request: ChainRequest): number {
  return launcher === null ? 1 : launcher.maxPools({ market, volumes: request.volumes?.length ?? 0 });
}

/**
 * Calls the provider's pool launcher for a `requested` row: the attempt's offers, its token and the
 * row's ownership, writing nothing (the chain decides). The row's own fields (name, image, tags)
 * are the spawn's; `maxPricePerHour` is the request's ceiling, so no pool the launcher picks costs more.
 */
export async function attemptPoolLaunch(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  launcher: PoolLauncher,
  record: InstanceRecord,
  pools: readonly RankedOffer[],
  request: ChainRequest,
  maxPricePerHour: number | null,
  resumed: boolean,
): Promise<PoolAttempt> {
  try {
    const result = await callProvider(entry.name, 'launch', ctx.settings.providerTimeoutMs, (signal) =>
      launcher.launch(
        {
          region: record.region,
          market: record.spot ? 'spot' : 'on-demand',
          pools: pools.map((offer) => ({ instanceType: offer.instanceType, zone: offer.zone })),
          image: record.image,
          name: record.name,
          tags: record.tags,
          bootstrap: { hostname: record.name, ...request.bootstrap },
          volumes: record.volumes,
          maxPricePerHour,
          idempotencyToken: record.spawnToken ?? record.id,
          ownership: { owner: ctx.settings.owner, instanceId: record.id },
          resumed,
        },
        { signal },
      ),
    );
    if (result.instance !== null) return { kind: 'spawned', instance: result.instance, tries: result.tries };
    const apiError = apiErrorFromProviderCall(result.error, entry.name).withDetails({ instanceId: record.id });
    return { kind: 'refused', error: result.error, apiError, tries: result.tries };
  } catch (error) {
    const apiError = apiErrorFromProviderCall(error, entry.name).withDetails({ instanceId: record.id });
    return isProviderError(error) ? { kind: 'refused', error, apiError, tries: [] } : { kind: 'unknown', apiError };
  }
}

/** The offer of the group the machine landed on (its type, in its zone), else the attempt's first. */
export function landedOffer(pools: readonly RankedOffer[], instance: ProviderInstance): RankedOffer {
  const first = pools[0] as RankedOffer;
  const match = pools.find((offer) => offer.instanceType === instance.instanceType && (offer.zone === null || offer.zone === instance.zone)) ?? first;
  return { ...match, zone: instance.zone ?? match.zone };
}
