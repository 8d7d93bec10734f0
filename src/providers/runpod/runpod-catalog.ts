import type { InstanceTypeOffering, SpotPrice, SpotPriceQuery } from '../../contracts/index.js';
import type { RunPodConfig } from './runpod-config.js';
import type { RunPodGraphqlClient } from './runpod-graphql-client.js';
import { instanceTypeName } from './runpod-naming.js';
import type { RunPodRestClient } from './runpod-rest-client.js';
import { type GpuSpotWire, GpuSpotWireSchema, type GpuTypeWire, ListGpuTypesWireSchema } from './runpod-wire.js';

const SPOT_QUERY = /* GraphQL */ `
  query HangarGpuSpotPrices($input: GpuTypeFilter, $price: GpuLowestPriceInput) {
    gpuTypes(input: $input) {
      id
      secureSpotPrice
      communitySpotPrice
      lowestPrice(input: $price) { minimumBidPrice uninterruptablePrice }
    }
  }
`;

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/**
 * The catalog: GPU types, data centers and stock from REST v2 (`/v2/catalog/gpus` with
 * `include=AVAILABILITY&product=POD`), spot bids from GraphQL (`gpuTypes { lowestPrice { minimumBidPrice } }`),
 * because v2 has no spot prices.
 */
export class RunPodCatalog {
  constructor(
    private readonly rest: RunPodRestClient,
    private readonly graphql: RunPodGraphqlClient,
    private readonly config: RunPodConfig,
    private readonly now: () => number,
  ) {}

  /** GPU types with per-data-center stock for pods of `count` GPUs in the configured cloud. */
  async gpus(count: number): Promise<GpuTypeWire[]> {
    const answer = await this.rest.call(
      {
        operation: 'listGpuTypes',
        method: 'GET',
        path: '/v2/catalog/gpus',
        query: { include: 'AVAILABILITY', product: 'POD', cloud: this.config.cloud, ...(count > 1 && { count: String(count) }) },
      },
      ListGpuTypesWireSchema,
    );
    return answer.gpus;
  }

  /** The spot figures of every GPU type (or one), for pods of `count` GPUs. */
  async spotQuotes(gpuTypeId: string | undefined, count: number): Promise<GpuSpotWire[]> {
    const answer = await this.graphql.request(
      'gpuTypes',
      SPOT_QUERY,
      { input: gpuTypeId === undefined ? null : { id: gpuTypeId }, price: { gpuCount: count, secureCloud: this.config.cloud === 'SECURE' } },
      GpuSpotWireSchema,
    );
    return answer.gpuTypes;
  }

  /** The lowest bid per GPU that places an interruptible pod now, or null when RunPod names none. */
  spotPricePerGpu(quote: GpuSpotWire): number | null {
    return quote.lowestPrice?.minimumBidPrice ?? (this.config.cloud === 'SECURE' ? quote.secureSpotPrice : quote.communitySpotPrice) ?? null;
  }

  async offerings(): Promise<InstanceTypeOffering[]> {
    const counts = this.config.gpuCounts;
    const [perCount, spot] = await Promise.all([
      Promise.all(counts.map(async (count) => ({ count, gpus: await this.gpus(count) }))),
      this.spotQuotes(undefined, 1).then(
        (quotes) => ({ quotes, error: null }),
        (error: unknown) => ({ quotes: [] as GpuSpotWire[], error: error instanceof Error ? error.message : String(error) }),
      ),
    ]);
    const spotById = new Map(spot.quotes.map((quote) => [quote.id, quote]));
    return perCount.flatMap(({ count, gpus }) =>
      gpus.flatMap((gpu): InstanceTypeOffering[] => {
        const dataCenters = gpu.dataCenters ?? [];
        if (dataCenters.length === 0) return [];
        const listPrice = this.config.cloud === 'SECURE' ? gpu.price.secure : gpu.price.community;
        const quote = spotById.get(gpu.id);
        const spotPerGpu = quote === undefined ? null : this.spotPricePerGpu(quote);
        const warnings = [
          "vcpus and memoryGiB are floors (1 per GPU): RunPod's catalog does not report a GPU pod's vCPUs or RAM, which depend on the machine it lands on",
          `stock now (a hint, not a reservation): ${dataCenters.map((dc) => `${dc.id} ${dc.availability}`).join(', ')}`,
        ];
        if (listPrice <= 0) warnings.push(`RunPod lists no ${this.config.cloud} price for ${gpu.id}`);
        if (spotPerGpu === null) warnings.push(spot.error === null ? `RunPod quotes no spot bid for ${gpu.id}` : `spot prices unavailable: ${spot.error}`);
        return [
          {
            name: instanceTypeName(gpu.id, count),
            vcpus: count,
            memoryGiB: count,
            gpu: { model: gpu.name, count, memoryGiB: gpu.memory },
            regions: dataCenters.map((dc) => ({ region: dc.id, zones: [] })),
            pricePerHour: listPrice > 0 ? round(listPrice * count) : null,
            spotPricePerHour: spotPerGpu === null ? null : round(spotPerGpu * count),
            warnings,
          },
        ];
      }),
    );
  }

  /** One price per data center offering the type: RunPod's minimum bid is per GPU type, not per place. */
  async spotPrices(query: SpotPriceQuery | undefined): Promise<SpotPrice[]> {
    const observedAt = new Date(this.now()).toISOString();
    const perCount = await Promise.all(
      this.config.gpuCounts.map(async (count) => {
        const [gpus, quotes] = await Promise.all([this.gpus(count), this.spotQuotes(undefined, count)]);
        const quoteById = new Map(quotes.map((quote) => [quote.id, quote]));
        return gpus.flatMap((gpu) => {
          const quote = quoteById.get(gpu.id);
          const perGpu = quote === undefined ? null : this.spotPricePerGpu(quote);
          if (perGpu === null) return [];
          return (gpu.dataCenters ?? []).map((dc) => ({
            instanceType: instanceTypeName(gpu.id, count),
            region: dc.id,
            zone: null,
            pricePerHour: round(perGpu * count),
            observedAt,
          }));
        });
      }),
    );
    return perCount
      .flat()
      .filter((price) => (query?.instanceType === undefined || price.instanceType === query.instanceType) && (query?.region === undefined || price.region === query.region));
  }
}
