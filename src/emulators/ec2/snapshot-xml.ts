import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2SnapshotRecord } from './ec2-state.js';
import { tagSet } from './ec2-xml.js';
import { type XmlElement, el } from './xml-renderer.js';

export type Ec2SnapshotState = 'pending' | 'completed';

export function snapshotStateAt(snapshot: Ec2SnapshotRecord, now: number, options: ResolvedEc2Options): Ec2SnapshotState {
  return now < snapshot.startedAt + options.snapshotDelayMs ? 'pending' : 'completed';
}

function progressAt(snapshot: Ec2SnapshotRecord, now: number, options: ResolvedEc2Options): string {
  if (snapshotStateAt(snapshot, now, options) === 'completed') return '100%';
  return `${Math.floor(((now - snapshot.startedAt) / options.snapshotDelayMs) * 100)}%`;
}

/** One `Snapshot` in its wire form: note the state's locationName is `status`. */
export function snapshotXml(snapshot: Ec2SnapshotRecord, now: number, options: ResolvedEc2Options): XmlElement[] {
  const state = snapshotStateAt(snapshot, now, options);
  return [
    ...el('snapshotId', snapshot.snapshotId),
    ...el('volumeId', snapshot.volumeId),
    ...el('status', state),
    ...el('startTime', new Date(snapshot.startedAt)),
    ...el('progress', progressAt(snapshot, now, options)),
    ...el('ownerId', options.accountId),
    ...el('description', snapshot.description),
    ...el('volumeSize', snapshot.volumeSizeGiB),
    ...el('encrypted', false),
    ...el('storageTier', 'standard'),
    ...(snapshot.tags.size === 0 ? [] : tagSet(snapshot.tags)),
    ...(state === 'completed' ? el('completionTime', new Date(snapshot.startedAt + options.snapshotDelayMs)) : []),
  ];
}
