import {
  DescribeAvailabilityZonesCommand,
  DescribeInstanceTypesCommand,
  DescribeSpotPriceHistoryCommand,
  paginateDescribeInstanceTypes,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ec2TestBed, UNKNOWN_INSTANCE_TYPE, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

let bed: Ec2TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

describe('EC2 emulator: catalog operations', () => {
  it('lists the zones of the signing region', async () => {
    bed = await startEc2TestBed();
    const zones = await bed.client.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State, z.RegionName])).toEqual([
      ['us-east-1a', 'use1-az1', 'available', 'us-east-1'],
      ['us-east-1b', 'use1-az2', 'available', 'us-east-1'],
      ['us-east-1c', 'use1-az4', 'available', 'us-east-1'],
    ]);
    const one = await bed.client.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['use1-az2'] }] }));
    expect(one.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-east-1b']);
    const unknown = await rejectionOf(bed.client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })));
    expect(unknown.name).toBe('InvalidParameterValue');
    const dryRun = await rejectionOf(bed.client.send(new DescribeAvailabilityZonesCommand({ DryRun: true })));
    expect(dryRun.name).toBe('DryRunOperation');
  });

  it('serves another configured region to a client signing for it', async () => {
    bed = await startEc2TestBed({}, 'us-west-2');
    const zones = await bed.client.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-west-2a', 'us-west-2b']);
  });

  it('describes instance types with GPU info, and pages them', async () => {
    bed = await startEc2TestBed();
    const result = await bed.client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['p5.48xlarge', 't3.micro'] }));
    const byType = new Map(result.InstanceTypes?.map((info) => [info.InstanceType, info]));
    const p5 = byType.get('p5.48xlarge');
    expect(p5?.VCpuInfo?.DefaultVCpus).toBe(192);
    expect(p5?.GpuInfo).toEqual({
      Gpus: [{ Name: 'H100', Manufacturer: 'NVIDIA', Count: 8, MemoryInfo: { SizeInMiB: 81920 } }],
      TotalGpuMemoryInMiB: 655360,
    });
    expect(p5?.SupportedUsageClasses).toEqual(['on-demand', 'spot', 'capacity-block']);
    expect(p5?.ProcessorInfo?.SupportedArchitectures).toEqual(['x86_64']);
    expect(byType.get('t3.micro')?.GpuInfo).toBeUndefined();
    expect(byType.get('t3.micro')?.MemoryInfo?.SizeInMiB).toBe(1024);

    const all: string[] = [];
    for await (const page of paginateDescribeInstanceTypes({ client: bed.client, pageSize: 5 }, {})) {
      all.push(...(page.InstanceTypes ?? []).map((info) => info.InstanceType ?? ''));
    }
    expect(all).toEqual([
      't3.micro',
      'm5.large',
      'g5.xlarge',
      'g6.xlarge',
      'p4d.24xlarge',
      'p5.48xlarge',
      'g6f.large',
      'g6f.2xlarge',
      'gr6f.4xlarge',
      'g4ad.xlarge',
      'dl1.24xlarge',
      'inf2.xlarge',
      'm5.metal',
      'g6e.xlarge',
      'p4de.24xlarge',
    ]);
    const unknown = await rejectionOf(bed.client.send(new DescribeInstanceTypesCommand({ InstanceTypes: [UNKNOWN_INSTANCE_TYPE] })));
    expect(unknown.name).toBe('InvalidParameterValue');
  });

  it('answers seeded, deterministic spot price history', async () => {
    bed = await startEc2TestBed({ seed: 3 });
    const now = bed.clock;
    const query = new DescribeSpotPriceHistoryCommand({
      InstanceTypes: ['g5.xlarge'],
      AvailabilityZone: 'us-east-1a',
      StartTime: new Date(now - 3 * 60 * 60 * 1000),
      EndTime: new Date(now),
    });
    const first = await bed.client.send(query);
    const history = first.SpotPriceHistory ?? [];
    expect(history).toHaveLength(4);
    expect(history.map((p) => p.Timestamp?.getTime())).toEqual([0, 1, 2, 3].map((h) => Date.UTC(2025, 0, 1, 12 - h)));
    for (const point of history) {
      expect(point).toMatchObject({ InstanceType: 'g5.xlarge', AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1', ProductDescription: 'Linux/UNIX' });
      const price = Number(point.SpotPrice);
      expect(price).toBeGreaterThan(1.006 * 0.3);
      expect(price).toBeLessThan(1.006 * 0.7);
    }
    await bed.close();
    bed = await startEc2TestBed({ seed: 3 });
    expect((await bed.client.send(query)).SpotPriceHistory).toEqual(history);

    const current = await bed.client.send(new DescribeSpotPriceHistoryCommand({ Filters: [{ Name: 'instance-type', Values: ['p5.48xlarge'] }] }));
    expect(current.SpotPriceHistory?.map((p) => p.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    const windows = await bed.client.send(new DescribeSpotPriceHistoryCommand({ ProductDescriptions: ['Windows'] }));
    expect(windows.SpotPriceHistory).toEqual([]);
  });
});
