import { Ec2Error } from './ec2-error.js';
import { assertVolumeIdFormat } from './ec2-id-formats.js';
import type { Ec2RequestContext } from './ec2-operation.js';
import type { Ec2InstanceRecord } from './ec2-state.js';
import { instanceStateAt } from './instance-lifecycle.js';
import { settleVolumes } from './volume-lifecycle.js';
import type { Ec2VolumeRecord } from './volume-record.js';

const ROOT_DEVICE_NAME = '/dev/xvda';

/** A root volume as DescribeVolumes shows it: gp3, attached since launch, deleted with its instance. */
function rootVolumeView(instance: Ec2InstanceRecord, volumeDelayMs: number): Ec2VolumeRecord {
  // Dated one volume delay before launch, so the view is never `creating` or `attaching`.
  const since = instance.launchedAt - volumeDelayMs;
  return {
    seq: instance.seq,
    root: true,
    volumeId: instance.rootVolumeId,
    region: instance.region,
    zone: instance.zone,
    sizeGiB: instance.rootVolumeSizeGiB,
    volumeType: 'gp3',
    iops: 3000,
    throughput: 125,
    encrypted: false,
    createdAt: since,
    tags: instance.volumeTags,
    attachment: {
      volumeId: instance.rootVolumeId,
      instance,
      device: ROOT_DEVICE_NAME,
      attachRequestedAt: since,
      detachRequestedAt: undefined,
      deleteOnTermination: true,
    },
    deleteRequestedAt: undefined,
  };
}

/** Every volume of the region that still exists: data volumes, and the root volumes of live instances. */
export function volumesInRegion(context: Ec2RequestContext): Ec2VolumeRecord[] {
  const { state, region, now } = context;
  settleVolumes(state, now);
  const data = [...state.volumes.values()].filter((volume) => volume.region === region.name);
  const roots = state
    .instancesInRegion(region.name)
    .filter((instance) => instanceStateAt(instance, now, state.options) !== 'terminated')
    .map((instance) => rootVolumeView(instance, state.options.volumeDelayMs));
  return [...data, ...roots];
}

export function volumeNotFound(id: string): Ec2Error {
  return new Ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
}

/** Resolves every id or fails the whole request, as EC2 does, naming the missing ids. */
export function findVolumesByIds(context: Ec2RequestContext, ids: readonly string[]): Ec2VolumeRecord[] {
  ids.forEach(assertVolumeIdFormat);
  const known = new Map(volumesInRegion(context).map((volume) => [volume.volumeId, volume]));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length === 1) throw volumeNotFound(missing[0] ?? '');
  if (missing.length > 1) throw new Ec2Error('InvalidVolume.NotFound', `The volumes '${missing.join(', ')}' do not exist.`);
  return [...new Set(ids)].flatMap((id) => {
    const volume = known.get(id);
    return volume === undefined ? [] : [volume];
  });
}

export function findVolume(context: Ec2RequestContext, id: string): Ec2VolumeRecord {
  const [volume] = findVolumesByIds(context, [id]);
  if (volume === undefined) throw volumeNotFound(id);
  return volume;
}
