import {
  DescribeAvailabilityZonesCommand,
  DescribeSpotPriceHistoryCommand,
  paginateDescribeInstanceTypeOfferings,
  paginateDescribeInstanceTypes,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { idField, type InstanceTypeOffering, isProviderError, readEach, type SkippedEntryLog, type SpotPrice } from '../../contracts/index.js';
import { type OnDemandPriceTable, onDemandPrice } from './aws-pricing.js';
import { ec2Error } from './ec2-errors.js';
import { type Ec2Clients, pagesUntilAborted, sendOptions } from './ec2-clients.js';

const MIB_PER_GIB = 1024;

/**
 * One GPU entry as the real catalog writes it. Fractional GPUs (g6f, gr6f) answer `Count: 0` with
 * `GpuPartitionSize` (0.125, 0.25, 0.5) and `LogicalGpuCount: 1`; AWS confirms that shape as
 * intended (aws-cli issue 9659), so Count 0 is not an error here.
 */
const gpuDeviceSchema = z.object({
  Name: z.string().min(1),
  Manufacturer: z.string().optional(),
  Count: z.number().int().nonnegative(),
  LogicalGpuCount: z.number().int().positive().optional(),
  GpuPartitionSize: z.number().positive().max(1).optional(),
  MemoryInfo: z.object({ SizeInMiB: z.number().positive() }),
});

const instanceTypeInfoSchema = z.object({
  InstanceType: z.string().min(1),
  VCpuInfo: z.object({ DefaultVCpus: z.number().int().positive() }),
  MemoryInfo: z.object({ SizeInMiB: z.number().positive() }),
  GpuInfo: z.object({ Gpus: z.array(gpuDeviceSchema).min(1) }).optional(),
});

type InstanceTypeShape = z.infer<typeof instanceTypeInfoSchema>;
type GpuDevice = z.infer<typeof gpuDeviceSchema>;

interface RegionCatalog {
  region: string;
  zones: string[];
  types: InstanceTypeShape[];
  /** Zones per type (DescribeInstanceTypeOfferings); null when EC2 would not say (then every zone, with a warning). */
  zonesByType: ReadonlyMap<string, string[]> | null;
  spot: SpotPrice[];
}

/** Every instance type of a region; one entry Hangar cannot read is skipped and logged, never fatal. */
async function describeInstanceTypes(clients: Ec2Clients, region: string, log: SkippedEntryLog | undefined, signal: AbortSignal | undefined): Promise<InstanceTypeShape[]> {
  const types: InstanceTypeShape[] = [];
  try {
    const pages = paginateDescribeInstanceTypes({ client: clients.of(region), pageSize: 100, ...pagesUntilAborted(signal) }, {}, sendOptions(signal));
    for await (const page of pages) {
      types.push(...readEach(instanceTypeInfoSchema, page.InstanceTypes ?? [], { kind: 'instance-type', log, idOf: idField('InstanceType') }));
    }
  } catch (error) {
    throw ec2Error('DescribeInstanceTypes', region, error);
  }
  return types;
}

/**
 * The zones that offer each type: real regions do not offer every type in every zone (p4de in two
 * of six us-east-1 zones), and a launch in a zone that does not is `Unsupported`. A credential that
 * may not call DescribeInstanceTypeOfferings (an older IAM policy) leaves the zones unknown rather
 * than failing the catalog.
 */
async function describeZonesByType(clients: Ec2Clients, region: string, signal: AbortSignal | undefined): Promise<Map<string, string[]> | null> {
  const zonesByType = new Map<string, string[]>();
  try {
    const paginator = paginateDescribeInstanceTypeOfferings(
      { client: clients.of(region), pageSize: 1000, ...pagesUntilAborted(signal) },
      { LocationType: 'availability-zone' },
      sendOptions(signal),
    );
    for await (const page of paginator) {
      for (const offering of page.InstanceTypeOfferings ?? []) {
        if (offering.InstanceType === undefined || offering.Location === undefined) continue;
        const zones = zonesByType.get(offering.InstanceType) ?? [];
        zones.push(offering.Location);
        zonesByType.set(offering.InstanceType, zones);
      }
    }
  } catch (error) {
    const mapped = ec2Error('DescribeInstanceTypeOfferings', region, error);
    if (isProviderError(mapped) && mapped.code === 'AUTH_ERROR') return null;
    throw mapped;
  }
  return zonesByType;
}

async function describeZones(clients: Ec2Clients, region: string, signal: AbortSignal | undefined): Promise<string[]> {
  const answer = await clients
    .of(region)
    .send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }), sendOptions(signal))
    .catch((error: unknown) => {
      throw ec2Error('DescribeAvailabilityZones', region, error);
    });
  return (answer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName === undefined ? [] : [zone.ZoneName]));
}

/** The latest Linux spot price per zone and type: StartTime = now asks for the prices in effect now. */
export async function describeSpotPrices(
  clients: Ec2Clients,
  region: string,
  now: number,
  instanceType?: string,
  log?: SkippedEntryLog,
  signal?: AbortSignal,
): Promise<SpotPrice[]> {
  const client = clients.of(region);
  const latest = new Map<string, SpotPrice>();
  let nextToken: string | undefined;
  do {
    const page = await client
      .send(
        new DescribeSpotPriceHistoryCommand({
          StartTime: new Date(now),
          ProductDescriptions: ['Linux/UNIX'],
          ...(instanceType !== undefined && { InstanceTypes: [instanceType as _InstanceType] }),
          MaxResults: 1000,
          NextToken: nextToken,
        }),
        sendOptions(signal),
      )
      .catch((error: unknown) => {
        throw ec2Error('DescribeSpotPriceHistory', region, error);
      });
    for (const entry of page.SpotPriceHistory ?? []) {
      const price = Number(entry.SpotPrice);
      if (entry.InstanceType === undefined || entry.Timestamp === undefined || !Number.isFinite(price)) {
        log?.record('spot-price', `${entry.InstanceType ?? '(no type)'} in ${entry.AvailabilityZone ?? region}`, `unreadable spot price entry (SpotPrice ${JSON.stringify(entry.SpotPrice ?? null)})`);
        continue;
      }
      const key = `${entry.InstanceType}|${entry.AvailabilityZone ?? ''}`;
      const observedAt = entry.Timestamp.toISOString();
      const seen = latest.get(key);
      if (seen === undefined || seen.observedAt < observedAt) {
        latest.set(key, { instanceType: entry.InstanceType, region, zone: entry.AvailabilityZone ?? null, pricePerHour: price, observedAt });
      }
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return [...latest.values()];
}

async function regionCatalog(clients: Ec2Clients, region: string, now: number, log: SkippedEntryLog | undefined, signal: AbortSignal | undefined): Promise<RegionCatalog> {
  const [types, zones, zonesByType, spot] = await Promise.all([
    describeInstanceTypes(clients, region, log, signal),
    describeZones(clients, region, signal),
    describeZonesByType(clients, region, signal),
    describeSpotPrices(clients, region, now, undefined, log, signal),
  ]);
  return { region, types, zones, zonesByType, spot };
}

/** How many GPUs one catalog entry gives the machine, and which share of each. */
function devicesOf(gpu: GpuDevice): { count: number; fraction?: number } {
  const fraction = gpu.GpuPartitionSize !== undefined && gpu.GpuPartitionSize < 1 ? gpu.GpuPartitionSize : undefined;
  if (fraction !== undefined || gpu.Count === 0) return { count: gpu.LogicalGpuCount ?? 1, ...(fraction !== undefined && { fraction }) };
  return { count: gpu.Count };
}

/** The offering's GPU: the most numerous model when the entry lists several (each named in a warning). */
function gpuOf(shape: InstanceTypeShape): { gpu: InstanceTypeOffering['gpu']; warnings: string[] } {
  const gpus = shape.GpuInfo?.Gpus ?? [];
  const shares = gpus.map((gpu) => ({ gpu, ...devicesOf(gpu) }));
  const main = shares.reduce<(typeof shares)[number] | undefined>((best, share) => (best === undefined || share.count > best.count ? share : best), undefined);
  if (main === undefined) return { gpu: null, warnings: [] };
  const sameModel = shares.filter((share) => share.gpu.Name === main.gpu.Name);
  const gpu = {
    model: main.gpu.Name,
    count: sameModel.reduce((sum, share) => sum + share.count, 0),
    memoryGiB: main.gpu.MemoryInfo.SizeInMiB / MIB_PER_GIB,
    ...(main.fraction !== undefined && { fraction: main.fraction }),
  };
  const others = shares.filter((share) => share.gpu.Name !== main.gpu.Name);
  const warnings = others.length === 0 ? [] : [`also carries ${others.map((share) => `${share.count} × ${share.gpu.Name}`).join(', ')}; gpu shows the ${main.gpu.Name}`];
  return { gpu, warnings };
}

/** The available zones of the region that offer the type, in the region's zone order. */
function zonesOffering(catalog: RegionCatalog, instanceType: string): string[] {
  if (catalog.zonesByType === null) return catalog.zones;
  const offered = catalog.zonesByType.get(instanceType) ?? [];
  return catalog.zones.filter((zone) => offered.includes(zone));
}

/**
 * Every configured region's instance types, joined with the bundled on-demand prices and today's
 * lowest spot price. Each type lists the available zones that offer it (DescribeInstanceTypeOfferings).
 * A catalog entry Hangar cannot read is skipped and recorded in `log`, never fatal. `signal` stops
 * every request (and page) the catalog is still making.
 */
export async function awsOfferings(
  clients: Ec2Clients,
  prices: OnDemandPriceTable,
  now: number,
  log?: SkippedEntryLog,
  signal?: AbortSignal,
): Promise<InstanceTypeOffering[]> {
  const catalogs = await Promise.all(clients.regions.map((region) => regionCatalog(clients, region, now, log, signal)));
  const byType = new Map<string, { shape: InstanceTypeShape; regions: InstanceTypeOffering['regions']; spot: number[]; zonesUnknownIn: string[] }>();
  for (const catalog of catalogs) {
    for (const shape of catalog.types) {
      const entry = byType.get(shape.InstanceType) ?? { shape, regions: [], spot: [], zonesUnknownIn: [] };
      const zones = zonesOffering(catalog, shape.InstanceType);
      // A region none of whose available zones offers the type does not offer it.
      if (zones.length > 0 || catalog.zonesByType === null) entry.regions.push({ region: catalog.region, zones });
      if (catalog.zonesByType === null) entry.zonesUnknownIn.push(catalog.region);
      for (const price of catalog.spot) if (price.instanceType === shape.InstanceType) entry.spot.push(price.pricePerHour);
      byType.set(shape.InstanceType, entry);
    }
  }
  return [...byType.values()].map(({ shape, regions, spot, zonesUnknownIn }) => {
    const price = onDemandPrice(
      prices,
      shape.InstanceType,
      regions.map((entry) => entry.region),
    );
    const { gpu, warnings: gpuWarnings } = gpuOf(shape);
    const zoneWarnings =
      zonesUnknownIn.length === 0
        ? []
        : [`zones per type unknown in ${zonesUnknownIn.join(', ')} (ec2:DescribeInstanceTypeOfferings not allowed): every available zone listed`];
    return {
      name: shape.InstanceType,
      vcpus: shape.VCpuInfo.DefaultVCpus,
      memoryGiB: shape.MemoryInfo.SizeInMiB / MIB_PER_GIB,
      gpu,
      regions,
      pricePerHour: price.pricePerHour,
      spotPricePerHour: spot.length === 0 ? null : Math.min(...spot),
      warnings: [...price.warnings, ...gpuWarnings, ...zoneWarnings],
    };
  });
}
