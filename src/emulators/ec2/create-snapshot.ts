import { Ec2Error, dryRunSucceeded } from './ec2-error.js';
import { assertVolumeIdFormat } from './ec2-id-formats.js';
import type { Ec2Operation } from './ec2-operation.js';
import type { Ec2SnapshotRecord } from './ec2-state.js';
import { instanceStateAt } from './instance-lifecycle.js';
import { snapshotXml } from './snapshot-xml.js';
import { parseTagSpecifications } from './tag-specifications.js';

/** Only root volumes exist here; a root volume is gone once its instance is terminated (DeleteOnTermination). */
export const createSnapshot: Ec2Operation = ({ params, state, region, now }) => {
  const volumeId = params.requiredString('VolumeId');
  assertVolumeIdFormat(volumeId);
  const description = params.string('Description') ?? '';
  const tags = parseTagSpecifications(params, ['snapshot']);
  const owner = state
    .instancesInRegion(region.name)
    .find((instance) => instance.rootVolumeId === volumeId && instanceStateAt(instance, now, state.options) !== 'terminated');
  if (owner === undefined) throw new Ec2Error('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const snapshot: Ec2SnapshotRecord = {
    seq: state.nextSeq(),
    snapshotId: state.ids.resourceId('snap'),
    region: region.name,
    volumeId,
    volumeSizeGiB: owner.rootVolumeSizeGiB,
    description,
    startedAt: now,
    tags: new Map(tags.get('snapshot')),
  };
  state.snapshots.set(snapshot.snapshotId, snapshot);
  return snapshotXml(snapshot, now, state.options);
};
