import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2InstanceRecord } from './ec2-state.js';
import { itemList, tagSet } from './ec2-xml.js';
import { attachmentStateAt, liveAttachment, volumeStateAt } from './volume-lifecycle.js';
import type { Ec2VolumeAttachment, Ec2VolumeRecord } from './volume-record.js';
import { type XmlElement, el } from './xml-renderer.js';

/** One `VolumeAttachment` (AttachVolume and DetachVolume answer with it, DescribeVolumes lists it). */
export function attachmentXml(attachment: Ec2VolumeAttachment, now: number, options: ResolvedEc2Options): XmlElement[] {
  return [
    ...el('volumeId', attachment.volumeId),
    ...el('instanceId', attachment.instance.instanceId),
    ...el('device', attachment.device),
    ...el('status', attachmentStateAt(attachment, now, options)),
    ...el('attachTime', new Date(attachment.attachRequestedAt)),
    ...el('deleteOnTermination', attachment.deleteOnTermination),
  ];
}

/** One `Volume` in its wire form (CreateVolume answers with its members at the top level). */
export function volumeXml(volume: Ec2VolumeRecord, now: number, options: ResolvedEc2Options): XmlElement[] {
  const attachment = liveAttachment(volume, now, options);
  return [
    ...el('volumeId', volume.volumeId),
    ...el('size', volume.sizeGiB),
    ...el('snapshotId', ''),
    ...el('availabilityZone', volume.zone),
    ...el('status', volumeStateAt(volume, now, options)),
    ...el('createTime', new Date(volume.createdAt)),
    ...itemList('attachmentSet', attachment === undefined ? [] : [attachmentXml(attachment, now, options)]),
    ...(volume.tags.size === 0 ? [] : tagSet(volume.tags)),
    ...el('volumeType', volume.volumeType),
    ...el('iops', volume.iops),
    ...el('throughput', volume.throughput),
    ...el('encrypted', volume.encrypted),
    ...el('multiAttachEnabled', false),
  ];
}

/** The `blockDeviceMapping` items of an instance's data volumes that are still attached (or on their way in or out). */
export function dataVolumeMappings(instance: Ec2InstanceRecord, now: number, options: ResolvedEc2Options): XmlElement[][] {
  return (instance.volumeAttachments ?? []).flatMap((attachment) => {
    const status = attachmentStateAt(attachment, now, options);
    if (status === 'detached') return [];
    return [
      [
        ...el('deviceName', attachment.device),
        ...el('ebs', [
          ...el('volumeId', attachment.volumeId),
          ...el('status', status),
          ...el('attachTime', new Date(attachment.attachRequestedAt)),
          ...el('deleteOnTermination', attachment.deleteOnTermination),
        ]),
      ],
    ];
  });
}
