/**
 * Every GraphQL document Hangar sends to RunPod, in one place so that the tests validate each one
 * against RunPod's own schema (vendor-specs/runpod/pulumi-runpod-schema.graphql and the extracted
 * schema beside it). Hangar uses GraphQL only for what REST v2 lacks: spot bids and their prices.
 */

/** Rents an interruptible (spot) pod at a bid per GPU (`PodRentInterruptableInput`). */
export const RENT_INTERRUPTABLE = /* GraphQL */ `
  mutation HangarRentInterruptable($input: PodRentInterruptableInput!) {
    podRentInterruptable(input: $input) { id desiredStatus }
  }
`;

/**
 * The spot figures of every GPU type (or one). `$price` is a `GpuLowestPriceInput` (`gpuCount` is
 * required): without `dataCenterId` RunPod answers the cheapest minimum bid anywhere, with it the
 * minimum bid of that data center, which is what a rental pinned to that data center must reach.
 */
export const GPU_SPOT_PRICES = /* GraphQL */ `
  query HangarGpuSpotPrices($input: GpuTypeFilter, $price: GpuLowestPriceInput) {
    gpuTypes(input: $input) {
      id
      secureSpotPrice
      communitySpotPrice
      lowestPrice(input: $price) { minimumBidPrice uninterruptablePrice }
    }
  }
`;

/** The alias of the n-th data center in `gpuSpotPricesByDataCenter`. */
export const dataCenterAlias = (index: number): string => `dc${index}`;

/**
 * The minimum bid of every GPU type (or one) in each of `count` data centers, in one request: one
 * aliased `lowestPrice` per data center (`dc0: lowestPrice(input: $dc0)`, each `$dcN` a
 * `GpuLowestPriceInput` naming its `dataCenterId`).
 */
export function gpuSpotPricesByDataCenter(count: number): string {
  const aliases = Array.from({ length: count }, (_, index) => dataCenterAlias(index));
  return /* GraphQL */ `
  query HangarGpuSpotPricesByDataCenter($input: GpuTypeFilter${aliases.map((alias) => `, $${alias}: GpuLowestPriceInput`).join('')}) {
    gpuTypes(input: $input) {
      id
      ${aliases.map((alias) => `${alias}: lowestPrice(input: $${alias}) { minimumBidPrice uninterruptablePrice }`).join('\n      ')}
    }
  }
`;
}

/** Each document as sent (the per-data-center one for three data centers), for the schema tests. */
export const RUNPOD_GRAPHQL_DOCUMENTS: Readonly<Record<string, string>> = {
  RENT_INTERRUPTABLE,
  GPU_SPOT_PRICES,
  GPU_SPOT_PRICES_BY_DATA_CENTER: gpuSpotPricesByDataCenter(3),
};
