import {
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ec2TestBed, TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

let bed: Ec2TestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function rootVolume(b: Ec2TestBed): Promise<{ instanceId: string; volumeId: string }> {
  const run = await b.client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g6.xlarge' }));
  const instance = run.Instances?.[0];
  return { instanceId: instance?.InstanceId ?? '', volumeId: instance?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId ?? '' };
}

describe('EC2 emulator: snapshots of root volumes', () => {
  it('creates a pending snapshot that completes after the delay, describes, filters and deletes it', async () => {
    const b = (bed = await startEc2TestBed());
    const { volumeId } = await rootVolume(b);
    const created = await b.client.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        Description: 'before upgrade',
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'hangar:instance', Value: 'abc' }] }],
      }),
    );
    expect(created.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
    expect(created).toMatchObject({ VolumeId: volumeId, State: 'pending', Progress: '0%', VolumeSize: 8, Description: 'before upgrade', OwnerId: '123456789012' });
    expect(created.Tags).toEqual([{ Key: 'hangar:instance', Value: 'abc' }]);

    b.clock += 500;
    const described = await b.client.send(new DescribeSnapshotsCommand({ SnapshotIds: [created.SnapshotId ?? ''] }));
    expect(described.Snapshots?.[0]).toMatchObject({ SnapshotId: created.SnapshotId, State: 'completed', Progress: '100%' });
    const byTag = await b.client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:hangar:instance', Values: ['abc'] }] }));
    expect(byTag.Snapshots?.map((s) => s.SnapshotId)).toEqual([created.SnapshotId]);
    const amazon = await b.client.send(new DescribeSnapshotsCommand({ OwnerIds: ['amazon'] }));
    expect(amazon.Snapshots).toEqual([]);

    await b.client.send(new DeleteSnapshotCommand({ SnapshotId: created.SnapshotId }));
    const gone = await rejectionOf(b.client.send(new DescribeSnapshotsCommand({ SnapshotIds: [created.SnapshotId ?? ''] })));
    expect(gone.name).toBe('InvalidSnapshot.NotFound');
    const deleteAgain = await rejectionOf(b.client.send(new DeleteSnapshotCommand({ SnapshotId: created.SnapshotId })));
    expect(deleteAgain.name).toBe('InvalidSnapshot.NotFound');
  });

  it('rejects unknown, malformed and deleted-with-the-instance volumes, and dry runs', async () => {
    const b = (bed = await startEc2TestBed());
    const { instanceId, volumeId } = await rootVolume(b);
    const dryRun = await rejectionOf(b.client.send(new CreateSnapshotCommand({ VolumeId: volumeId, DryRun: true })));
    expect(dryRun.name).toBe('DryRunOperation');
    expect((await b.client.send(new DescribeSnapshotsCommand({}))).Snapshots).toEqual([]);
    const malformed = await rejectionOf(b.client.send(new CreateSnapshotCommand({ VolumeId: 'disk-1' })));
    expect(malformed.name).toBe('InvalidVolumeID.Malformed');
    const unknown = await rejectionOf(b.client.send(new CreateSnapshotCommand({ VolumeId: 'vol-0123456789abcdef0' })));
    expect(unknown.name).toBe('InvalidVolume.NotFound');
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    b.clock += 2_000;
    const deleted = await rejectionOf(b.client.send(new CreateSnapshotCommand({ VolumeId: volumeId })));
    expect(deleted.name).toBe('InvalidVolume.NotFound');
  });
});
