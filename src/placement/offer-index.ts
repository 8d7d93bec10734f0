import { type Offer, type ProviderCatalog, offersOf } from './offer.js';

/** What an offer's GPU is, for the static checks: none, one the vocabulary cannot map, or a mapped one. */
export const GPU_NONE = 0;
export const GPU_UNMAPPED = 1;
export const GPU_MAPPED = 2;

/**
 * One catalog's offers laid out for the planner's scan, built once per fetched catalog (like
 * `offersOf`, whose offers it holds: the same objects). The planner walks every offer of every
 * catalog on every request; the index makes that walk a read of a few arrays in order:
 *
 * - `offers` is cheapest first (an unknown price last; equal prices in catalog order), so the
 *   planner's bounded heaps fill with their final members early and most later offers are turned
 *   away by one price comparison;
 * - what the static checks read of each offer is a column of numbers, by position (`vcpus`,
 *   `memoryGiB`, `price`, ...), read in order rather than gathered from objects across the heap;
 * - each offer's region and GPU model are small integers (`regionOf`, `modelOf`), so a request
 *   decides a region glob or a GPU model once per distinct value, not once per offer.
 *
 * The order of the scan never changes a plan (the planner's orders are total); it only changes how
 * much work the heaps do.
 */
export interface OfferIndex {
  /** Every offer of the catalog, cheapest first. Every column below is by position in this list. */
  readonly offers: readonly Offer[];
  /** The catalog's distinct regions; `offers[i].region === regions[regionOf[i]]`. */
  readonly regions: readonly string[];
  readonly regionOf: Uint32Array;
  /** The catalog's distinct canonical GPU models; `offers[i].gpu?.model === models[modelOf[i]]`, and -1 for an offer without a mapped GPU. */
  readonly models: readonly string[];
  readonly modelOf: Int32Array;
  /** 1 for a spot offer, 0 for on-demand. */
  readonly spot: Uint8Array;
  /** 1 when the vendor says the offer has no capacity now (`available: false`). */
  readonly unavailable: Uint8Array;
  readonly vcpus: Float64Array;
  readonly memoryGiB: Float64Array;
  /** 1 when the offer has a price, 0 when the provider cannot price it. */
  readonly priced: Uint8Array;
  /** The price per hour, Infinity when unknown (the order the planner ranks by). */
  readonly price: Float64Array;
  /** GPU_NONE, GPU_UNMAPPED or GPU_MAPPED; the three columns after it are set for a mapped GPU only. */
  readonly gpu: Uint8Array;
  readonly gpuCount: Float64Array;
  /** 1 for a whole GPU, 0 for a fraction of one. */
  readonly gpuWhole: Uint8Array;
  readonly gpuMemoryGiB: Float64Array;
}

const built = new WeakMap<readonly Offer[], OfferIndex>();

/** The index of a catalog's offers, built on first use and kept while `offersOf(catalog)` is (one fetched catalog). */
export function offerIndexOf(catalog: ProviderCatalog): OfferIndex {
  const offers = offersOf(catalog);
  const cached = built.get(offers);
  if (cached) return cached;
  const index = buildIndex(offers);
  built.set(offers, index);
  return index;
}

function buildIndex(unsorted: readonly Offer[]): OfferIndex {
  const priceOf = (offer: Offer) => offer.pricePerHour ?? Number.POSITIVE_INFINITY;
  // Array.prototype.sort is stable: equal prices (two unknown ones too) keep the catalog's order.
  const offers = [...unsorted].sort((a, b) => {
    const first = priceOf(a);
    const second = priceOf(b);
    return first < second ? -1 : first > second ? 1 : 0;
  });
  const count = offers.length;
  const index: OfferIndex = {
    offers,
    regions: [],
    regionOf: new Uint32Array(count),
    models: [],
    modelOf: new Int32Array(count),
    spot: new Uint8Array(count),
    unavailable: new Uint8Array(count),
    vcpus: new Float64Array(count),
    memoryGiB: new Float64Array(count),
    priced: new Uint8Array(count),
    price: new Float64Array(count),
    gpu: new Uint8Array(count),
    gpuCount: new Float64Array(count),
    gpuWhole: new Uint8Array(count),
    gpuMemoryGiB: new Float64Array(count),
  };
  const regions = index.regions as string[];
  const models = index.models as string[];
  const regionIds = new Map<string, number>();
  const modelIds = new Map<string, number>();
  offers.forEach((offer, position) => {
    let region = regionIds.get(offer.region);
    if (region === undefined) {
      region = regions.push(offer.region) - 1;
      regionIds.set(offer.region, region);
    }
    index.regionOf[position] = region;
    index.spot[position] = offer.market === 'spot' ? 1 : 0;
    index.unavailable[position] = offer.available === false ? 1 : 0;
    index.vcpus[position] = offer.vcpus;
    index.memoryGiB[position] = offer.memoryGiB;
    index.priced[position] = offer.pricePerHour === null ? 0 : 1;
    index.price[position] = priceOf(offer);
    const gpu = offer.gpu;
    index.modelOf[position] = -1;
    if (offer.rawGpu === null) index.gpu[position] = GPU_NONE;
    else if (gpu === null) index.gpu[position] = GPU_UNMAPPED;
    else {
      index.gpu[position] = GPU_MAPPED;
      let model = modelIds.get(gpu.model);
      if (model === undefined) {
        model = models.push(gpu.model) - 1;
        modelIds.set(gpu.model, model);
      }
      index.modelOf[position] = model;
      index.gpuCount[position] = gpu.count;
      index.gpuWhole[position] = gpu.fraction === undefined ? 1 : 0;
      index.gpuMemoryGiB[position] = gpu.memoryGiB;
    }
  });
  return index;
}
