import type { Instance, Snapshot } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import {
  materialize,
  OWNERSHIP_TAGS,
  type ProviderErrorCode,
  ProviderInstanceSchema,
  type ProviderInstanceStatus,
  ProviderSnapshotSchema,
  type ProviderSnapshotStatus,
} from '../../contracts/index.js';

const ec2ReasonSchema = z.object({ code: z.string(), message: z.string() });

/** The AWS provider's enhanced instance: the generic fields plus what EC2 reports of the machine. */
export const AWSInstanceSchema = ProviderInstanceSchema.extend({
  instanceId: z.string().regex(/^i-[0-9a-f]+$/),
  ec2State: z.string(),
  availabilityZone: z.string(),
  subnetId: z.string().nullable(),
  volumes: z.array(z.object({ deviceName: z.string(), volumeId: z.string(), root: z.boolean() })),
  imageId: z.string(),
  lifecycle: z.enum(['on-demand', 'spot', 'scheduled', 'capacity-block', 'interruptible-capacity-reservation']),
  spotInstanceRequestId: z.string().nullable(),
  privateIp: z.string().nullable(),
  publicIp: z.string().nullable(),
  /** EC2's own reason, verbatim; the generic `stateReason` is its meaning in the taxonomy. */
  ec2StateReason: ec2ReasonSchema.nullable(),
  launchTime: z.iso.datetime(),
});

export type AWSInstance = z.infer<typeof AWSInstanceSchema>;

export const AWSSnapshotSchema = ProviderSnapshotSchema.extend({
  snapshotId: z.string().regex(/^snap-[0-9a-f]+$/),
  region: z.string(),
  volumeId: z.string(),
  ec2State: z.string(),
  progress: z.string().nullable(),
  description: z.string().nullable(),
  encrypted: z.boolean(),
  tags: z.record(z.string(), z.string()),
});

export type AWSSnapshot = z.infer<typeof AWSSnapshotSchema>;

export const INSTANCE_STATUS: Readonly<Record<string, ProviderInstanceStatus>> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};

/** The EC2 state names a generic status stands for, for server-side `instance-state-name` filters. */
export const EC2_STATE_NAMES: Readonly<Record<ProviderInstanceStatus, readonly string[]>> = {
  pending: ['pending'],
  running: ['running'],
  stopping: ['stopping'],
  stopped: ['stopped'],
  terminating: ['shutting-down'],
  terminated: ['terminated'],
  failed: [],
};

const SNAPSHOT_STATUS: Readonly<Record<string, ProviderSnapshotStatus>> = {
  pending: 'pending',
  completed: 'available',
  error: 'failed',
  // In the Recycle Bin: deleted unless someone recovers it.
  recoverable: 'deleted',
  recovering: 'pending',
};

/** Tag on snapshots Hangar takes: EC2 snapshots name only their volume, which dies with the instance. */
export const SNAPSHOT_SOURCE_TAG = 'hangar:source-instance-id';

/** EC2 `StateReason` codes that carry a meaning in the taxonomy; every other reason maps to null. */
const STATE_REASONS: Readonly<Record<string, ProviderErrorCode>> = {
  'Server.SpotInstanceTermination': 'SPOT_INTERRUPTED',
  'Server.SpotInstanceShutdown': 'SPOT_INTERRUPTED',
  'Server.InsufficientInstanceCapacity': 'CAPACITY_ERROR',
};

export function genericStateReason(reason: { code: string; message: string } | null): AWSInstance['stateReason'] {
  if (reason === null) return null;
  const code = STATE_REASONS[reason.code];
  return code === undefined ? null : { code, message: reason.message };
}

export function tagsOf(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? '';
  return result;
}

/** The other way: a tag map as EC2's `[{Key, Value}]` list. */
export function toTagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

const isoOf = (date: Date | undefined): string | undefined => (date === undefined ? undefined : date.toISOString());

/** An SDK `Instance` as the enhanced instance; a shape Hangar cannot read fails loudly (VendorResponseError). */
export function toAWSInstance(instance: Instance, region: string): AWSInstance {
  const tags = tagsOf(instance.Tags);
  const ec2StateReason =
    instance.StateReason?.Code === undefined ? null : { code: instance.StateReason.Code, message: instance.StateReason.Message ?? '' };
  const stateName = instance.State?.Name;
  const launchTime = isoOf(instance.LaunchTime);
  return materialize(
    AWSInstanceSchema,
    {
      providerId: instance.InstanceId,
      name: tags.Name ?? '',
      status: stateName === undefined ? undefined : INSTANCE_STATUS[stateName],
      instanceType: instance.InstanceType,
      region,
      zone: instance.Placement?.AvailabilityZone ?? null,
      spot: instance.InstanceLifecycle === 'spot',
      image: instance.ImageId ?? null,
      tags,
      owner: tags[OWNERSHIP_TAGS.owner] ?? null,
      hangarInstanceId: tags[OWNERSHIP_TAGS.instanceId] ?? null,
      launchedAt: launchTime,
      stateReason: genericStateReason(ec2StateReason),
      instanceId: instance.InstanceId,
      ec2State: stateName,
      availabilityZone: instance.Placement?.AvailabilityZone,
      subnetId: instance.SubnetId ?? null,
      volumes: (instance.BlockDeviceMappings ?? []).flatMap((mapping) =>
        mapping.Ebs?.VolumeId === undefined
          ? []
          : [{ deviceName: mapping.DeviceName ?? '', volumeId: mapping.Ebs.VolumeId, root: mapping.DeviceName === instance.RootDeviceName }],
      ),
      imageId: instance.ImageId,
      lifecycle: instance.InstanceLifecycle ?? 'on-demand',
      spotInstanceRequestId: instance.SpotInstanceRequestId ?? null,
      privateIp: instance.PrivateIpAddress ?? null,
      publicIp: instance.PublicIpAddress ?? null,
      ec2StateReason,
      launchTime,
    },
    'aws',
    `instance ${instance.InstanceId ?? '(no id)'}`,
  );
}

export function toAWSSnapshot(snapshot: Snapshot, region: string): AWSSnapshot {
  const tags = tagsOf(snapshot.Tags);
  return materialize(
    AWSSnapshotSchema,
    {
      providerSnapshotId: snapshot.SnapshotId,
      providerInstanceId: tags[SNAPSHOT_SOURCE_TAG] ?? snapshot.VolumeId,
      status: snapshot.State === undefined ? undefined : SNAPSHOT_STATUS[snapshot.State],
      sizeGiB: snapshot.VolumeSize ?? null,
      createdAt: isoOf(snapshot.StartTime),
      snapshotId: snapshot.SnapshotId,
      region,
      volumeId: snapshot.VolumeId,
      ec2State: snapshot.State,
      progress: snapshot.Progress ?? null,
      description: snapshot.Description ?? null,
      encrypted: snapshot.Encrypted ?? false,
      tags,
    },
    'aws',
    `snapshot ${snapshot.SnapshotId ?? '(no id)'}`,
  );
}
