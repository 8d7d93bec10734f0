import { Ec2Error, dryRunSucceeded } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { attachmentStateAt, liveAttachment, volumeStateAt } from './volume-lifecycle.js';
import { findVolume } from './volume-lookup.js';
import { attachmentXml } from './volume-xml.js';

/** Starts detaching a data volume; a root volume cannot leave a running instance. */
export const detachVolume: Ec2Operation = (context) => {
  const { params, state, now } = context;
  const volumeId = params.requiredString('VolumeId');
  const volume = findVolume(context, volumeId);
  const attachment = liveAttachment(volume, now, state.options);
  if (attachment === undefined) throw new Ec2Error('IncorrectState', `Volume '${volumeId}' is in the '${volumeStateAt(volume, now, state.options)}' state.`);
  const instanceId = params.string('InstanceId');
  if (instanceId !== undefined && instanceId !== attachment.instance.instanceId) {
    throw new Ec2Error('InvalidAttachment.NotFound', `The volume '${volumeId}' is not attached to instance '${instanceId}'.`);
  }
  const device = params.string('Device');
  if (device !== undefined && device !== attachment.device) {
    throw new Ec2Error('InvalidAttachment.NotFound', `The volume '${volumeId}' is not attached at '${device}'.`);
  }
  if (volume.root) throw new Ec2Error('OperationNotPermitted', `Unable to detach root volume '${volumeId}' from instance '${attachment.instance.instanceId}'`);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  // Detaching twice (or while the instance shuts down) changes nothing.
  if (attachmentStateAt(attachment, now, state.options) !== 'detaching') attachment.detachRequestedAt = now;
  return attachmentXml(attachment, now, state.options);
};
