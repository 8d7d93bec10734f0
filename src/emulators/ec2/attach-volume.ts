import { Ec2Error, dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { instanceStateAt } from './instance-lifecycle.js';
import { findInstancesByIds } from './instance-lookup.js';
import { attachmentStateAt, volumeStateAt } from './volume-lifecycle.js';
import { findVolume } from './volume-lookup.js';
import type { Ec2VolumeAttachment } from './volume-record.js';
import { attachmentXml } from './volume-xml.js';

/** The device names EC2 accepts for EBS data volumes on HVM instances. */
const EBS_DEVICE_NAME = /^(?:\/dev\/)?(?:sd[b-z]|xvd[b-z]|xvd[a-d][a-z])$/;
const ROOT_DEVICE_NAME = '/dev/xvda';

/** Attaches an available volume to a running instance of the same zone; the attachment starts `attaching`. */
export const attachVolume: Ec2Operation = (context) => {
  const { params, state, now } = context;
  const volumeId = params.requiredString('VolumeId');
  const instanceId = params.requiredString('InstanceId');
  const device = params.requiredString('Device');
  const volume = findVolume(context, volumeId);
  const [instance] = findInstancesByIds(context, [instanceId]);
  if (instance === undefined) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  if (!EBS_DEVICE_NAME.test(device)) throw invalidParameterValue(`Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`);
  const volumeState = volumeStateAt(volume, now, state.options);
  if (volumeState === 'in-use') {
    throw new Ec2Error('VolumeInUse', `${volumeId} is already attached to an instance`);
  }
  if (volumeState !== 'available') throw new Ec2Error('IncorrectState', `${volumeId} is not 'available'.`);
  const instanceState = instanceStateAt(instance, now, state.options);
  if (instanceState !== 'running') throw new Ec2Error('IncorrectInstanceState', `The instance '${instanceId}' is not in the 'running' state.`);
  if (volume.zone !== instance.zone) {
    throw new Ec2Error('InvalidVolume.ZoneMismatch', `The volume '${volumeId}' is not in the same availability zone as instance '${instanceId}'`);
  }
  const taken = [ROOT_DEVICE_NAME, ...(instance.volumeAttachments ?? []).filter((held) => attachmentStateAt(held, now, state.options) !== 'detached').map((held) => held.device)];
  if (taken.some((name) => normalize(name) === normalize(device))) throw invalidParameterValue(`Attachment point ${device} is already in use`);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const attachment: Ec2VolumeAttachment = { volumeId, instance, device, attachRequestedAt: now, detachRequestedAt: undefined, deleteOnTermination: false };
  volume.attachment = attachment;
  instance.volumeAttachments ??= [];
  instance.volumeAttachments.push(attachment);
  return attachmentXml(attachment, now, state.options);
};

function normalize(device: string): string {
  return device.replace(/^\/dev\//, '').replace(/^xvd/, 'sd');
}
