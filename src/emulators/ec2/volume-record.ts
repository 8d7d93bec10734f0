import type { Ec2InstanceRecord } from './ec2-state.js';

export const EC2_VOLUME_TYPES = ['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard'] as const;
export type Ec2VolumeType = (typeof EC2_VOLUME_TYPES)[number];

/**
 * A data volume attached to an instance. The same object sits on the volume and on the instance, so
 * DescribeInstances can render it without a look-up. Its state is derived from the clock on every
 * read, like an instance's: attaching, attached, detaching, then gone.
 */
export interface Ec2VolumeAttachment {
  readonly volumeId: string;
  readonly instance: Ec2InstanceRecord;
  readonly device: string;
  readonly attachRequestedAt: number;
  detachRequestedAt: number | undefined;
  /** AttachVolume always sets false: a data volume outlives its instance. */
  readonly deleteOnTermination: boolean;
}

/**
 * An EBS volume. Data volumes come from CreateVolume and live in `Ec2State.volumes`; a root volume
 * lives on its instance record and is only ever seen through a view built on read (`root: true`).
 */
export interface Ec2VolumeRecord {
  readonly seq: number;
  readonly root: boolean;
  readonly volumeId: string;
  readonly region: string;
  readonly zone: string;
  readonly sizeGiB: number;
  readonly volumeType: Ec2VolumeType;
  readonly iops: number | undefined;
  readonly throughput: number | undefined;
  readonly encrypted: boolean;
  readonly createdAt: number;
  readonly tags: Map<string, string>;
  attachment: Ec2VolumeAttachment | undefined;
  deleteRequestedAt: number | undefined;
}

export interface Ec2VolumeClientToken {
  readonly fingerprint: string;
  readonly volumeId: string;
}
