import {
  AttachVolumeCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteTagsCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { type Ec2TestBed, TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const startBed = useTestBed((options: Parameters<typeof startEc2TestBed>[0] = {}) => startEc2TestBed({ volumeDelayMs: 500, ...options }));

async function runningInstance(b: Ec2TestBed, zone = 'us-east-1a'): Promise<string> {
  const run = await b.client.send(
    new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g6.xlarge', Placement: { AvailabilityZone: zone } }),
  );
  b.clock += 1_000;
  return run.Instances?.[0]?.InstanceId ?? '';
}

async function volume(b: Ec2TestBed, id: string) {
  const answer = await b.client.send(new DescribeVolumesCommand({ VolumeIds: [id] }));
  return answer.Volumes?.[0];
}

describe('EC2 emulator: EBS volumes', () => {
  it('creates a gp3 volume that is creating, then available; ClientToken returns the same volume', async () => {
    const b = await startBed();
    const input = {
      AvailabilityZone: 'us-east-1b',
      Size: 50,
      ClientToken: 'vol-token-1',
      TagSpecifications: [{ ResourceType: 'volume' as const, Tags: [{ Key: 'hangar:owner', Value: 'test' }] }],
    };
    const created = await b.client.send(new CreateVolumeCommand(input));
    expect(created.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
    expect(created).toMatchObject({ AvailabilityZone: 'us-east-1b', Size: 50, VolumeType: 'gp3', Iops: 3000, Throughput: 125, State: 'creating', Encrypted: false });
    expect(created.Tags).toEqual([{ Key: 'hangar:owner', Value: 'test' }]);
    expect(created.CreateTime).toBeInstanceOf(Date);
    const again = await b.client.send(new CreateVolumeCommand(input));
    expect(again.VolumeId).toBe(created.VolumeId);
    const mismatch = await rejectionOf(b.client.send(new CreateVolumeCommand({ ...input, Size: 51 })));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    b.clock += 500;
    expect((await volume(b, created.VolumeId ?? ''))?.State).toBe('available');
  });

  it('validates zone, size and type, and honours dry runs', async () => {
    const b = await startBed();
    expect((await rejectionOf(b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-west-2a', Size: 10 })))).name).toBe('InvalidParameterValue');
    expect((await rejectionOf(b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 0 })))).name).toBe('InvalidParameterValue');
    expect((await rejectionOf(b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, VolumeType: 'st1' })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await rejectionOf(b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a' })))).name).toBe('MissingParameter');
    expect((await rejectionOf(b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, DryRun: true })))).name).toBe('DryRunOperation');
    const described = await b.client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'size', Values: ['10'] }] }));
    expect(described.Volumes).toEqual([]);
  });

  it('attaches to a running instance in the same zone, shows it in DescribeInstances, refuses delete while in use, detaches', async () => {
    const b = await startBed();
    const instanceId = await runningInstance(b);
    const { VolumeId: volumeId = '' } = await b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 20 }));
    const early = await rejectionOf(b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdf' })));
    expect(early.name).toBe('IncorrectState');
    b.clock += 500;
    const badDevice = await rejectionOf(b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/xvda' })));
    expect(badDevice.name).toBe('InvalidParameterValue');
    const attached = await b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdf' }));
    expect(attached).toMatchObject({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdf', State: 'attaching', DeleteOnTermination: false });
    const twice = await rejectionOf(b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdg' })));
    expect(twice.name).toBe('VolumeInUse');
    b.clock += 500;
    const inUse = await volume(b, volumeId);
    expect(inUse?.State).toBe('in-use');
    expect(inUse?.Attachments).toEqual([expect.objectContaining({ InstanceId: instanceId, Device: '/dev/sdf', State: 'attached', DeleteOnTermination: false })]);
    const byInstance = await b.client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    expect(byInstance.Volumes?.map((v) => v.VolumeId).sort()).toHaveLength(2); // root + data
    const described = await b.client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const mappings = described.Reservations?.[0]?.Instances?.[0]?.BlockDeviceMappings ?? [];
    expect(mappings.map((m) => [m.DeviceName, m.Ebs?.Status, m.Ebs?.DeleteOnTermination])).toEqual([
      ['/dev/xvda', 'attached', true],
      ['/dev/sdf', 'attached', false],
    ]);
    const refused = await rejectionOf(b.client.send(new DeleteVolumeCommand({ VolumeId: volumeId })));
    expect(refused.name).toBe('VolumeInUse');

    const detaching = await b.client.send(new DetachVolumeCommand({ VolumeId: volumeId }));
    expect(detaching.State).toBe('detaching');
    b.clock += 500;
    expect(await volume(b, volumeId)).toMatchObject({ State: 'available', Attachments: [] });
    const notAttached = await rejectionOf(b.client.send(new DetachVolumeCommand({ VolumeId: volumeId })));
    expect(notAttached.name).toBe('IncorrectState');
  });

  it('refuses an instance in another zone or not yet running', async () => {
    const b = await startBed();
    const elsewhere = await runningInstance(b, 'us-east-1c');
    const { VolumeId: volumeId = '' } = await b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 20 }));
    b.clock += 500;
    const mismatch = await rejectionOf(b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: elsewhere, Device: '/dev/sdf' })));
    expect(mismatch.name).toBe('InvalidVolume.ZoneMismatch');
    const run = await b.client.send(
      new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g6.xlarge', Placement: { AvailabilityZone: 'us-east-1a' } }),
    );
    const pending = await rejectionOf(
      b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: run.Instances?.[0]?.InstanceId ?? '', Device: '/dev/sdf' })),
    );
    expect(pending.name).toBe('IncorrectInstanceState');
  });

  it('terminating the instance detaches the data volume, which survives; the root volume goes with the instance', async () => {
    const b = await startBed();
    const instanceId = await runningInstance(b);
    const { VolumeId: volumeId = '' } = await b.client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 20 }));
    b.clock += 500;
    await b.client.send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/sdf' }));
    b.clock += 500;
    const rootId = (await b.client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.device', Values: ['/dev/xvda'] }] }))).Volumes?.[0]?.VolumeId;
    expect(rootId).toMatch(/^vol-/);
    expect((await rejectionOf(b.client.send(new DeleteVolumeCommand({ VolumeId: rootId })))).name).toBe('VolumeInUse');
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    expect(await volume(b, volumeId)).toMatchObject({ State: 'in-use', Attachments: [expect.objectContaining({ State: 'detaching' })] });
    b.clock += 2_000;
    expect(await volume(b, volumeId)).toMatchObject({ State: 'available', Attachments: [] });
    expect((await rejectionOf(b.client.send(new DescribeVolumesCommand({ VolumeIds: [rootId ?? ''] })))).name).toBe('InvalidVolume.NotFound');

    await b.client.send(new DeleteVolumeCommand({ VolumeId: volumeId }));
    expect((await volume(b, volumeId))?.State).toBe('deleting');
    b.clock += 500;
    expect((await rejectionOf(b.client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })))).name).toBe('InvalidVolume.NotFound');
    expect((await rejectionOf(b.client.send(new DeleteVolumeCommand({ VolumeId: volumeId })))).name).toBe('InvalidVolume.NotFound');
    expect((await rejectionOf(b.client.send(new DeleteVolumeCommand({ VolumeId: 'vol-hangar-no-such' })))).name).toBe('InvalidVolumeID.Malformed');
  });

  it('filters by tag, status and zone, pages, and takes CreateTags / DeleteTags', async () => {
    const b = await startBed();
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      const zone = index % 2 === 0 ? 'us-east-1a' : 'us-east-1b';
      const tags = [{ Key: 'pool', Value: index < 5 ? 'warm' : 'cold' }];
      const created = await b.client.send(new CreateVolumeCommand({ AvailabilityZone: zone, Size: 8, TagSpecifications: [{ ResourceType: 'volume', Tags: tags }] }));
      ids.push(created.VolumeId ?? '');
    }
    const warm = await b.client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:pool', Values: ['warm'] }, { Name: 'availability-zone', Values: ['us-east-1a'] }] }));
    expect(warm.Volumes?.map((v) => v.VolumeId)).toEqual([ids[0], ids[2], ids[4]]);
    expect((await b.client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'status', Values: ['available'] }] }))).Volumes).toEqual([]);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await b.client.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: token, Filters: [{ Name: 'tag-key', Values: ['pool'] }] }));
      seen.push(...(page.Volumes ?? []).map((v) => v.VolumeId ?? ''));
      token = page.NextToken;
    } while (token !== undefined);
    expect(seen).toEqual(ids);

    await b.client.send(new CreateTagsCommand({ Resources: [ids[0] ?? ''], Tags: [{ Key: 'claimed-by', Value: 'me' }] }));
    await b.client.send(new DeleteTagsCommand({ Resources: [ids[0] ?? ''], Tags: [{ Key: 'pool' }] }));
    expect((await volume(b, ids[0] ?? ''))?.Tags).toEqual([{ Key: 'claimed-by', Value: 'me' }]);
    await b.client.send(new DeleteTagsCommand({ Resources: [ids[0] ?? ''], Tags: [{ Key: 'claimed-by', Value: 'someone-else' }] }));
    expect((await volume(b, ids[0] ?? ''))?.Tags).toEqual([{ Key: 'claimed-by', Value: 'me' }]);
    const unknown = await rejectionOf(b.client.send(new CreateTagsCommand({ Resources: ['vol-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })));
    expect(unknown.name).toBe('InvalidVolume.NotFound');
  });
});
