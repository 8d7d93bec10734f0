import type { ResolvedEc2Options } from './ec2-options.js';
import { SeededIds } from './seeded-ids.js';
import type { Ec2VolumeAttachment, Ec2VolumeClientToken, Ec2VolumeRecord } from './volume-record.js';

export interface Ec2InstanceRecord {
  /** Launch order: the stable sort key behind pagination tokens. */
  readonly seq: number;
  readonly instanceId: string;
  readonly reservationId: string;
  readonly region: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly launchedAt: number;
  terminateRequestedAt: number | undefined;
  /** When EC2 reclaims this spot instance (its two-minute notice ends); unset while none is scheduled. */
  interruptAt?: number;
  readonly tags: Map<string, string>;
  readonly volumeTags: Map<string, string>;
  /** Data volumes attached by AttachVolume (the same objects as on the volumes); unset until the first. */
  volumeAttachments?: Ec2VolumeAttachment[];
  /** Base64 as received; EC2 never echoes it in DescribeInstances. */
  readonly userData: string | undefined;
  readonly clientToken: string | undefined;
  readonly keyName: string | undefined;
  readonly spotInstanceRequestId: string | undefined;
  readonly rootVolumeId: string;
  readonly rootVolumeSizeGiB: number;
  readonly privateIpAddress: string;
  readonly publicIpAddress: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly amiLaunchIndex: number;
}

export interface Ec2SnapshotRecord {
  readonly seq: number;
  readonly snapshotId: string;
  readonly region: string;
  readonly volumeId: string;
  readonly volumeSizeGiB: number;
  readonly description: string;
  readonly startedAt: number;
  readonly tags: Map<string, string>;
}

/** A one-time or persistent spot request made through RunInstances: always fulfilled at once by its instance. */
export interface Ec2SpotRequestRecord {
  readonly seq: number;
  readonly spotInstanceRequestId: string;
  readonly region: string;
  readonly instanceId: string;
  readonly type: SpotInstanceType;
  readonly interruptionBehavior: string;
  /** USD/hour as EC2 echoes it: the caller's MaxPrice, or the on-demand price when none was given. */
  readonly spotPrice: string;
  readonly createdAt: number;
  cancelledAt: number | undefined;
  readonly tags: Map<string, string>;
}

export type SpotInstanceType = 'one-time' | 'persistent';

export interface Ec2IdempotencyRecord {
  readonly fingerprint: string;
  readonly reservationId: string;
}

/** The whole cloud, in memory: it lives exactly as long as the emulator process. */
export class Ec2State {
  readonly instances = new Map<string, Ec2InstanceRecord>();
  readonly snapshots = new Map<string, Ec2SnapshotRecord>();
  readonly spotRequests = new Map<string, Ec2SpotRequestRecord>();
  readonly volumes = new Map<string, Ec2VolumeRecord>();
  /** CreateVolume's ClientToken per `region\0token`. */
  readonly volumeClientTokens = new Map<string, Ec2VolumeClientToken>();
  private readonly clientTokens = new Map<string, Ec2IdempotencyRecord>();
  readonly ids: SeededIds;
  private seq = 0;

  constructor(readonly options: ResolvedEc2Options) {
    this.ids = new SeededIds(options.seed);
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  idempotencyRecord(region: string, clientToken: string): Ec2IdempotencyRecord | undefined {
    return this.clientTokens.get(`${region}\u0000${clientToken}`);
  }

  rememberClientToken(region: string, clientToken: string, record: Ec2IdempotencyRecord): void {
    this.clientTokens.set(`${region}\u0000${clientToken}`, record);
  }

  instancesInRegion(region: string): Ec2InstanceRecord[] {
    return [...this.instances.values()].filter((instance) => instance.region === region);
  }
}
