import type { Market, Offer } from './offer.js';
import type { OfferIndex } from './offer-index.js';

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

/** A capacity block with its expiry read once. */
export interface IndexedBlock {
  readonly block: CapacityBlock;
  /** `until` in ms. */
  readonly until: number;
}

export type BlockHit = { kind: 'blocked'; entry: IndexedBlock } | { kind: 'zone'; zone: string };

/** The capacity blocks, by the offers they may apply to. */
export interface CapacityBlockIndex {
  /** The blocks that may apply to each offer of a catalog's index: one per catalog index, kept. */
  forOffers(offers: OfferIndex): OfferBlocks;
}

/** The blocks that may apply to each offer of one catalog index. */
export interface OfferBlocks {
  /**
   * The blocks of the provider and region of the offer at `position`, naming its type or every
   * type, on its market or both, in the order of the list (zone and time are checked per plan);
   * undefined when none may apply. A plan asks only for the offers that pass its static checks.
   */
  at(position: number): readonly IndexedBlock[] | undefined;
}

const built = new WeakMap<readonly CapacityBlock[], CapacityBlockIndex>();
const parsedUntil = new WeakMap<CapacityBlock, number>();

/** `block.until` in ms, parsed once per entry: a new list after a change mostly holds the entries of the last one. */
function untilOf(block: CapacityBlock): number {
  let until = parsedUntil.get(block);
  if (until === undefined) {
    until = Date.parse(block.until);
    parsedUntil.set(block, until);
  }
  return until;
}

/**
 * The index of one list of capacity blocks, built once per list: the control plane's cache hands the
 * planner the same frozen list until an entry changes (`CapacityErrorStore.blocks()`), so a new
 * capacity error means a new list and a new index. Nothing here depends on the time: whether a
 * block is still active is decided per plan, against the plan's `now`.
 */
export function capacityBlockIndexOf(blocks: readonly CapacityBlock[]): CapacityBlockIndex {
  const cached = built.get(blocks);
  if (cached) return cached;
  const index = buildIndex(blocks);
  built.set(blocks, index);
  return index;
}

/** The blocks of one slice (a type, or every type, in one region of one provider) by market; each list in the order of the list. */
interface ByMarket {
  readonly spot: IndexedBlock[];
  readonly onDemand: IndexedBlock[];
}

/** One provider's blocks in one region: those of every type, and per type named (those of every type included). */
interface RegionBlocks {
  readonly anyType: ByMarket;
  readonly byType: Map<string, ByMarket>;
}

/** provider -> region -> its blocks. */
type BlocksByProvider = ReadonlyMap<string, ReadonlyMap<string, RegionBlocks>>;

function buildIndex(blocks: readonly CapacityBlock[]): CapacityBlockIndex {
  // provider -> region -> type -> market. Every list keeps the order of `blocks`: the first block
  // that applies is the one a plan names.
  const byProvider = new Map<string, Map<string, RegionBlocks>>();
  const add = (lists: ByMarket, entry: IndexedBlock) => {
    if (entry.block.market !== 'on-demand') lists.spot.push(entry);
    if (entry.block.market !== 'spot') lists.onDemand.push(entry);
  };
  for (const block of blocks) {
    let regions = byProvider.get(block.provider);
    if (!regions) {
      regions = new Map();
      byProvider.set(block.provider, regions);
    }
    let region = regions.get(block.region);
    if (!region) {
      region = { anyType: { spot: [], onDemand: [] }, byType: new Map() };
      regions.set(block.region, region);
    }
    const entry: IndexedBlock = { block, until: untilOf(block) };
    if (block.instanceType === null) {
      // A block of every type is in every type's lists too, those named later included.
      add(region.anyType, entry);
      for (const lists of region.byType.values()) add(lists, entry);
    } else {
      let lists = region.byType.get(block.instanceType);
      if (!lists) {
        lists = { spot: [...region.anyType.spot], onDemand: [...region.anyType.onDemand] };
        region.byType.set(block.instanceType, lists);
      }
      add(lists, entry);
    }
  }
  const perCatalog = new WeakMap<OfferIndex, OfferBlocks>();
  return {
    forOffers(offers) {
      let found = perCatalog.get(offers);
      if (found === undefined) {
        found = new CatalogBlocks(offers, byProvider);
        perCatalog.set(offers, found);
      }
      return found;
    },
  };
}

/** The blocks of each offer of one catalog index: its region's by a region id, then its type's by name. */
class CatalogBlocks implements OfferBlocks {
  /** Per region id of the index: its provider's blocks there, if any. */
  private readonly regions: (RegionBlocks | undefined)[];

  constructor(
    private readonly offers: OfferIndex,
    byProvider: BlocksByProvider,
  ) {
    // A catalog's offers are all its provider's.
    const regions = offers.offers.length === 0 ? undefined : byProvider.get((offers.offers[0] as Offer).provider);
    this.regions = offers.regions.map((region) => regions?.get(region));
  }

  at(position: number): readonly IndexedBlock[] | undefined {
    const region = this.regions[this.offers.regionOf[position] as number];
    if (region === undefined) return undefined;
    const offer = this.offers.offers[position] as Offer;
    const lists = region.byType.get(offer.instanceType) ?? region.anyType;
    const list = offer.market === 'spot' ? lists.spot : lists.onDemand;
    return list.length === 0 ? undefined : list;
  }
}

const applies = (block: CapacityBlock, offer: Offer) =>
  (block.instanceType === null || block.instanceType === offer.instanceType) && (block.market === null || block.market === offer.market);

/**
 * The block of `list` (the offer's, from `OfferBlocks.at`) that excludes the offer at `now`; or,
 * when only some of its zones are blocked and the request left the zone open, the first free zone
 * to pin it to (so the provider does not pick a blocked one); null when nothing is in the way.
 */
export function blocking(list: readonly IndexedBlock[], offer: Offer, now: number): BlockHit | null {
  let relevant: IndexedBlock[] | null = null;
  for (const entry of list) {
    if (!(entry.until > now) || !applies(entry.block, offer)) continue;
    if (entry.block.zone === null) return { kind: 'blocked', entry };
    (relevant ??= []).push(entry);
  }
  if (relevant === null) return null;
  if (offer.zone !== null) {
    const hit = relevant.find((entry) => entry.block.zone === offer.zone);
    return hit ? { kind: 'blocked', entry: hit } : null;
  }
  const blocked = relevant;
  const free = offer.zones.find((zone) => !blocked.some((entry) => entry.block.zone === zone));
  if (free !== undefined) return { kind: 'zone', zone: free };
  // Every zone is blocked: the entry that expires first says until when.
  const first = [...relevant].sort((a, b) => a.block.until.localeCompare(b.block.until))[0] as IndexedBlock;
  return { kind: 'blocked', entry: first };
}

/** The failures the cache remembers for the offer (active or not), of `list` (the offer's, from `OfferBlocks.at`). */
export function pastFailures(list: readonly IndexedBlock[], offer: Offer): number {
  let sum = 0;
  for (const { block } of list) {
    if (applies(block, offer) && (block.zone === null || offer.zone === null || block.zone === offer.zone)) sum += block.failures;
  }
  return sum;
}
