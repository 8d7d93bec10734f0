import { Ec2Error } from './ec2-error.js';
import { assertSnapshotIdFormat } from './ec2-id-formats.js';
import type { Ec2RequestContext } from './ec2-operation.js';
import type { Ec2SnapshotRecord } from './ec2-state.js';

export function snapshotsInRegion(context: Ec2RequestContext): Ec2SnapshotRecord[] {
  return [...context.state.snapshots.values()].filter((snapshot) => snapshot.region === context.region.name);
}

/** Resolves every id or fails the whole request, naming the missing ids. */
export function findSnapshotsByIds(context: Ec2RequestContext, ids: readonly string[]): Ec2SnapshotRecord[] {
  ids.forEach(assertSnapshotIdFormat);
  const known = new Map(snapshotsInRegion(context).map((snapshot) => [snapshot.snapshotId, snapshot]));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length === 1) throw new Ec2Error('InvalidSnapshot.NotFound', `The snapshot '${missing[0]}' does not exist.`);
  if (missing.length > 1) throw new Ec2Error('InvalidSnapshot.NotFound', `The snapshots '${missing.join(', ')}' do not exist.`);
  return [...new Set(ids)].flatMap((id) => {
    const snapshot = known.get(id);
    return snapshot === undefined ? [] : [snapshot];
  });
}
