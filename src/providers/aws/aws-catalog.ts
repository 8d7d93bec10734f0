import {
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypesCommand,
  DescribeSpotPriceHistoryCommand,
  type InstanceTypeInfo,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { type InstanceTypeOffering, materialize, type SpotPrice } from '../../contracts/index.js';
import { type OnDemandPriceTable, onDemandPrice } from './aws-pricing.js';
import { ec2Error } from './ec2-errors.js';
import type { Ec2Clients } from './ec2-clients.js';

const MIB_PER_GIB = 1024;

const instanceTypeInfoSchema = z.object({
  InstanceType: z.string().min(1),
  VCpuInfo: z.object({ DefaultVCpus: z.number().int().positive() }),
  MemoryInfo: z.object({ SizeInMiB: z.number().positive() }),
  GpuInfo: z
    .object({
      Gpus: z.array(z.object({ Name: z.string(), Count: z.number().int().positive(), MemoryInfo: z.object({ SizeInMiB: z.number().positive() }) })).min(1),
    })
    .optional(),
});

type InstanceTypeShape = z.infer<typeof instanceTypeInfoSchema>;

interface RegionCatalog {
  region: string;
  zones: string[];
  types: InstanceTypeShape[];
  spot: SpotPrice[];
}

async function describeInstanceTypes(clients: Ec2Clients, region: string): Promise<InstanceTypeShape[]> {
  const client = clients.of(region);
  const types: InstanceTypeShape[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeInstanceTypesCommand({ MaxResults: 100, NextToken: nextToken })).catch((error: unknown) => {
      throw ec2Error('DescribeInstanceTypes', region, error);
    });
    for (const info of page.InstanceTypes ?? []) types.push(readInstanceType(info));
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return types;
}

function readInstanceType(info: InstanceTypeInfo): InstanceTypeShape {
  return materialize(instanceTypeInfoSchema, info, 'aws', `instance type ${info.InstanceType ?? '(no name)'}`);
}

async function describeZones(clients: Ec2Clients, region: string): Promise<string[]> {
  const answer = await clients
    .of(region)
    .send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }))
    .catch((error: unknown) => {
      throw ec2Error('DescribeAvailabilityZones', region, error);
    });
  return (answer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName === undefined ? [] : [zone.ZoneName]));
}

/** The latest Linux spot price per zone and type: StartTime = now asks for the prices in effect now. */
export async function describeSpotPrices(clients: Ec2Clients, region: string, now: number, instanceType?: string): Promise<SpotPrice[]> {
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
      )
      .catch((error: unknown) => {
        throw ec2Error('DescribeSpotPriceHistory', region, error);
      });
    for (const entry of page.SpotPriceHistory ?? []) {
      const price = Number(entry.SpotPrice);
      if (entry.InstanceType === undefined || entry.Timestamp === undefined || !Number.isFinite(price)) continue;
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

async function regionCatalog(clients: Ec2Clients, region: string, now: number): Promise<RegionCatalog> {
  const [types, zones, spot] = await Promise.all([describeInstanceTypes(clients, region), describeZones(clients, region), describeSpotPrices(clients, region, now)]);
  return { region, types, zones, spot };
}

function gpuOf(shape: InstanceTypeShape): InstanceTypeOffering['gpu'] {
  const gpus = shape.GpuInfo?.Gpus;
  const first = gpus?.[0];
  if (gpus === undefined || first === undefined) return null;
  return { model: first.Name, count: gpus.reduce((sum, gpu) => sum + gpu.Count, 0), memoryGiB: first.MemoryInfo.SizeInMiB / MIB_PER_GIB };
}

/**
 * Every configured region's instance types, joined with the bundled on-demand prices and today's
 * lowest spot price. Zones are the region's available zones: per-zone type offerings are not read yet.
 */
export async function awsOfferings(clients: Ec2Clients, prices: OnDemandPriceTable, now: number): Promise<InstanceTypeOffering[]> {
  const catalogs = await Promise.all(clients.regions.map((region) => regionCatalog(clients, region, now)));
  const byType = new Map<string, { shape: InstanceTypeShape; regions: InstanceTypeOffering['regions']; spot: number[] }>();
  for (const catalog of catalogs) {
    for (const shape of catalog.types) {
      const entry = byType.get(shape.InstanceType) ?? { shape, regions: [], spot: [] };
      entry.regions.push({ region: catalog.region, zones: catalog.zones });
      for (const price of catalog.spot) if (price.instanceType === shape.InstanceType) entry.spot.push(price.pricePerHour);
      byType.set(shape.InstanceType, entry);
    }
  }
  return [...byType.values()].map(({ shape, regions, spot }) => {
    const price = onDemandPrice(
      prices,
      shape.InstanceType,
      regions.map((entry) => entry.region),
    );
    return {
      name: shape.InstanceType,
      vcpus: shape.VCpuInfo.DefaultVCpus,
      memoryGiB: shape.MemoryInfo.SizeInMiB / MIB_PER_GIB,
      gpu: gpuOf(shape),
      regions,
      pricePerHour: price.pricePerHour,
      spotPricePerHour: spot.length === 0 ? null : Math.min(...spot),
      warnings: price.warnings,
    };
  });
}
