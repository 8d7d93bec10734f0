import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2State } from './ec2-state.js';
import { instanceStateAt } from './instance-lifecycle.js';
import type { Ec2VolumeAttachment, Ec2VolumeRecord } from './volume-record.js';

export type Ec2VolumeStateName = 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted';
export type Ec2AttachmentStateName = 'attaching' | 'attached' | 'detaching' | 'detached';

type Delays = Pick<ResolvedEc2Options, 'bootDelayMs' | 'terminateDelayMs' | 'terminatedRetentionMs' | 'volumeDelayMs'>;

/**
 * Derived from the clock on every read. Terminating the instance detaches the volume (it is a data
 * volume, DeleteOnTermination false): detaching while the instance shuts down, detached once it is terminated.
 */
export function attachmentStateAt(attachment: Ec2VolumeAttachment, now: number, delays: Delays): Ec2AttachmentStateName {
  const { instance } = attachment;
  if (instance.terminateRequestedAt !== undefined) {
    return instanceStateAt(instance, now, delays) === 'terminated' ? 'detached' : 'detaching';
  }
  if (attachment.detachRequestedAt !== undefined) return now < attachment.detachRequestedAt + delays.volumeDelayMs ? 'detaching' : 'detached';
  return now < attachment.attachRequestedAt + delays.volumeDelayMs ? 'attaching' : 'attached';
}

export function volumeStateAt(volume: Ec2VolumeRecord, now: number, delays: Delays): Ec2VolumeStateName {
  if (volume.deleteRequestedAt !== undefined) return now < volume.deleteRequestedAt + delays.volumeDelayMs ? 'deleting' : 'deleted';
  if (now < volume.createdAt + delays.volumeDelayMs) return 'creating';
  const attachment = volume.attachment;
  return attachment !== undefined && attachmentStateAt(attachment, now, delays) !== 'detached' ? 'in-use' : 'available';
}

/** The attachment still in force (attaching, attached or detaching), if any. */
export function liveAttachment(volume: Ec2VolumeRecord, now: number, delays: Delays): Ec2VolumeAttachment | undefined {
  const attachment = volume.attachment;
  return attachment !== undefined && attachmentStateAt(attachment, now, delays) !== 'detached' ? attachment : undefined;
}

/** Drops finished detachments and deleted volumes, so records never carry stale links. */
export function settleVolumes(state: Ec2State, now: number): void {
  for (const volume of state.volumes.values()) {
    const attachment = volume.attachment;
    if (attachment !== undefined && attachmentStateAt(attachment, now, state.options) === 'detached') {
      const list = attachment.instance.volumeAttachments ?? [];
      const index = list.indexOf(attachment);
      if (index >= 0) list.splice(index, 1);
      volume.attachment = undefined;
    }
    if (volumeStateAt(volume, now, state.options) === 'deleted') state.volumes.delete(volume.volumeId);
  }
}
