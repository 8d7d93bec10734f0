import { gpuModelMatches, parseGpuModel } from './gpu-vocabulary.js';
import { type Availability, type Market, type Offer, type ProviderCatalog, inZone, offersOf } from './offer.js';
import { type Requirements, regionGlobPattern } from './requirements-schema.js';

/** A capacity error remembered by the control plane: this slice of a provider is skipped until `until`. */
export interface CapacityBlock {
  readonly provider: string;
  readonly region: string;
  /** null: the whole region. */
  readonly zone: string | null;
  /** null: every instance type (a quota error is per provider and region). */
  readonly instanceType: string | null;
  /** null: both markets. */
  readonly market: Market | null;
  readonly code: string;
  readonly until: string;
  /** Capacity errors seen for this key in the cache's memory, active or not: "past failures". */
  readonly failures: number;
}

export interface ProviderReadiness {
  readonly ready: boolean;
  /** Why not, when not. */
  readonly reason?: string;
}

export interface PlanInput {
  readonly requirements: Requirements;
  readonly catalogs: readonly ProviderCatalog[];
  readonly readiness: ReadonlyMap<string, ProviderReadiness>;
  readonly capacityBlocks: readonly CapacityBlock[];
  readonly now: number;
}

/** Why an offer is not in the ranked list. Static codes can never pass for this request; the others may later. */
export const STATIC_EXCLUSIONS = [
  'PROVIDER_FILTER',
  'REGION_FILTER',
  'ZONE_FILTER',
  'MARKET',
  'NO_GPU',
  'WRONG_GPU',
  'UNMAPPED_GPU',
  'GPU_COUNT',
  'GPU_MEMORY',
  'VCPUS',
  'MEMORY',
  'PRICE_UNKNOWN',
  'OVER_BUDGET',
] as const;
export const TRANSIENT_EXCLUSIONS = ['PROVIDER_NOT_READY', 'CAPACITY_CACHED'] as const;
export type ExclusionCode = (typeof STATIC_EXCLUSIONS)[number] | (typeof TRANSIENT_EXCLUSIONS)[number];

export interface Exclusion {
  readonly code: ExclusionCode;
  readonly message: string;
  /** CAPACITY_CACHED: when the cache entry expires. */
  readonly until?: string;
}

export interface OfferView {
  provider: string;
  instanceType: string;
  region: string;
  zone: string | null;
  market: Market;
  pricePerHour: number | null;
  vcpus: number;
  memoryGiB: number;
  gpu: { model: string; count: number; memoryGiB: number; fraction?: number } | null;
  available: Availability;
}

export interface RankedOffer extends OfferView {
  rank: number;
  reasons: string[];
  /** Past capacity failures the cache remembers for this offer (a tie-breaker). */
  pastFailures: number;
}

export interface ExcludedOffer extends OfferView {
  reasons: Exclusion[];
}

export interface ClosestOffer extends OfferView {
  lacks: string[];
}

export interface Plan {
  ranked: RankedOffer[];
  /** The excluded offers, the nearest misses first (those failing fewest checks), capped at `excludedLimit`. */
  excluded: ExcludedOffer[];
  excludedTotal: number;
  excludedByReason: Partial<Record<ExclusionCode, number>>;
  /**
   * - `ok`: at least one offer ranked.
   * - `no-matching-offer`: every offer fails a static check: no offer can ever satisfy the request.
   * - `none-available`: some offers fit, but each is excluded for now (provider not ready, capacity cached).
   */
  verdict: 'ok' | 'no-matching-offer' | 'none-available';
  /** `no-matching-offer`: the offers failing fewest checks, and what each lacks. */
  closest: ClosestOffer[];
  /** `none-available`: when the earliest capacity-cache entry in the way expires, ms from now. */
  retryAfterMs: number | null;
  catalogs: { provider: string; fetchedAt: string; offers: number }[];
  offersConsidered: number;
}

export interface PlanOptions {
  /** At most this many excluded offers in the answer (all are counted). */
  excludedLimit?: number;
  /** At most this many ranked offers in the answer. */
  rankedLimit?: number;
}

const STATIC: ReadonlySet<string> = new Set(STATIC_EXCLUSIONS);
const MEMORY_TOLERANCE = 0.97;

/**
 * Ranks every offer of every catalog against the requirements. Pure and deterministic: the same
 * input gives the same plan. Order: with `spot: preferred` spot offers first; then offers the
 * vendor says have no capacity last; then cheapest; then availability known > unknown; then fewer
 * past failures; then the offer key.
 */
export function planOffers(input: PlanInput, options: PlanOptions = {}): Plan {
  const { requirements } = input;
  const check = offerChecker(requirements);
  const blocks = indexBlocks(input.capacityBlocks, input.now);
  const ranked: (RankedOffer & { sortKey: string; group: number; priceKey: number })[] = [];
  const excluded: { view: ExcludedOffer; statics: number; price: number }[] = [];
  const byReason: Partial<Record<ExclusionCode, number>> = {};
  let offersConsidered = 0;
  let earliestExpiry: number | null = null;
  let anyStaticPass = false;

  for (const catalog of [...input.catalogs].sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0))) {
    const readiness = input.readiness.get(catalog.provider) ?? { ready: false, reason: 'no readiness known' };
    for (const base of offersOf(catalog)) {
      for (const offer of zonesFor(base, requirements.zones)) {
        offersConsidered += 1;
        const reasons = check(offer);
        const statics = reasons.length;
        if (statics === 0) anyStaticPass = true;
        if (!readiness.ready) reasons.push({ code: 'PROVIDER_NOT_READY', message: `${offer.provider} is not ready: ${readiness.reason ?? 'unknown'}` });
        const block = statics === 0 ? blocks.blocking(offer) : null;
        let pinned = offer;
        if (block?.kind === 'blocked') {
          reasons.push({ code: 'CAPACITY_CACHED', message: `${block.entry.code} seen for ${describeBlock(block.entry)}; skipped until ${block.entry.until}`, until: block.entry.until });
          const expiry = Date.parse(block.entry.until);
          earliestExpiry = earliestExpiry === null ? expiry : Math.min(earliestExpiry, expiry);
        } else if (block?.kind === 'zone') {
          pinned = inZone(offer, block.zone);
        }
        if (reasons.length > 0) {
          for (const reason of reasons) byReason[reason.code] = (byReason[reason.code] ?? 0) + 1;
          excluded.push({ view: { ...view(offer), reasons }, statics, price: offer.pricePerHour ?? Number.POSITIVE_INFINITY });
          continue;
        }
        const pastFailures = blocks.failures(pinned);
        const group = (requirements.spot === 'preferred' && pinned.market === 'on-demand' ? 2 : 0) + (pinned.available === false ? 1 : 0);
        ranked.push({
          ...view(pinned),
          rank: 0,
          pastFailures,
          reasons: rankReasons(pinned, requirements),
          group,
          priceKey: pinned.pricePerHour ?? Number.POSITIVE_INFINITY,
          sortKey: pinned.key,
        });
      }
    }
  }

  ranked.sort(
    (a, b) =>
      a.group - b.group ||
      a.priceKey - b.priceKey ||
      availabilityOrder(a.available) - availabilityOrder(b.available) ||
      a.pastFailures - b.pastFailures ||
      (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0),
  );
  const rankedOut = ranked.slice(0, options.rankedLimit ?? ranked.length).map(({ sortKey: _s, group: _g, priceKey: _p, ...offer }, index) => ({ ...offer, rank: index + 1 }));
  excluded.sort((a, b) => a.statics - b.statics || a.price - b.price || keyOf(a.view).localeCompare(keyOf(b.view)));
  const verdict = ranked.length > 0 ? 'ok' : anyStaticPass ? 'none-available' : 'no-matching-offer';
  return {
    ranked: rankedOut,
    excluded: excluded.slice(0, options.excludedLimit ?? 50).map((entry) => entry.view),
    excludedTotal: excluded.length,
    excludedByReason: byReason,
    verdict,
    closest:
      verdict === 'no-matching-offer'
        ? excluded.slice(0, 5).map(({ view: offer }) => {
            const { reasons, ...rest } = offer;
            return { ...rest, lacks: reasons.filter((reason) => STATIC.has(reason.code)).map((reason) => reason.message) };
          })
        : [],
    retryAfterMs: verdict === 'none-available' && earliestExpiry !== null ? Math.max(0, earliestExpiry - input.now) : null,
    catalogs: input.catalogs.map((catalog) => ({ provider: catalog.provider, fetchedAt: catalog.fetchedAt, offers: offersOf(catalog).length })),
    offersConsidered,
  };
}

function keyOf(offer: OfferView): string {
  return `${offer.provider}/${offer.instanceType}/${offer.region}/${offer.zone ?? '*'}/${offer.market}`;
}

function availabilityOrder(available: Availability): number {
  return available === true ? 0 : available === 'unknown' ? 1 : 2;
}

function zonesFor(offer: Offer, zones: readonly string[] | undefined): Offer[] {
  if (zones === undefined) return [offer];
  const matching = offer.zones.filter((zone) => zones.includes(zone));
  // No zone of this region is wanted: one offer, excluded by ZONE_FILTER.
  return matching.length === 0 ? [offer] : matching.map((zone) => inZone(offer, zone));
}

function view(offer: Offer): OfferView {
  return {
    provider: offer.provider,
    instanceType: offer.instanceType,
    region: offer.region,
    zone: offer.zone,
    market: offer.market,
    pricePerHour: offer.pricePerHour,
    vcpus: offer.vcpus,
    memoryGiB: offer.memoryGiB,
    gpu:
      offer.gpu === null
        ? offer.rawGpu === null
          ? null
          : { model: offer.rawGpu.model, count: offer.rawGpu.count, memoryGiB: offer.rawGpu.memoryGiB, ...(offer.rawGpu.fraction !== undefined && { fraction: offer.rawGpu.fraction }) }
        : { model: offer.gpu.model, count: offer.gpu.count, memoryGiB: offer.gpu.memoryGiB, ...(offer.gpu.fraction !== undefined && { fraction: offer.gpu.fraction }) },
    available: offer.available,
  };
}

function price(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}/h`;
}

function rankReasons(offer: Offer, requirements: Requirements): string[] {
  const reasons: string[] = [];
  if (offer.gpu !== null) reasons.push(`${offer.gpu.count} × ${offer.gpu.model}${offer.gpu.fraction === undefined ? '' : ` (${offer.gpu.fraction} of one)`}, ${offer.gpu.memoryGiB} GiB each`);
  reasons.push(`${offer.vcpus} vCPUs, ${offer.memoryGiB} GiB memory`);
  if (offer.pricePerHour === null) reasons.push('price unknown: ranked after every priced offer');
  else reasons.push(`${price(offer.pricePerHour)} ${offer.market}${requirements.maxPricePerHour === undefined ? '' : `, within ${price(requirements.maxPricePerHour)}`}`);
  if (requirements.spot === 'preferred') reasons.push(offer.market === 'spot' ? 'spot preferred: tried before on-demand' : 'on-demand: tried after the spot offers');
  if (offer.available === true) reasons.push('vendor reports capacity');
  else if (offer.available === false) reasons.push('vendor reports no capacity now: tried last');
  else reasons.push('vendor does not publish capacity');
  return reasons;
}

/** The static checks of one offer against the requirements; empty when it fits. */
function offerChecker(requirements: Requirements): (offer: Offer) => Exclusion[] {
  const regionPatterns = requirements.regions?.map(regionGlobPattern);
  const wantedModel = requirements.gpu?.model === undefined ? undefined : (parseGpuModel(requirements.gpu.model) ?? requirements.gpu.model);
  const wantsGpu = requirements.gpu !== undefined;
  return (offer) => {
    const out: Exclusion[] = [];
    if (requirements.providers !== undefined && !requirements.providers.includes(offer.provider)) {
      out.push({ code: 'PROVIDER_FILTER', message: `provider ${offer.provider} is not in providers [${requirements.providers.join(', ')}]` });
    }
    if (requirements.excludeProviders?.includes(offer.provider)) {
      out.push({ code: 'PROVIDER_FILTER', message: `provider ${offer.provider} is in excludeProviders` });
    }
    if (regionPatterns !== undefined && !regionPatterns.some((pattern) => pattern.test(offer.region))) {
      out.push({ code: 'REGION_FILTER', message: `region ${offer.region} matches none of [${requirements.regions?.join(', ')}]` });
    }
    if (requirements.zones !== undefined && (offer.zone === null || !requirements.zones.includes(offer.zone))) {
      out.push({ code: 'ZONE_FILTER', message: `no zone of ${offer.region} is in zones [${requirements.zones.join(', ')}]` });
    }
    if (requirements.spot === 'required' && offer.market !== 'spot') out.push({ code: 'MARKET', message: 'spot is required; this is on-demand' });
    if (requirements.spot === 'never' && offer.market === 'spot') out.push({ code: 'MARKET', message: 'spot is not allowed (spot: never)' });
    if (wantsGpu) {
      const gpu = offer.gpu;
      if (offer.rawGpu === null) out.push({ code: 'NO_GPU', message: `${offer.instanceType} has no GPU` });
      else if (gpu === null) out.push({ code: 'UNMAPPED_GPU', message: `GPU "${offer.rawGpu.model}" is not in the GPU vocabulary` });
      else {
        if (wantedModel !== undefined && !gpuModelMatches(wantedModel, gpu.model)) {
          out.push({ code: 'WRONG_GPU', message: `GPU is ${gpu.model}, not ${requirements.gpu?.model}` });
        }
        const count = requirements.gpu?.count;
        if (count !== undefined && (gpu.count !== count || gpu.fraction !== undefined)) {
          out.push({ code: 'GPU_COUNT', message: `${gpu.fraction === undefined ? gpu.count : `${gpu.fraction} of 1`} GPU(s), not ${count}` });
        }
        const minMemory = requirements.gpu?.minMemoryGiB;
        if (minMemory !== undefined && gpu.memoryGiB < minMemory * MEMORY_TOLERANCE) {
          out.push({ code: 'GPU_MEMORY', message: `${gpu.memoryGiB} GiB per GPU, under ${minMemory} GiB` });
        }
      }
    }
    const vcpus = requirements.vcpus;
    if (vcpus !== undefined && ((vcpus.min !== undefined && offer.vcpus < vcpus.min) || (vcpus.max !== undefined && offer.vcpus > vcpus.max))) {
      out.push({ code: 'VCPUS', message: `${offer.vcpus} vCPUs, outside ${vcpus.min ?? 0}..${vcpus.max ?? '∞'}` });
    }
    const memory = requirements.memoryGiB;
    if (
      memory !== undefined &&
      ((memory.min !== undefined && offer.memoryGiB < memory.min * MEMORY_TOLERANCE) || (memory.max !== undefined && offer.memoryGiB > memory.max))
    ) {
      out.push({ code: 'MEMORY', message: `${offer.memoryGiB} GiB memory, outside ${memory.min ?? 0}..${memory.max ?? '∞'}` });
    }
    if (requirements.maxPricePerHour !== undefined) {
      if (offer.pricePerHour === null) out.push({ code: 'PRICE_UNKNOWN', message: `no ${offer.market} price, so the budget cannot be checked` });
      else if (offer.pricePerHour > requirements.maxPricePerHour) {
        out.push({ code: 'OVER_BUDGET', message: `${price(offer.pricePerHour)} ${offer.market}, over ${price(requirements.maxPricePerHour)}` });
      }
    }
    return out;
  };
}

type BlockHit = { kind: 'blocked'; entry: CapacityBlock } | { kind: 'zone'; zone: string };

/** The capacity blocks by provider/region, for the planner's per-offer lookups. */
function indexBlocks(blocks: readonly CapacityBlock[], now: number) {
  const byRegion = new Map<string, CapacityBlock[]>();
  for (const block of blocks) {
    const key = `${block.provider}\u0000${block.region}`;
    const list = byRegion.get(key) ?? [];
    list.push(block);
    byRegion.set(key, list);
  }
  const applies = (block: CapacityBlock, offer: Offer) =>
    (block.instanceType === null || block.instanceType === offer.instanceType) && (block.market === null || block.market === offer.market);
  const active = (block: CapacityBlock) => Date.parse(block.until) > now;
  return {
    /**
     * The block that excludes this offer; or, when only some of its zones are blocked and the
     * request left the zone open, the first free zone to pin it to (so the provider does not pick a
     * blocked one); null when nothing is in the way.
     */
    blocking(offer: Offer): BlockHit | null {
      const list = byRegion.get(`${offer.provider}\u0000${offer.region}`);
      if (!list) return null;
      const relevant = list.filter((block) => active(block) && applies(block, offer));
      if (relevant.length === 0) return null;
      const whole = relevant.find((block) => block.zone === null);
      if (whole) return { kind: 'blocked', entry: whole };
      if (offer.zone !== null) {
        const hit = relevant.find((block) => block.zone === offer.zone);
        return hit ? { kind: 'blocked', entry: hit } : null;
      }
      const blockedZones = new Set(relevant.map((block) => block.zone));
      const free = offer.zones.find((zone) => !blockedZones.has(zone));
      if (free !== undefined) return { kind: 'zone', zone: free };
      // Every zone is blocked: the entry that expires first says until when.
      const first = [...relevant].sort((a, b) => a.until.localeCompare(b.until))[0] as CapacityBlock;
      return { kind: 'blocked', entry: first };
    },
    failures(offer: Offer): number {
      const list = byRegion.get(`${offer.provider}\u0000${offer.region}`);
      if (!list) return 0;
      return list.filter((block) => applies(block, offer) && (block.zone === null || offer.zone === null || block.zone === offer.zone)).reduce((sum, block) => sum + block.failures, 0);
    },
  };
}

function describeBlock(block: CapacityBlock): string {
  const what = block.instanceType ?? 'every type';
  const where = block.zone === null ? block.region : `${block.region}/${block.zone}`;
  return `${block.provider} ${what} in ${where}${block.market === null ? '' : ` (${block.market})`}`;
}
