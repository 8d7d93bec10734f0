import { type Ec2InstanceTypeInfo, findInstanceType, offeredInZone } from './ec2-catalog.js';
import { invalidParameterValue } from './ec2-error.js';
import type { Ec2RequestContext } from './ec2-operation.js';
import type { Ec2InstanceRecord, Ec2SpotRequestRecord, SpotInstanceType } from './ec2-state.js';
import { holdsCapacityAt } from './instance-lifecycle.js';
import type { Ec2SubnetRecord } from './subnet-state.js';

/**
 * What RunInstances and CreateFleet share: one instance's creation (ids, addresses, root volume,
 * its spot request) and the capacity model (instances alive per zone and type).
 */

export const ROOT_VOLUME_SIZE_GIB = 8;
const MAX_USER_DATA_BYTES = 16 * 1024;

export interface SpotLaunch {
  readonly type: SpotInstanceType;
  readonly interruptionBehavior: string;
  /** USD/hour as EC2 echoes it on the spot request (the max price, or the on-demand price). */
  readonly spotPrice: string;
  readonly tags: ReadonlyMap<string, string> | undefined;
}

export interface InstanceLaunch {
  readonly reservationId: string;
  readonly zone: string;
  /** The subnet the instance takes an address in; it is in `zone`. */
  readonly subnet: Pick<Ec2SubnetRecord, 'subnetId' | 'vpcId'>;
  readonly typeInfo: Ec2InstanceTypeInfo;
  readonly imageId: string;
  readonly tags: ReadonlyMap<string, string> | undefined;
  readonly volumeTags: ReadonlyMap<string, string> | undefined;
  readonly userData: string | undefined;
  readonly clientToken: string | undefined;
  readonly keyName: string | undefined;
  readonly amiLaunchIndex: number;
  /** Undefined for on-demand. */
  readonly spot: SpotLaunch | undefined;
}

/** Creates one instance (and its spot request) in state; the caller has already checked capacity. */
export function launchInstance(context: Ec2RequestContext, launch: InstanceLaunch): Ec2InstanceRecord {
  const { state, region, now } = context;
  const seq = state.nextSeq();
  const instanceId = state.ids.resourceId('i');
  const spotInstanceRequestId = launch.spot === undefined ? undefined : state.ids.resourceId('sir', 8);
  const instance: Ec2InstanceRecord = {
    seq,
    instanceId,
    reservationId: launch.reservationId,
    region: region.name,
    zone: launch.zone,
    instanceType: launch.typeInfo.instanceType,
    imageId: launch.imageId,
    launchedAt: now,
    terminateRequestedAt: undefined,
    tags: new Map(launch.tags),
    volumeTags: new Map(launch.volumeTags),
    userData: launch.userData,
    clientToken: launch.clientToken,
    keyName: launch.keyName,
    spotInstanceRequestId,
    rootVolumeId: state.ids.resourceId('vol'),
    rootVolumeSizeGiB: ROOT_VOLUME_SIZE_GIB,
    privateIpAddress: `10.0.${(seq >> 8) & 0xff}.${seq & 0xff}`,
    publicIpAddress: `3.${80 + ((seq >> 16) & 0x7f)}.${(seq >> 8) & 0xff}.${seq & 0xff}`,
    subnetId: launch.subnet.subnetId,
    vpcId: launch.subnet.vpcId,
    amiLaunchIndex: launch.amiLaunchIndex,
  };
  state.instances.set(instance.instanceId, instance);
  if (launch.spot !== undefined && spotInstanceRequestId !== undefined) {
    const request: Ec2SpotRequestRecord = {
      seq,
      spotInstanceRequestId,
      region: region.name,
      instanceId,
      type: launch.spot.type,
      interruptionBehavior: launch.spot.interruptionBehavior,
      spotPrice: launch.spot.spotPrice,
      createdAt: now,
      cancelledAt: undefined,
      tags: new Map(launch.spot.tags),
    };
    state.spotRequests.set(spotInstanceRequestId, request);
  }
  return instance;
}

/** Instances of `instanceType` that `zone` can still start: its limit less every instance not yet fully terminated. */
export function freeCapacity(context: Ec2RequestContext, zone: string, instanceType: string): number {
  const { state, now } = context;
  // A zone that does not offer the type has none of it (RunInstances names that case `Unsupported`).
  const info = findInstanceType(instanceType);
  if (info !== undefined && !offeredInZone(info, zone)) return 0;
  const limit = state.options.capacity.byZone[zone]?.[instanceType] ?? state.options.capacity.default;
  let used = 0;
  for (const instance of state.instances.values()) {
    if (instance.zone === zone && instance.instanceType === instanceType && holdsCapacityAt(instance, now, state.options)) used += 1;
  }
  return Math.max(0, limit - used);
}

export function assertUserData(userData: string): void {
  if (userData.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(userData)) throw invalidParameterValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(userData, 'base64').byteLength > MAX_USER_DATA_BYTES) throw invalidParameterValue(`User data is limited to ${MAX_USER_DATA_BYTES} bytes.`);
}

/** RunInstances and CreateFleet both take at most 64 printable ASCII characters. */
export function assertClientToken(clientToken: string | undefined): void {
  if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken))) {
    throw invalidParameterValue('The client token must be at most 64 ASCII characters.');
  }
}
