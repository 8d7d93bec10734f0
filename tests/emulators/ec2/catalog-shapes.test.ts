import {
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  DescribeInstanceTypesCommand,
  paginateDescribeInstanceTypeOfferings,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ec2TestBed, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

let bed: Ec2TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const AMI = 'ami-0123456789abcdef0';

describe('EC2 emulator: the real catalog’s awkward shapes', () => {
  it('answers fractional GPUs as EC2 does: Count 0, GpuPartitionSize, LogicalGpuCount', async () => {
    bed = await startEc2TestBed();
    const answer = await bed.client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['g6f.large', 'gr6f.4xlarge', 'inf2.xlarge', 'm5.metal'] }));
    const byName = new Map(answer.InstanceTypes?.map((info) => [info.InstanceType, info]));
    expect(byName.get('g6f.large')?.GpuInfo).toEqual({
      Gpus: [{ Name: 'L4', Manufacturer: 'NVIDIA', Count: 0, LogicalGpuCount: 1, GpuPartitionSize: 0.125, MemoryInfo: { SizeInMiB: 2861 } }],
      TotalGpuMemoryInMiB: 2861,
    });
    expect(byName.get('gr6f.4xlarge')?.GpuInfo?.Gpus?.[0]).toMatchObject({ Count: 0, GpuPartitionSize: 0.5 });
    // Inferentia: accelerated, but no GpuInfo.
    expect(byName.get('inf2.xlarge')?.GpuInfo).toBeUndefined();
    expect(byName.get('inf2.xlarge')?.NeuronInfo?.NeuronDevices?.[0]).toMatchObject({ Name: 'Inferentia2', Count: 1 });
    expect(byName.get('m5.metal')).toMatchObject({ BareMetal: true });
    expect(byName.get('m5.metal')?.Hypervisor).toBeUndefined();
  });

  it('offers some types in some zones only (DescribeInstanceTypeOfferings), and refuses a launch elsewhere as Unsupported', async () => {
    bed = await startEc2TestBed();
    const offerings: { type: string; zone: string }[] = [];
    const paginator = paginateDescribeInstanceTypeOfferings(
      { client: bed.client, pageSize: 5 },
      { LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: ['p4de.24xlarge', 'g5.xlarge'] }] },
    );
    for await (const page of paginator) {
      for (const offering of page.InstanceTypeOfferings ?? []) offerings.push({ type: offering.InstanceType ?? '', zone: offering.Location ?? '' });
    }
    expect(offerings.filter((offering) => offering.type === 'p4de.24xlarge').map((offering) => offering.zone)).toEqual(['us-east-1a', 'us-east-1c']);
    expect(offerings.filter((offering) => offering.type === 'g5.xlarge')).toHaveLength(3);
    const refused = await rejectionOf(
      bed.client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 'p4de.24xlarge', Placement: { AvailabilityZone: 'us-east-1b' } })),
    );
    expect(refused.name).toBe('Unsupported');
    expect(refused.message).toContain('choosing us-east-1a, us-east-1c');
    // Without a zone, EC2 places it where the type is offered.
    const placed = await bed.client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: AMI, InstanceType: 'p4de.24xlarge' }));
    expect(['us-east-1a', 'us-east-1c']).toContain(placed.Instances?.[0]?.Placement?.AvailabilityZone);
  });

  it('reports an EC2 Fleet pool in a zone that does not offer the type as Unsupported', async () => {
    bed = await startEc2TestBed();
    await bed.client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-dl1', LaunchTemplateData: { ImageId: AMI } }));
    const fleet = await bed.client.send(
      new CreateFleetCommand({
        Type: 'instant',
        TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'on-demand' },
        LaunchTemplateConfigs: [
          { LaunchTemplateSpecification: { LaunchTemplateName: 'lt-dl1', Version: '$Latest' }, Overrides: [{ InstanceType: 'dl1.24xlarge', AvailabilityZone: 'us-east-1c' }] },
        ],
      }),
    );
    expect(fleet.Instances ?? []).toEqual([]);
    expect(fleet.Errors?.[0]).toMatchObject({ ErrorCode: 'Unsupported' });
  });
});
