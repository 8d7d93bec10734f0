import { idField, type InstanceTypeOffering, materialize, readEach, type SkippedEntryLog, type SpotPrice, type SpotPriceQuery } from '../../contracts/index.js';
import type { RunPodConfig } from './runpod-config.js';
import type { RunPodGraphqlClient } from './runpod-graphql-client.js';
import { dataCenterAlias, GPU_SPOT_PRICES, gpuSpotPricesByDataCenter } from './runpod-graphql-documents.js';
import { instanceTypeName, parseInstanceType } from './runpod-naming.js';
import type { RunPodRestClient } from './runpod-rest-client.js';
import {
  type DataCenterAvailabilityWire,
  DataCenterAvailabilityWireSchema,
  type GpuSpotWire,
  GpuSpotWireSchema,
  gpuSpotByDataCenterWireSchema,
  GpuTypesAnswerWireSchema,
  type GpuTypeWire,
  GpuTypeWireSchema,
  ListGpuTypesWireSchema,
} from './runpod-wire.js';

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** A GPU type as the catalog reads it: the readable type, with the data centers that could be read. */
export interface CatalogGpu {
  readonly gpu: GpuTypeWire;
  readonly dataCenters: readonly DataCenterAvailabilityWire[];
}

/** Why spot is unavailable, when RunPod has refused interruptible rentals as withdrawn. */
export interface SpotWithdrawal {
  readonly since: string;
  readonly message: string;
}

/**
 * The catalog: GPU types, data centers and stock from REST v2 (`/v2/catalog/gpus` with
 * `include=AVAILABILITY&product=POD`), spot bids from GraphQL (`gpuTypes { lowestPrice { minimumBidPrice } }`),
 * because v2 has no spot prices. Every list is read entry by entry: one GPU type, data center or
 * price Hangar cannot read is skipped and named in the log.
 */
export class RunPodCatalog {
  constructor(
    private readonly rest: RunPodRestClient,
    private readonly graphql: RunPodGraphqlClient,
    private readonly config: RunPodConfig,
    private readonly now: () => number,
    private readonly skipped: SkippedEntryLog,
  ) {}

  /** GPU types with per-data-center stock for pods of `count` GPUs in the configured cloud. */
  async gpus(count: number, signal?: AbortSignal): Promise<CatalogGpu[]> {
    const answer = await this.rest.call(
      {
        operation: 'listGpuTypes',
        method: 'GET',
        path: '/v2/catalog/gpus',
        query: { include: 'AVAILABILITY', product: 'POD', cloud: this.config.cloud, ...(count > 1 && { count: String(count) }) },
      },
      ListGpuTypesWireSchema,
      signal,
    );
    return readEach(GpuTypeWireSchema, answer.gpus, { kind: 'instance-type', log: this.skipped, idOf: idField('id') }).map((gpu) => ({
      gpu,
      dataCenters: readEach(DataCenterAvailabilityWireSchema, gpu.dataCenters ?? [], { kind: 'data-center', log: this.skipped, idOf: idField('id') }),
    }));
  }

  /**
   * The spot figures of every GPU type (or one), for pods of `count` GPUs: the cheapest minimum bid
   * anywhere, or, with `dataCenterId`, the minimum bid of that data center.
   */
  async spotQuotes(gpuTypeId: string | undefined, count: number, dataCenterId?: string, signal?: AbortSignal): Promise<GpuSpotWire[]> {
    const entries = await this.askSpot(gpuTypeId, count, dataCenterId, signal);
    return readEach(GpuSpotWireSchema, entries, { kind: 'price', log: this.skipped, idOf: idField('id') });
  }

  /**
   * The spot figures of one GPU type in one data center (what a rental pinned there must bid), or
   * null when RunPod does not know the type. An entry for it that Hangar cannot read fails loudly:
   * a bid must not be guessed.
   */
  async spotQuote(gpuTypeId: string, count: number, dataCenterId: string, signal?: AbortSignal): Promise<GpuSpotWire | null> {
    const entries = await this.askSpot(gpuTypeId, count, dataCenterId, signal);
    const entry = entries.find((raw) => idField('id')(raw) === gpuTypeId);
    return entry === undefined ? null : materialize(GpuSpotWireSchema, entry, 'runpod', `the spot price of ${gpuTypeId} in ${dataCenterId}`);
  }

  private async askSpot(gpuTypeId: string | undefined, count: number, dataCenterId: string | undefined, signal: AbortSignal | undefined): Promise<unknown[]> {
    const answer = await this.graphql.request(
      'gpuTypes',
      GPU_SPOT_PRICES,
      {
        input: gpuTypeId === undefined ? null : { id: gpuTypeId },
        price: { gpuCount: count, secureCloud: this.config.cloud === 'SECURE', ...(dataCenterId !== undefined && { dataCenterId }) },
      },
      GpuTypesAnswerWireSchema,
      signal,
    );
    return answer.gpuTypes ?? [];
  }

  /** The lowest bid per GPU that places an interruptible pod now, or null when RunPod names none. */
  spotPricePerGpu(quote: GpuSpotWire): number | null {
    return quote.lowestPrice?.minimumBidPrice ?? (this.config.cloud === 'SECURE' ? quote.secureSpotPrice : quote.communitySpotPrice) ?? null;
  }

  async offerings(withdrawal: SpotWithdrawal | null, signal?: AbortSignal): Promise<InstanceTypeOffering[]> {
    const counts = this.config.gpuCounts;
    const [perCount, spot] = await Promise.all([
      Promise.all(counts.map(async (count) => ({ count, gpus: await this.gpus(count, signal) }))),
      withdrawal !== null
        ? { quotes: [] as GpuSpotWire[], error: null }
        : this.spotQuotes(undefined, 1, undefined, signal).then(
            (quotes) => ({ quotes, error: null }),
            (error: unknown) => {
              // A caller who gave up is not told that spot prices are unavailable.
              if (signal?.aborted === true) throw error;
              return { quotes: [] as GpuSpotWire[], error: error instanceof Error ? error.message : String(error) };
            },
          ),
    ]);
    const spotById = new Map(spot.quotes.map((quote) => [quote.id, quote]));
    const publicIpWarning = this.publicIpWarning();
    return perCount.flatMap(({ count, gpus }) =>
      gpus.flatMap(({ gpu, dataCenters }): InstanceTypeOffering[] => {
        if (dataCenters.length === 0) return [];
        const listPrice = this.config.cloud === 'SECURE' ? gpu.price.secure : gpu.price.community;
        const quote = spotById.get(gpu.id);
        const spotPerGpu = quote === undefined ? null : this.spotPricePerGpu(quote);
        const warnings = [
          "vcpus and memoryGiB are floors (1 per GPU): RunPod's catalog does not report a GPU pod's vCPUs or RAM, which depend on the machine it lands on",
          `stock now (a hint, not a reservation): ${dataCenters.map((dc) => `${dc.id} ${dc.availability}`).join(', ')}`,
        ];
        if (listPrice <= 0) warnings.push(`RunPod lists no ${this.config.cloud} price for ${gpu.id}`);
        if (withdrawal !== null) {
          warnings.push(`spot withdrawn since ${withdrawal.since}: ${withdrawal.message}`);
        } else if (spotPerGpu === null) {
          warnings.push(spot.error === null ? `RunPod quotes no spot bid for ${gpu.id}` : `spot prices unavailable: ${spot.error}`);
        } else {
          warnings.push("spotPricePerHour is the lowest minimum bid anywhere: RunPod's minimum bid differs by data center (getSpotPrices answers per data center)");
        }
        if (publicIpWarning !== null) warnings.push(publicIpWarning);
        return [
          {
            name: instanceTypeName(gpu.id, count),
            vcpus: count,
            memoryGiB: count,
            gpu: { model: gpu.name, count, memoryGiB: gpu.memory },
            // Stock is RunPod's live word on capacity: NONE says none now (placement tries it last), any other level says some.
            regions: dataCenters.map((dc) => ({ region: dc.id, zones: [], available: dc.availability !== 'NONE' })),
            pricePerHour: listPrice > 0 ? round(listPrice * count) : null,
            spotPricePerHour: withdrawal !== null || spotPerGpu === null ? null : round(spotPerGpu * count),
            warnings,
          },
        ];
      }),
    );
  }

  /** Community Cloud with TCP ports: REST v2 cannot ask for a public IP (only GraphQL's `supportPublicIp` can). */
  private publicIpWarning(): string | null {
    if (this.config.cloud !== 'COMMUNITY' || !this.config.ports.some((port) => port.endsWith('/tcp'))) return null;
    return 'COMMUNITY cloud: an on-demand pod may get no public IP, so its TCP ports may not be reachable (REST v2 has no supportPublicIp); spot pods ask for one';
  }

  /** The minimum bid per GPU type and data center: one GraphQL request per GPU count, one aliased `lowestPrice` per data center. */
  async spotPrices(query: SpotPriceQuery | undefined, signal?: AbortSignal): Promise<SpotPrice[]> {
    const observedAt = new Date(this.now()).toISOString();
    const wanted = query?.instanceType === undefined ? null : parseInstanceType(query.instanceType);
    const counts = wanted === null ? this.config.gpuCounts : this.config.gpuCounts.filter((count) => count === wanted.count);
    const perCount = await Promise.all(
      counts.map(async (count) => {
        const gpus = (await this.gpus(count, signal)).filter(({ gpu }) => wanted === null || gpu.id === wanted.gpuTypeId);
        const places = [...new Set(gpus.flatMap(({ dataCenters }) => dataCenters.map((dc) => dc.id)))].filter(
          (dc) => query?.region === undefined || dc === query.region,
        );
        if (places.length === 0) return [];
        const aliases = places.map((_, index) => dataCenterAlias(index));
        const variables: Record<string, unknown> = { input: wanted === null ? null : { id: wanted.gpuTypeId } };
        places.forEach((dc, index) => {
          variables[dataCenterAlias(index)] = { gpuCount: count, secureCloud: this.config.cloud === 'SECURE', dataCenterId: dc };
        });
        const answer = await this.graphql.request('gpuTypes', gpuSpotPricesByDataCenter(places.length), variables, GpuTypesAnswerWireSchema, signal);
        const quotes = readEach(gpuSpotByDataCenterWireSchema(aliases), answer.gpuTypes ?? [], { kind: 'price', log: this.skipped, idOf: idField('id') });
        const quoteById = new Map(quotes.map((quote) => [quote.id, quote]));
        return gpus.flatMap(({ gpu, dataCenters }) =>
          dataCenters.flatMap((dc): SpotPrice[] => {
            const index = places.indexOf(dc.id);
            const perGpu = index < 0 ? null : (quoteById.get(gpu.id)?.byAlias[dataCenterAlias(index)]?.minimumBidPrice ?? null);
            if (perGpu === null) return [];
            return [{ instanceType: instanceTypeName(gpu.id, count), region: dc.id, zone: null, pricePerHour: round(perGpu * count), observedAt }];
          }),
        );
      }),
    );
    return perCount.flat();
  }
}
