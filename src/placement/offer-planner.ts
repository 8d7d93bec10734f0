import { gpuModelMatches, parseGpuModel } from './gpu-vocabulary.js';
import { type Availability, type Market, type Offer, type ProviderCatalog, inZone, offersOf } from './offer.js';
import { type CapacityBlock, type OfferBlocks, blocking, capacityBlockIndexOf, pastFailures } from './capacity-block-index.js';
import { GPU_NONE, GPU_UNMAPPED, type OfferIndex, offerIndexOf } from './offer-index.js';
import { type Requirements, regionGlobPattern } from './requirements-schema.js';

export type { CapacityBlock } from './capacity-block-index.js';

export interface ProviderReadiness {
  readonly ready: boolean;
  /** Why not, when not. */
  readonly reason?: string;
}

export interface PlanInput {
  readonly requirements: Requirements;
  readonly catalogs: readonly ProviderCatalog[];
  readonly readiness: ReadonlyMap<string, ProviderReadiness>;
  /**
   * The capacity-error cache's entries. Indexed once per list (by identity, like a catalog's
   * offerings): a change is a new list, never this one changed in place.
   */
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

// Scratch buffers, reused plan after plan (a plan runs to its end synchronously, so one plan uses them at a time).
/** Offers per combination of failed static checks (a mask of STATIC_EXCLUSIONS.length bits); zeroed by each plan. */
const maskCounts = new Uint32Array(1 << STATIC_EXCLUSIONS.length);
/** One catalog's masks, by position in its index; grown to the largest catalog. */
let masks = new Uint16Array(0);

/** How many checks each mask fails. */
const CHECKS_FAILED = Uint8Array.from({ length: 1 << STATIC_EXCLUSIONS.length }, (_, mask) => {
  let count = 0;
  for (let rest = mask; rest !== 0; rest &= rest - 1) count += 1;
  return count;
});

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
  /** PROVIDER_NOT_READY, when its provider is not ready. */
  notReady: Exclusion | null;
  /** The capacity-cache entry that holds it back (CAPACITY_CACHED; its message is built only if the offer is shown). */
  cachedBy: CapacityBlock | null;
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
      // Sift up: move parents down into the hole until the item's place is found.
      let index = heap.length;
      heap.push(item);
      while (index > 0) {
        const parent = (index - 1) >> 1;
        const above = heap[parent] as T;
        if (this.compare(item, above) <= 0) break;
        heap[index] = above;
        index = parent;
      }
      heap[index] = item;
      return;
    }
    if (this.compare(item, heap[0] as T) >= 0) return;
    // Sift down from the root: move the larger child up into the hole until the item's place is found.
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      let child = left;
      if (right < heap.length && this.compare(heap[right] as T, heap[left] as T) > 0) child = right;
      const below = heap[child] as T;
      if (this.compare(below, item) <= 0) break;
      heap[index] = below;
      index = child;
    }
    heap[index] = item;
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
 *
 * The walk reads each catalog's offer index (`offer-index.ts`) and the capacity cache's index
 * (`capacity-block-index.ts`), each built once per catalog or list of entries, never per plan; no
 * plan is memoized.
 */
export function planOffers(input: PlanInput, options: PlanOptions = {}): Plan {
  const { requirements, now } = input;
  const checks = new StaticChecks(requirements);
  const blocks = capacityBlockIndexOf(input.capacityBlocks);
  const rankedKept = new SmallestKept<RankedCandidate>(options.rankedLimit ?? Number.POSITIVE_INFINITY, rankOrder);
  let rankedTotal = 0;
  const excludedLimit = options.excludedLimit ?? 50;
  // The nearest misses shown, and the five closest (for `no-matching-offer`): kept as they come, never all sorted.
  const misses = new SmallestKept<ExcludedCandidate>(Math.max(excludedLimit, 5), missOrder);
  let excludedTotal = 0;
  const exclude = (offer: Offer, mask: number, statics: number, price: number, notReady: Exclusion | null, cachedBy: CapacityBlock | null) => {
    excludedTotal += 1;
    const largest = misses.largest();
    if (largest !== undefined && (statics > largest.statics || (statics === largest.statics && price > largest.price))) return;
    misses.offer({ offer, mask, statics, price, notReady, cachedBy });
  };
  maskCounts.fill(0);
  let notReady = 0;
  let cached = 0;
  let offersConsidered = 0;
  let earliestExpiry: number | null = null;
  let anyStaticPass = false;
  const spotPreferred = requirements.spot === 'preferred';

  // The catalog being walked: its index, whether its provider is ready, and the capacity blocks that may apply to each of its offers.
  let index!: OfferIndex;
  let notReadyReason: Exclusion | null = null;
  let offerBlocks!: OfferBlocks;
  /** One offer: the catalog's offer at `position` of its index, or that offer pinned to a zone the request names. */
  const consider = (offer: Offer, position: number, mask: number) => {
    offersConsidered += 1;
    const price = index.price[position] as number;
    if (mask !== 0) {
      maskCounts[mask] = (maskCounts[mask] as number) + 1;
      if (notReadyReason) notReady += 1;
      exclude(offer, mask, CHECKS_FAILED[mask] as number, price, notReadyReason, null);
      return;
    }
    anyStaticPass = true;
    if (notReadyReason) {
      notReady += 1;
      exclude(offer, mask, 0, price, notReadyReason, null);
      return;
    }
    const nearby = offerBlocks.at(position);
    const block = nearby === undefined ? null : blocking(nearby, offer, now);
    if (block?.kind === 'blocked') {
      cached += 1;
      earliestExpiry = earliestExpiry === null ? block.entry.until : Math.min(earliestExpiry, block.entry.until);
      exclude(offer, mask, 0, price, null, block.entry.block);
      return;
    }
    const group = (spotPreferred && index.spot[position] === 0 ? 2 : 0) + (index.unavailable[position] as number);
    rankedTotal += 1;
    // Most offers of a broad request rank below the kept ones on group or price alone: skip them before building anything.
    const largest = rankedKept.largest();
    if (largest !== undefined && (group > largest.group || (group === largest.group && price > largest.price))) return;
    const pinned = block?.kind === 'zone' ? inZone(offer, block.zone) : offer;
    rankedKept.offer({ offer: pinned, group, price, availability: availabilityOrder(pinned.available), pastFailures: nearby === undefined ? 0 : pastFailures(nearby, pinned) });
  };

  const zones = requirements.zones;
  for (const catalog of [...input.catalogs].sort((a, b) => compareKeys(a.provider, b.provider))) {
    const readiness = input.readiness.get(catalog.provider) ?? { ready: false, reason: 'no readiness known' };
    notReadyReason = readiness.ready ? null : { code: 'PROVIDER_NOT_READY', message: `${catalog.provider} is not ready: ${readiness.reason ?? 'unknown'}` };
    index = offerIndexOf(catalog);
    offerBlocks = blocks.forOffers(index);
    const { offers } = index;
    if (masks.length < offers.length) masks = new Uint16Array(offers.length);
    checks.maskAll(catalog.provider, index, masks);
    for (let position = 0; position < offers.length; position += 1) {
      const base = offers[position] as Offer;
      if (zones === undefined) consider(base, position, masks[position] as number);
      else for (const offer of zonesFor(base, zones)) consider(offer, position, (masks[position] as number) | checks.zoneMask(offer));
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

  const rankedOut = rankedKept.sorted().map((candidate, place) => rankedView(candidate, place + 1, requirements));
  const nearest = misses.sorted();
  const excludedOut = nearest.slice(0, excludedLimit).map((candidate) => excludedView(candidate, requirements));
  const verdict = rankedTotal > 0 ? 'ok' : anyStaticPass ? 'none-available' : 'no-matching-offer';
  return {
    ranked: rankedOut,
    excluded: excludedOut,
    excludedTotal,
    excludedByReason: byReason,
    verdict,
    closest: verdict === 'no-matching-offer' ? nearest.slice(0, 5).map((candidate) => closestView(candidate, requirements)) : [],
    retryAfterMs: verdict === 'none-available' && earliestExpiry !== null ? Math.max(0, earliestExpiry - now) : null,
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

// The views a plan shows are built field by field, in OfferView's order: built by spreading a view,
// they took about a fifth of a plan's time (measured).

function rankedView(candidate: RankedCandidate, rank: number, requirements: Requirements): RankedOffer {
  const { offer } = candidate;
  return {
    provider: offer.provider,
    instanceType: offer.instanceType,
    region: offer.region,
    zone: offer.zone,
    market: offer.market,
    pricePerHour: offer.pricePerHour,
    vcpus: offer.vcpus,
    memoryGiB: offer.memoryGiB,
    gpu: gpuView(offer),
    available: offer.available,
    rank,
    pastFailures: candidate.pastFailures,
    reasons: rankReasons(offer, requirements),
  };
}

function excludedView(candidate: ExcludedCandidate, requirements: Requirements): ExcludedOffer {
  const { offer } = candidate;
  return {
    provider: offer.provider,
    instanceType: offer.instanceType,
    region: offer.region,
    zone: offer.zone,
    market: offer.market,
    pricePerHour: offer.pricePerHour,
    vcpus: offer.vcpus,
    memoryGiB: offer.memoryGiB,
    gpu: gpuView(offer),
    available: offer.available,
    reasons: exclusionsOf(candidate, requirements),
  };
}

function closestView(candidate: ExcludedCandidate, requirements: Requirements): ClosestOffer {
  const { offer } = candidate;
  return {
    provider: offer.provider,
    instanceType: offer.instanceType,
    region: offer.region,
    zone: offer.zone,
    market: offer.market,
    pricePerHour: offer.pricePerHour,
    vcpus: offer.vcpus,
    memoryGiB: offer.memoryGiB,
    gpu: gpuView(offer),
    available: offer.available,
    lacks: exclusionsOf(candidate, requirements)
      .filter((reason) => STATIC.has(reason.code))
      .map((reason) => reason.message),
  };
}

function gpuView(offer: Offer): OfferView['gpu'] {
  const gpu = offer.gpu ?? offer.rawGpu;
  if (gpu === null) return null;
  return gpu.fraction === undefined
    ? { model: gpu.model, count: gpu.count, memoryGiB: gpu.memoryGiB }
    : { model: gpu.model, count: gpu.count, memoryGiB: gpu.memoryGiB, fraction: gpu.fraction };
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

/**
 * The static checks as bit masks; 0 for an offer that fits. What a request decides per provider,
 * per region or per GPU model is decided once per catalog; the rest runs check by check down the
 * index's columns (`maskAll`): a tight loop per check the request makes, none for the others.
 */
class StaticChecks {
  // The request, read once into fields of numbers and flags: requirement objects differ in shape
  // from request to request, and the loops should not read them.
  private readonly providers: readonly string[] | undefined;
  private readonly excludeProviders: readonly string[] | undefined;
  private readonly regionPatterns: readonly RegExp[] | undefined;
  private readonly zones: readonly string[] | undefined;
  private readonly spotOnly: boolean;
  private readonly onDemandOnly: boolean;
  private readonly wantsGpu: boolean;
  private readonly wantedModel: string | undefined;
  /** GPU count asked for; 0 when any. */
  private readonly gpuCount: number;
  private readonly minGpuMemoryGiB: number;
  private readonly minVcpus: number;
  private readonly maxVcpus: number;
  private readonly minMemoryGiB: number;
  private readonly maxMemoryGiB: number;
  private readonly hasBudget: boolean;
  private readonly maxPricePerHour: number;
  /** GPU model → whether it is the one asked for, across catalogs. */
  private readonly modelMatches = new Map<string, boolean>();

  constructor(requirements: Requirements) {
    this.providers = requirements.providers;
    this.excludeProviders = requirements.excludeProviders;
    this.regionPatterns = requirements.regions?.map(regionGlobPattern);
    this.zones = requirements.zones;
    this.spotOnly = requirements.spot === 'required';
    this.onDemandOnly = requirements.spot === 'never';
    this.wantsGpu = requirements.gpu !== undefined;
    this.wantedModel = requirements.gpu?.model === undefined ? undefined : (parseGpuModel(requirements.gpu.model) ?? requirements.gpu.model);
    this.gpuCount = requirements.gpu?.count ?? 0;
    this.minGpuMemoryGiB = (requirements.gpu?.minMemoryGiB ?? 0) * MEMORY_TOLERANCE;
    this.minVcpus = requirements.vcpus?.min ?? Number.NEGATIVE_INFINITY;
    this.maxVcpus = requirements.vcpus?.max ?? Number.POSITIVE_INFINITY;
    this.minMemoryGiB = (requirements.memoryGiB?.min ?? Number.NEGATIVE_INFINITY) * MEMORY_TOLERANCE;
    this.maxMemoryGiB = requirements.memoryGiB?.max ?? Number.POSITIVE_INFINITY;
    this.hasBudget = requirements.maxPricePerHour !== undefined;
    this.maxPricePerHour = requirements.maxPricePerHour ?? Number.POSITIVE_INFINITY;
  }

  /** Fills `masks` (by position in `index`, the catalog of `provider`) with each offer's failed checks, ZONE_FILTER aside (`zoneMask`). */
  maskAll(provider: string, index: OfferIndex, masks: Uint16Array): void {
    const count = index.offers.length;
    const { providers, excludeProviders } = this;
    masks.fill((providers !== undefined && !providers.includes(provider)) || excludeProviders?.includes(provider) ? BIT.PROVIDER_FILTER : 0, 0, count);
    const patterns = this.regionPatterns;
    if (patterns !== undefined) {
      const fails = Uint8Array.from(index.regions, (region) => (patterns.some((pattern) => pattern.test(region)) ? 0 : 1));
      const { regionOf } = index;
      for (let position = 0; position < count; position += 1) if (fails[regionOf[position] as number] === 1) flag(masks, position, BIT.REGION_FILTER);
    }
    if (this.spotOnly || this.onDemandOnly) {
      const refused = this.spotOnly ? 0 : 1;
      const { spot } = index;
      for (let position = 0; position < count; position += 1) if (spot[position] === refused) flag(masks, position, BIT.MARKET);
    }
    if (this.wantsGpu) this.maskGpus(index, masks);
    const { minVcpus, maxVcpus, minMemoryGiB, maxMemoryGiB, maxPricePerHour } = this;
    if (minVcpus !== Number.NEGATIVE_INFINITY || maxVcpus !== Number.POSITIVE_INFINITY) {
      const { vcpus } = index;
      for (let position = 0; position < count; position += 1) {
        const value = vcpus[position] as number;
        if (value < minVcpus || value > maxVcpus) flag(masks, position, BIT.VCPUS);
      }
    }
    if (minMemoryGiB !== Number.NEGATIVE_INFINITY || maxMemoryGiB !== Number.POSITIVE_INFINITY) {
      const { memoryGiB } = index;
      for (let position = 0; position < count; position += 1) {
        const value = memoryGiB[position] as number;
        if (value < minMemoryGiB || value > maxMemoryGiB) flag(masks, position, BIT.MEMORY);
      }
    }
    if (this.hasBudget) {
      const { priced, price } = index;
      for (let position = 0; position < count; position += 1) {
        if (priced[position] === 0) flag(masks, position, BIT.PRICE_UNKNOWN);
        else if ((price[position] as number) > maxPricePerHour) flag(masks, position, BIT.OVER_BUDGET);
      }
    }
  }

  /** ZONE_FILTER for one offer (zero when the request names no zones). */
  zoneMask(offer: Offer): number {
    return this.zones !== undefined && (offer.zone === null || !this.zones.includes(offer.zone)) ? BIT.ZONE_FILTER : 0;
  }

  private maskGpus(index: OfferIndex, masks: Uint16Array): void {
    const wanted = this.wantedModel;
    const modelFails = Uint8Array.from(index.models, (model) => {
      if (wanted === undefined) return 0;
      let matches = this.modelMatches.get(model);
      if (matches === undefined) {
        matches = gpuModelMatches(wanted, model);
        this.modelMatches.set(model, matches);
      }
      return matches ? 0 : 1;
    });
    const { gpu, modelOf, gpuCount, gpuWhole, gpuMemoryGiB } = index;
    const { gpuCount: wantedCount, minGpuMemoryGiB } = this;
    for (let position = 0; position < index.offers.length; position += 1) {
      const kind = gpu[position];
      if (kind === GPU_NONE) flag(masks, position, BIT.NO_GPU);
      else if (kind === GPU_UNMAPPED) flag(masks, position, BIT.UNMAPPED_GPU);
      else {
        if (modelFails[modelOf[position] as number] === 1) flag(masks, position, BIT.WRONG_GPU);
        if (wantedCount !== 0 && (gpuCount[position] !== wantedCount || gpuWhole[position] === 0)) flag(masks, position, BIT.GPU_COUNT);
        if ((gpuMemoryGiB[position] as number) < minGpuMemoryGiB) flag(masks, position, BIT.GPU_MEMORY);
      }
    }
  }
}

/** Sets a check's bit in the mask at `position`. */
function flag(masks: Uint16Array, position: number, bit: number): void {
  masks[position] = (masks[position] as number) | bit;
}

/** Whether `mask` has the check's bit. */
function fails(mask: number, code: (typeof STATIC_EXCLUSIONS)[number]): boolean {
  return (mask & BIT[code]) !== 0;
}

/** The reasons of one excluded offer, in words (built only for the offers a plan shows). */
function exclusionsOf(candidate: ExcludedCandidate, requirements: Requirements): Exclusion[] {
  const { offer, mask } = candidate;
  const out: Exclusion[] = [];
  if (fails(mask, 'PROVIDER_FILTER')) {
    out.push({
      code: 'PROVIDER_FILTER',
      message: requirements.excludeProviders?.includes(offer.provider)
        ? `provider ${offer.provider} is in excludeProviders`
        : `provider ${offer.provider} is not in providers [${requirements.providers?.join(', ')}]`,
    });
  }
  if (fails(mask, 'REGION_FILTER')) out.push({ code: 'REGION_FILTER', message: `region ${offer.region} matches none of [${requirements.regions?.join(', ')}]` });
  if (fails(mask, 'ZONE_FILTER')) out.push({ code: 'ZONE_FILTER', message: `no zone of ${offer.region} is in zones [${requirements.zones?.join(', ')}]` });
  if (fails(mask, 'MARKET')) out.push({ code: 'MARKET', message: requirements.spot === 'required' ? 'spot is required; this is on-demand' : 'spot is not allowed (spot: never)' });
  if (fails(mask, 'NO_GPU')) out.push({ code: 'NO_GPU', message: `${offer.instanceType} has no GPU` });
  if (fails(mask, 'UNMAPPED_GPU')) out.push({ code: 'UNMAPPED_GPU', message: `GPU "${offer.rawGpu?.model}" is not in the GPU vocabulary` });
  const gpu = offer.gpu;
  if (fails(mask, 'WRONG_GPU')) out.push({ code: 'WRONG_GPU', message: `GPU is ${gpu?.model}, not ${requirements.gpu?.model}` });
  if (fails(mask, 'GPU_COUNT')) out.push({ code: 'GPU_COUNT', message: `${gpu?.fraction === undefined ? gpu?.count : `${gpu.fraction} of 1`} GPU(s), not ${requirements.gpu?.count}` });
  if (fails(mask, 'GPU_MEMORY')) out.push({ code: 'GPU_MEMORY', message: `${gpu?.memoryGiB} GiB per GPU, under ${requirements.gpu?.minMemoryGiB} GiB` });
  if (fails(mask, 'VCPUS')) out.push({ code: 'VCPUS', message: `${offer.vcpus} vCPUs, outside ${requirements.vcpus?.min ?? 0}..${requirements.vcpus?.max ?? '∞'}` });
  if (fails(mask, 'MEMORY')) out.push({ code: 'MEMORY', message: `${offer.memoryGiB} GiB memory, outside ${requirements.memoryGiB?.min ?? 0}..${requirements.memoryGiB?.max ?? '∞'}` });
  if (fails(mask, 'PRICE_UNKNOWN')) out.push({ code: 'PRICE_UNKNOWN', message: `no ${offer.market} price, so the budget cannot be checked` });
  if (fails(mask, 'OVER_BUDGET')) out.push({ code: 'OVER_BUDGET', message: `${price(offer.pricePerHour ?? 0)} ${offer.market}, over ${price(requirements.maxPricePerHour ?? 0)}` });
  if (candidate.notReady) out.push(candidate.notReady);
  if (candidate.cachedBy) out.push(cachedExclusion(candidate.cachedBy));
  return out;
}

function cachedExclusion(block: CapacityBlock): Exclusion {
  return { code: 'CAPACITY_CACHED', message: `${block.code} seen for ${describeBlock(block)}; skipped until ${block.until}`, until: block.until };
}

function describeBlock(block: CapacityBlock): string {
  const what = block.instanceType ?? 'every type';
  const where = block.zone === null ? block.region : `${block.region}/${block.zone}`;
  return `${block.provider} ${what} in ${where}${block.market === null ? '' : ` (${block.market})`}`;
}
