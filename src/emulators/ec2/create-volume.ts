import { Ec2Error, dryRunSucceeded, invalidParameterValue, missingParameter } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { parseTagSpecifications } from './tag-specifications.js';
import { findVolume } from './volume-lookup.js';
import { EC2_VOLUME_TYPES, type Ec2VolumeRecord, type Ec2VolumeType } from './volume-record.js';
import { volumeXml } from './volume-xml.js';

/** Size limits per volume type (GiB), from the EBS volume types page. */
const SIZE_LIMITS: Readonly<Record<Ec2VolumeType, { min: number; max: number }>> = {
  gp3: { min: 1, max: 65_536 },
  gp2: { min: 1, max: 16_384 },
  io1: { min: 4, max: 16_384 },
  io2: { min: 4, max: 65_536 },
  st1: { min: 125, max: 16_384 },
  sc1: { min: 125, max: 16_384 },
  standard: { min: 1, max: 1_024 },
};

/** A blank data volume (no snapshots here). `ClientToken` makes a retried create return the same volume. */
export const createVolume: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const zone = params.string('AvailabilityZone');
  if (zone === undefined || zone === '') throw missingParameter('AvailabilityZone');
  if (!region.zones.some((candidate) => candidate.name === zone)) throw invalidParameterValue(`Invalid availability zone: [${zone}]`);
  if (params.string('SnapshotId') !== undefined) throw invalidParameterValue('Creating a volume from a snapshot is not supported by this emulator.');
  const rawType = params.string('VolumeType') ?? 'gp3';
  const volumeType = EC2_VOLUME_TYPES.find((type) => type === rawType);
  if (volumeType === undefined) throw invalidParameterValue(`Value (${rawType}) for parameter volumeType is invalid.`);
  const sizeGiB = params.integer('Size');
  if (sizeGiB === undefined) throw missingParameter('Size');
  const limits = SIZE_LIMITS[volumeType];
  if (sizeGiB < limits.min || sizeGiB > limits.max) {
    throw invalidParameterValue(`Volume of ${sizeGiB}GiB is out of range for ${volumeType} (${limits.min}-${limits.max}GiB).`);
  }
  const iops = params.integer('Iops') ?? (volumeType === 'gp3' ? 3000 : undefined);
  const throughput = params.integer('Throughput') ?? (volumeType === 'gp3' ? 125 : undefined);
  const tags = parseTagSpecifications(params, ['volume']);
  const clientToken = params.string('ClientToken');
  if (clientToken !== undefined && clientToken.length > 64) throw invalidParameterValue('The client token must be at most 64 characters.');
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();

  const fingerprint = params.fingerprint(['Action', 'Version', 'ClientToken', 'DryRun']);
  const tokenKey = clientToken === undefined || clientToken === '' ? undefined : `${region.name}\u0000${clientToken}`;
  const previous = tokenKey === undefined ? undefined : state.volumeClientTokens.get(tokenKey);
  if (previous !== undefined) {
    if (previous.fingerprint !== fingerprint) {
      throw new Ec2Error('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that is already deleted or with a request that has different parameters. Please use a different client token.');
    }
    return volumeXml(findVolume(context, previous.volumeId), now, state.options);
  }

  const volume: Ec2VolumeRecord = {
    seq: state.nextSeq(),
    root: false,
    volumeId: state.ids.resourceId('vol'),
    region: region.name,
    zone,
    sizeGiB,
    volumeType,
    iops,
    throughput,
    encrypted: params.boolean('Encrypted') ?? false,
    createdAt: now,
    tags: new Map(tags.get('volume')),
    attachment: undefined,
    deleteRequestedAt: undefined,
  };
  state.volumes.set(volume.volumeId, volume);
  if (tokenKey !== undefined) state.volumeClientTokens.set(tokenKey, { fingerprint, volumeId: volume.volumeId });
  return volumeXml(volume, now, state.options);
};
