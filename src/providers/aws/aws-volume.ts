import type { Volume } from '@aws-sdk/client-ec2';
import { materialize, type ProviderVolume, ProviderVolumeSchema } from '../../contracts/index.js';
import { tagsOf } from './aws-instance.js';

/** The tags Hangar puts on EBS volumes and on the instances that wait for them. */
export const VOLUME_TAGS = {
  /** The volume's Hangar name (VolumeOptions.name); every volume Hangar creates has one, root volumes do not. */
  name: 'hangar:volume',
  /** `<zone>/<sizeGiB>`: an unclaimed volume of that warm pool. */
  warmPool: 'hangar:warm-pool',
  /** The pool a claimed (or fallback) warm volume came from, for counting claims per pool. */
  warmOrigin: 'hangar:warm-origin',
  /** The Hangar instance id that claimed a warm volume; the volume dies after that instance (reclaim). */
  claimedBy: 'hangar:claimed-by',
  claimedAt: 'hangar:claimed-at',
  /** On an instance: the volume ids it must be given once running (comma-separated; `-2`, `-3`… continue a long list). */
  attachVolumes: 'hangar:attach-volumes',
} as const;

/** EC2 tag values hold 256 characters: 11 ids of 21 characters and their commas per tag. */
const IDS_PER_TAG = 11;

export function attachVolumeTags(volumeIds: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let start = 0, part = 1; start < volumeIds.length; start += IDS_PER_TAG, part += 1) {
    tags[part === 1 ? VOLUME_TAGS.attachVolumes : `${VOLUME_TAGS.attachVolumes}-${part}`] = volumeIds.slice(start, start + IDS_PER_TAG).join(',');
  }
  return tags;
}

/** The volume ids an instance's tags say it must be given, in order. */
export function pendingAttachIds(tags: Readonly<Record<string, string>>): string[] {
  const parts = Object.keys(tags)
    .filter((key) => key === VOLUME_TAGS.attachVolumes || /^hangar:attach-volumes-\d+$/.test(key))
    .sort((a, b) => partOf(a) - partOf(b));
  return parts.flatMap((key) => (tags[key] ?? '').split(',').filter((id) => id !== ''));
}

function partOf(key: string): number {
  const match = /-(\d+)$/.exec(key);
  return key === VOLUME_TAGS.attachVolumes || match?.[1] === undefined ? 1 : Number(match[1]);
}

export function warmPoolKey(zone: string, sizeGiB: number): string {
  return `${zone}/${sizeGiB}`;
}

/** The attachments that still hold the volume (attaching, attached, detaching). */
export function holdingInstanceIds(volume: Volume): string[] {
  return (volume.Attachments ?? []).flatMap((attachment) =>
    attachment.State === 'detached' || attachment.InstanceId === undefined ? [] : [attachment.InstanceId],
  );
}

/** An SDK `Volume` as the generic volume; a shape Hangar cannot read fails loudly (VendorResponseError). */
export function toProviderVolume(volume: Volume, region: string): ProviderVolume {
  const tags = tagsOf(volume.Tags);
  return materialize(
    ProviderVolumeSchema,
    {
      providerVolumeId: volume.VolumeId,
      name: tags[VOLUME_TAGS.name] ?? tags.Name ?? volume.VolumeId,
      region,
      zone: volume.AvailabilityZone ?? null,
      sizeGiB: volume.Size ?? null,
      status: volume.State,
      attachedTo: holdingInstanceIds(volume),
      tags,
      createdAt: volume.CreateTime?.toISOString() ?? null,
    },
    'aws',
    `volume ${volume.VolumeId ?? '(no id)'}`,
  );
}
