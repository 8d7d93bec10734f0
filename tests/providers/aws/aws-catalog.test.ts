import { describe, expect, it } from 'vitest';
import { VendorResponseError } from '../../../src/contracts/index.js';
import { MultiAzProbeInputSchema } from '../../../src/providers/aws/multi-az-probe.js';
import { SpotFleetInputSchema } from '../../../src/providers/aws/spot-fleet.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startAwsTestBed } from './aws-test-bed.js';
import { ec2ClientOf, tamperWithAnswer } from './ec2-answer-tamper.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

const open = useTestBed(startAwsTestBed);

describe('the AWS catalog against the real catalog’s shapes', () => {
  it('models fractional GPUs (Count 0 with GpuPartitionSize) as one GPU with a fraction', async () => {
    const { registration } = await open();
    const offerings = await registration.provider.instanceTypes();
    const byName = new Map(offerings.map((offering) => [offering.name, offering]));
    expect(byName.get('g6f.large')?.gpu).toEqual({ model: 'L4', count: 1, fraction: 0.125, memoryGiB: 2861 / 1024 });
    expect(byName.get('g6f.2xlarge')?.gpu).toMatchObject({ model: 'L4', count: 1, fraction: 0.25 });
    expect(byName.get('gr6f.4xlarge')?.gpu).toMatchObject({ model: 'L4', count: 1, fraction: 0.5, memoryGiB: 11444 / 1024 });
    // Whole GPUs carry no fraction.
    expect(byName.get('g5.xlarge')?.gpu).toEqual({ model: 'A10G', count: 1, memoryGiB: 24 });
  });

  it('reads GPUs of other makers, accelerators without GpuInfo and bare metal', async () => {
    const { registration } = await open();
    const byName = new Map((await registration.provider.instanceTypes()).map((offering) => [offering.name, offering]));
    expect(byName.get('g4ad.xlarge')?.gpu).toEqual({ model: 'Radeon Pro V520', count: 1, memoryGiB: 8 });
    expect(byName.get('dl1.24xlarge')?.gpu).toEqual({ model: 'Gaudi HL-205', count: 8, memoryGiB: 32 });
    expect(byName.get('inf2.xlarge')).toMatchObject({ vcpus: 4, memoryGiB: 16, gpu: null });
    expect(byName.get('m5.metal')).toMatchObject({ vcpus: 96, memoryGiB: 384, gpu: null });
  });

  it('lists for each type only the zones that offer it (DescribeInstanceTypeOfferings)', async () => {
    const { registration } = await open();
    const byName = new Map((await registration.provider.instanceTypes()).map((offering) => [offering.name, offering]));
    expect(byName.get('p4de.24xlarge')?.regions).toEqual([
      { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1c'] },
      { region: 'us-west-2', zones: ['us-west-2a'] },
    ]);
    expect(byName.get('dl1.24xlarge')?.regions).toEqual([
      { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'] },
      { region: 'us-west-2', zones: ['us-west-2a', 'us-west-2b'] },
    ]);
  });

  it('keeps every zone, with a warning, when the credentials may not read type offerings', async () => {
    const { registration } = await open({ deniedActions: ['DescribeInstanceTypeOfferings'] });
    const p4de = (await registration.provider.instanceTypes()).find((offering) => offering.name === 'p4de.24xlarge');
    expect(p4de?.regions[0]).toEqual({ region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
    expect(p4de?.warnings).toContainEqual(expect.stringContaining('ec2:DescribeInstanceTypeOfferings not allowed'));
  });

  it('spawns a fractional-GPU type', async () => {
    const { registration } = await open();
    const instance = await registration.provider.spawn(spawnOptions({ instanceType: 'g6f.large' }));
    expect(instance).toMatchObject({ instanceType: 'g6f.large', status: 'pending' });
  });

  it('runs the multi-AZ probe and the spot fleet on a fractional-GPU type', async () => {
    const bed = await open();
    const probe = bed.registration.workflows?.['multi-az-probe'];
    const probed = (await probe?.run(
      MultiAzProbeInputSchema.parse({
        instanceType: 'g6f.large',
        region: 'us-east-1',
        name: 'probe-g6f',
        idempotencyToken: 'probe-g6f',
        ownership: { owner: 'hangar-test', instanceId: 'inst_probe_g6f' },
      }),
    )) as { instance: { instanceType: string } | null };
    expect(probed.instance?.instanceType).toBe('g6f.large');
    const fleet = bed.registration.workflows?.['spot-fleet'];
    const fleetResult = (await fleet?.run(
      SpotFleetInputSchema.parse({
        region: 'us-east-1',
        instanceTypes: ['g6f.large', 'g6f.2xlarge'],
        count: 2,
        idempotencyToken: 'fleet-g6f',
        ownership: { owner: 'hangar-test', instanceIds: ['inst_fleet_1', 'inst_fleet_2'] },
      }),
    )) as { outcome: string; machines: unknown[]; errors: unknown[] };
    expect(fleetResult).toMatchObject({ outcome: 'fulfilled', errors: [] });
    expect(fleetResult.machines).toHaveLength(2);
  });
});

describe('one entry Hangar cannot read never fails the list', () => {
  it('skips an unreadable catalog entry, counts it and names it; the rest of the catalog and spawns still work', async () => {
    const bed = await open();
    for (const region of ['us-east-1', 'us-west-2']) {
      tamperWithAnswer(ec2ClientOf(bed.registration, region), 'DescribeInstanceTypesCommand', (output) => {
        const types = output.InstanceTypes as { InstanceType: string; GpuInfo?: { Gpus: { MemoryInfo?: unknown }[] } }[];
        const g5 = types.find((type) => type.InstanceType === 'g5.xlarge');
        if (g5?.GpuInfo?.Gpus[0]) delete g5.GpuInfo.Gpus[0].MemoryInfo;
      });
    }
    const offerings = await bed.registration.provider.instanceTypes();
    expect(offerings.map((offering) => offering.name)).not.toContain('g5.xlarge');
    expect(offerings.map((offering) => offering.name)).toContain('g6.xlarge');
    const report = bed.registration.skippedEntries?.report();
    expect(report?.byKind['instance-type']).toBe(2);
    expect(report?.entries).toEqual([
      expect.objectContaining({ kind: 'instance-type', id: 'g5.xlarge', count: 2, reason: expect.stringContaining('MemoryInfo') }),
    ]);
    expect(await bed.registration.provider.spawn(spawnOptions({ instanceType: 'g6.xlarge' }))).toMatchObject({ instanceType: 'g6.xlarge' });
  });

  it('skips a listed machine it cannot read, while get() of that machine still fails loudly', async () => {
    const bed = await open();
    const { provider } = bed.registration;
    const kept = await provider.spawn(spawnOptions());
    const odd = await provider.spawn(spawnOptions());
    tamperWithAnswer(ec2ClientOf(bed.registration, 'us-east-1'), 'DescribeInstancesCommand', (output) => {
      for (const reservation of (output.Reservations ?? []) as { Instances?: { InstanceId?: string; State?: unknown }[] }[]) {
        for (const instance of reservation.Instances ?? []) if (instance.InstanceId === odd.providerId) delete instance.State;
      }
    });
    const listed = await provider.list({ owner: 'hangar-test' });
    expect(listed.map((instance) => instance.providerId)).toEqual([kept.providerId]);
    expect(bed.registration.skippedEntries?.report().entries).toEqual([
      expect.objectContaining({ kind: 'instance', id: odd.providerId, reason: expect.stringContaining('status') }),
    ]);
    // The reconciler confirms a missing machine with get: it must not read as gone.
    await expect(provider.get(odd.providerId)).rejects.toBeInstanceOf(VendorResponseError);
  });
});
