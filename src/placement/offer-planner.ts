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
/** What the spawn path keeps of a plan as evidence (and what the chain can walk). */
export const EVIDENCE_PLAN_LIMITS: Readonly<Required<PlanOptions>> = { rankedLimit: 200, excludedLimit: 200 };

/** Each static check is one bit: the hot loop computes a number per offer, messages only for offers shown. */
const BIT: Readonly<Record<(typeof STATIC_EXCLUSIONS)[number], number>> = Object.fromEntries(STATIC_EXCLUSIONS.map((code, index) => [code, 1 << index])) as Record<(typeof STATIC_EXCLUSIONS)[number], number>;

function popcount(mask: number): number {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count += 1;
  return count;
}

interface RankedCandidate {
  offer: Offer;
  group: number;
  price: number;
  availability: number;
  pastFailures: number;
}

interface ExcludedCandidate {
  offer: Offer;
  mask: number;
  statics: number;
  price: number;
  transient: Exclusion | null;
}

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rankOrder = (a: RankedCandidate, b: RankedCandidate) =>
  a.group - b.group || a.price - b.price || a.availability - b.availability || a.pastFailures - b.pastFailures || compareKeys(a.offer.key, b.offer.key);
const missOrder = (a: ExcludedCandidate, b: ExcludedCandidate) => a.statics - b.statics || a.price - b.price || compareKeys(a.offer.key, b.offer.key);

/**
 * Keeps the `limit` smallest items offered to it (a binary max-heap of that size: an item larger
 * than the largest kept costs one comparison and no allocation). `sorted()` answers them in order.
 */
class SmallestKept<T> {
  private readonly heap: T[] = [];
  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  /** The largest item kept, once `limit` items are kept (the bar a new item must pass); undefined before. */
  largest(): T | undefined {
    return this.heap.length >= this.limit ? this.heap[0] : undefined;
  }

  offer(item: T): void {
    const heap = this.heap;
    if (this.limit <= 0) return;
    if (heap.length < this.limit) {
      heap.push(item);
      let index = heap.length - 1;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (this.compare(heap[index] as T, heap[parent] as T) <= 0) break;
        [heap[index], heap[parent]] = [heap[parent] as T, heap[index] as T];
        index = parent;
      }
      return;
    }
    if (this.compare(item, heap[0] as T) >= 0) return;
    heap[0] = item;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let largest = index;
      if (left < heap.length && this.compare(heap[left] as T, heap[largest] as T) > 0) largest = left;
      if (right < heap.length && this.compare(heap[right] as T, heap[largest] as T) > 0) largest = right;
      if (largest === index) break;
      [heap[index], heap[largest]] = [heap[largest] as T, heap[index] as T];
      index = largest;
    }
  }

  sorted(): T[] {
    return [...this.heap].sort(this.compare);
  }
}

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
  const rankedKept = new SmallestKept<RankedCandidate>(options.rankedLimit ?? Number.POSITIVE_INFINITY, rankOrder);
  let rankedTotal = 0;
  const excludedLimit = options.excludedLimit ?? 50;
  // The nearest misses shown, and the five closest (for `no-matching-offer`): kept as they come, never all sorted.
  const misses = new SmallestKept<ExcludedCandidate>(Math.max(excludedLimit, 5), missOrder);
  let excludedTotal = 0;
  const exclude = (offer: Offer, mask: number, statics: number, price: number, transient: Exclusion | null) => {
    excludedTotal += 1;
    const largest = misses.largest();
    if (largest !== undefined && (statics > largest.statics || (statics === largest.statics && price > largest.price))) return;
    misses.offer({ offer, mask, statics, price, transient });
  };
  // Offers per combination of failed static checks (a mask of STATIC_EXCLUSIONS.length bits).
  const maskCounts = new Uint32Array(1 << STATIC_EXCLUSIONS.length);
  let notReady = 0;
  let cached = 0;
  let offersConsidered = 0;
  let earliestExpiry: number | null = null;
  let anyStaticPass = false;

  let notReadyReason: Exclusion | null = null;
  const consider = (offer: Offer) => {
    offersConsidered += 1;
    const mask = check(offer);
    const price = offer.pricePerHour ?? Number.POSITIVE_INFINITY;
    if (mask !== 0) {
      maskCounts[mask] = (maskCounts[mask] as number) + 1;
      if (notReadyReason) notReady += 1;
      exclude(offer, mask, popcount(mask), price, notReadyReason);
      return;
    }
    anyStaticPass = true;
    if (notReadyReason) {
      notReady += 1;
      exclude(offer, mask, 0, price, notReadyReason);
      return;
    }
    const block = blocks.blocking(offer);
    let pinned = offer;
    if (block?.kind === 'blocked') {
      cached += 1;
      const expiry = Date.parse(block.entry.until);
      earliestExpiry = earliestExpiry === null ? expiry : Math.min(earliestExpiry, expiry);
      exclude(offer, mask, 0, price, {
        code: 'CAPACITY_CACHED',
        message: `${block.entry.code} seen for ${describeBlock(block.entry)}; skipped until ${block.entry.until}`,
        until: block.entry.until,
      });
      return;
    }
    if (block?.kind === 'zone') pinned = inZone(offer, block.zone);
    const group = (requirements.spot === 'preferred' && pinned.market === 'on-demand' ? 2 : 0) + (pinned.available === false ? 1 : 0);
    rankedTotal += 1;
    // Most offers of a broad request rank below the kept ones on group or price alone: skip them before building anything.
    const largest = rankedKept.largest();
    if (largest !== undefined && (group > largest.group || (group === largest.group && price > largest.price))) return;
    rankedKept.offer({ offer: pinned, group, price, availability: availabilityOrder(pinned.available), pastFailures: blocks.failures(pinned) });
  };

  for (const catalog of [...input.catalogs].sort((a, b) => compareKeys(a.provider, b.provider))) {
    const readiness = input.readiness.get(catalog.provider) ?? { ready: false, reason: 'no readiness known' };
    notReadyReason = readiness.ready ? null : { code: 'PROVIDER_NOT_READY', message: `${catalog.provider} is not ready: ${readiness.reason ?? 'unknown'}` };
    const offers = offersOf(catalog);
    const zones = requirements.zones;
    for (let index = 0; index < offers.length; index += 1) {
      const base = offers[index] as Offer;
      if (zones === undefined) consider(base);
      else for (const offer of zonesFor(base, zones)) consider(offer);
    }
  }

  const byReason: Partial<Record<ExclusionCode, number>> = {};
  for (let mask = 1; mask < maskCounts.length; mask += 1) {
    const count = maskCounts[mask] as number;
    if (count === 0) continue;
    for (const code of STATIC_EXCLUSIONS) if ((mask & BIT[code]) !== 0) byReason[code] = (byReason[code] ?? 0) + count;
  }
  if (notReady > 0) byReason.PROVIDER_NOT_READY = notReady;
  if (cached > 0) byReason.CAPACITY_CACHED = cached;

  const rankedOut = rankedKept.sorted().map((candidate, index) => ({
    ...view(candidate.offer),
    rank: index + 1,
    pastFailures: candidate.pastFailures,
    reasons: rankReasons(candidate.offer, requirements),
  }));
  const describeMiss = (candidate: ExcludedCandidate): ExcludedOffer => ({ ...view(candidate.offer), reasons: exclusionsOf(candidate, requirements) });
  const nearest = misses.sorted();
  const excludedOut = nearest.slice(0, excludedLimit).map(describeMiss);
  const verdict = rankedTotal > 0 ? 'ok' : anyStaticPass ? 'none-available' : 'no-matching-offer';
  return {
    ranked: rankedOut,
    excluded: excludedOut,
    excludedTotal,
    excludedByReason: byReason,
    verdict,
    closest:
      verdict === 'no-matching-offer'
        ? nearest.slice(0, 5).map((candidate) => {
            const { reasons, ...rest } = describeMiss(candidate);
            return { ...rest, lacks: reasons.filter((reason) => STATIC.has(reason.code)).map((reason) => reason.message) };
          })
        : [],
    retryAfterMs: verdict === 'none-available' && earliestExpiry !== null ? Math.max(0, earliestExpiry - input.now) : null,
    catalogs: input.catalogs.map((catalog) => ({ provider: catalog.provider, fetchedAt: catalog.fetchedAt, offers: offersOf(catalog).length })),
    offersConsidered,
  };
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
  const gpu = offer.gpu ?? offer.rawGpu;
  return {
    provider: offer.provider,
    instanceType: offer.instanceType,
    region: offer.region,
    zone: offer.zone,
    market: offer.market,
    pricePerHour: offer.pricePerHour,
    vcpus: offer.vcpus,
    memoryGiB: offer.memoryGiB,
    gpu: gpu === null ? null : { model: gpu.model, count: gpu.count, memoryGiB: gpu.memoryGiB, ...(gpu.fraction !== undefined && { fraction: gpu.fraction }) },
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

/** The static checks of one offer as a bit mask; 0 when it fits. */
function offerChecker(requirements: Requirements): (offer: Offer) => number {
  const regionPatterns = requirements.regions?.map(regionGlobPattern);
  const wantedModel = requirements.gpu?.model === undefined ? undefined : (parseGpuModel(requirements.gpu.model) ?? requirements.gpu.model);
  const modelMatches = new Map<string, boolean>();
  const wantsGpu = requirements.gpu !== undefined;
  const regionMatches = new Map<string, boolean>();
  const { providers, excludeProviders, zones, spot, vcpus, maxPricePerHour } = requirements;
  const memory = requirements.memoryGiB;
  const count = requirements.gpu?.count;
  const minGpuMemory = requirements.gpu?.minMemoryGiB;
  return (offer) => {
    let mask = 0;
    if ((providers !== undefined && !providers.includes(offer.provider)) || excludeProviders?.includes(offer.provider)) mask |= BIT.PROVIDER_FILTER;
    if (regionPatterns !== undefined) {
      let matches = regionMatches.get(offer.region);
      if (matches === undefined) {
        matches = regionPatterns.some((pattern) => pattern.test(offer.region));
        regionMatches.set(offer.region, matches);
      }
      if (!matches) mask |= BIT.REGION_FILTER;
    }
    if (zones !== undefined && (offer.zone === null || !zones.includes(offer.zone))) mask |= BIT.ZONE_FILTER;
    if ((spot === 'required' && offer.market !== 'spot') || (spot === 'never' && offer.market === 'spot')) mask |= BIT.MARKET;
    if (wantsGpu) {
      const gpu = offer.gpu;
      if (offer.rawGpu === null) mask |= BIT.NO_GPU;
      else if (gpu === null) mask |= BIT.UNMAPPED_GPU;
      else {
        if (wantedModel !== undefined) {
          let matches = modelMatches.get(gpu.model);
          if (matches === undefined) {
            matches = gpuModelMatches(wantedModel, gpu.model);
            modelMatches.set(gpu.model, matches);
          }
          if (!matches) mask |= BIT.WRONG_GPU;
        }
        if (count !== undefined && (gpu.count !== count || gpu.fraction !== undefined)) mask |= BIT.GPU_COUNT;
        if (minGpuMemory !== undefined && gpu.memoryGiB < minGpuMemory * MEMORY_TOLERANCE) mask |= BIT.GPU_MEMORY;
      }
    }
    if (vcpus !== undefined && ((vcpus.min !== undefined && offer.vcpus < vcpus.min) || (vcpus.max !== undefined && offer.vcpus > vcpus.max))) mask |= BIT.VCPUS;
    if (memory !== undefined && ((memory.min !== undefined && offer.memoryGiB < memory.min * MEMORY_TOLERANCE) || (memory.max !== undefined && offer.memoryGiB > memory.max))) mask |= BIT.MEMORY;
    if (maxPricePerHour !== undefined) {
      if (offer.pricePerHour === null) mask |= BIT.PRICE_UNKNOWN;
      else if (offer.pricePerHour > maxPricePerHour) mask |= BIT.OVER_BUDGET;
    }
    return mask;
  };
}

/** The reasons of one excluded offer, in words (built only for the offers a plan shows). */
function exclusionsOf(candidate: ExcludedCandidate, requirements: Requirements): Exclusion[] {
  const { offer, mask } = candidate;
  const out: Exclusion[] = [];
  const has = (code: (typeof STATIC_EXCLUSIONS)[number]) => (mask & BIT[code]) !== 0;
  if (has('PROVIDER_FILTER')) {
    out.push({
      code: 'PROVIDER_FILTER',
      message: requirements.excludeProviders?.includes(offer.provider)
        ? `provider ${offer.provider} is in excludeProviders`
        : `provider ${offer.provider} is not in providers [${requirements.providers?.join(', ')}]`,
    });
  }
  if (has('REGION_FILTER')) out.push({ code: 'REGION_FILTER', message: `region ${offer.region} matches none of [${requirements.regions?.join(', ')}]` });
  if (has('ZONE_FILTER')) out.push({ code: 'ZONE_FILTER', message: `no zone of ${offer.region} is in zones [${requirements.zones?.join(', ')}]` });
  if (has('MARKET')) out.push({ code: 'MARKET', message: requirements.spot === 'required' ? 'spot is required; this is on-demand' : 'spot is not allowed (spot: never)' });
  if (has('NO_GPU')) out.push({ code: 'NO_GPU', message: `${offer.instanceType} has no GPU` });
  if (has('UNMAPPED_GPU')) out.push({ code: 'UNMAPPED_GPU', message: `GPU "${offer.rawGpu?.model}" is not in the GPU vocabulary` });
  const gpu = offer.gpu;
  if (has('WRONG_GPU')) out.push({ code: 'WRONG_GPU', message: `GPU is ${gpu?.model}, not ${requirements.gpu?.model}` });
  if (has('GPU_COUNT')) out.push({ code: 'GPU_COUNT', message: `${gpu?.fraction === undefined ? gpu?.count : `${gpu.fraction} of 1`} GPU(s), not ${requirements.gpu?.count}` });
  if (has('GPU_MEMORY')) out.push({ code: 'GPU_MEMORY', message: `${gpu?.memoryGiB} GiB per GPU, under ${requirements.gpu?.minMemoryGiB} GiB` });
  if (has('VCPUS')) out.push({ code: 'VCPUS', message: `${offer.vcpus} vCPUs, outside ${requirements.vcpus?.min ?? 0}..${requirements.vcpus?.max ?? '∞'}` });
  if (has('MEMORY')) out.push({ code: 'MEMORY', message: `${offer.memoryGiB} GiB memory, outside ${requirements.memoryGiB?.min ?? 0}..${requirements.memoryGiB?.max ?? '∞'}` });
  if (has('PRICE_UNKNOWN')) out.push({ code: 'PRICE_UNKNOWN', message: `no ${offer.market} price, so the budget cannot be checked` });
  if (has('OVER_BUDGET')) out.push({ code: 'OVER_BUDGET', message: `${price(offer.pricePerHour ?? 0)} ${offer.market}, over ${price(requirements.maxPricePerHour ?? 0)}` });
  if (candidate.transient) out.push(candidate.transient);
  return out;
}

type BlockHit = { kind: 'blocked'; entry: CapacityBlock } | { kind: 'zone'; zone: string };

/** The capacity blocks by provider/region, for the planner's per-offer lookups (no allocation for an offer with none). */
function indexBlocks(blocks: readonly CapacityBlock[], now: number) {
  // provider -> region -> blocks: two lookups, no key string built per offer.
  const byProvider = new Map<string, Map<string, { block: CapacityBlock; active: boolean }[]>>();
  for (const block of blocks) {
    let regions = byProvider.get(block.provider);
    if (!regions) {
      regions = new Map();
      byProvider.set(block.provider, regions);
    }
    let list = regions.get(block.region);
    if (!list) {
      list = [];
      regions.set(block.region, list);
    }
    list.push({ block, active: Date.parse(block.until) > now });
  }
  const listFor = (offer: Offer) => byProvider.get(offer.provider)?.get(offer.region);
  const applies = (block: CapacityBlock, offer: Offer) =>
    (block.instanceType === null || block.instanceType === offer.instanceType) && (block.market === null || block.market === offer.market);
  return {
    /**
     * The block that excludes this offer; or, when only some of its zones are blocked and the
     * request left the zone open, the first free zone to pin it to (so the provider does not pick a
     * blocked one); null when nothing is in the way.
     */
    blocking(offer: Offer): BlockHit | null {
      const list = listFor(offer);
      if (!list) return null;
      let relevant: CapacityBlock[] | null = null;
      for (const { block, active } of list) {
        if (!active || !applies(block, offer)) continue;
        if (block.zone === null) return { kind: 'blocked', entry: block };
        (relevant ??= []).push(block);
      }
      if (relevant === null) return null;
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
      const list = listFor(offer);
      if (!list) return 0;
      let sum = 0;
      for (const { block } of list) {
        if (applies(block, offer) && (block.zone === null || offer.zone === null || block.zone === offer.zone)) sum += block.failures;
      }
      return sum;
    },
  };
}

function describeBlock(block: CapacityBlock): string {
  const what = block.instanceType ?? 'every type';
  const where = block.zone === null ? block.region : `${block.region}/${block.zone}`;
  return `${block.provider} ${what} in ${where}${block.market === null ? '' : ` (${block.market})`}`;
}
