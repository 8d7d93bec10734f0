import { Ec2Error, dryRunSucceeded } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { liveAttachment, volumeStateAt } from './volume-lifecycle.js';
import { findVolume } from './volume-lookup.js';
import { el } from './xml-renderer.js';

/** Deletes a volume no instance holds; it is `deleting` for the volume delay, then unknown. */
export const deleteVolume: Ec2Operation = (context) => {
  const { params, state, now } = context;
  const volumeId = params.requiredString('VolumeId');
  const volume = findVolume(context, volumeId);
  const attachment = liveAttachment(volume, now, state.options);
  if (attachment !== undefined) throw new Ec2Error('VolumeInUse', `Volume ${volumeId} is currently attached to ${attachment.instance.instanceId}`);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const record = state.volumes.get(volumeId);
  if (record !== undefined && volumeStateAt(record, now, state.options) !== 'deleting') record.deleteRequestedAt = now;
  return el('return', true);
};
