import { dryRunSucceeded } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { findSnapshotsByIds } from './snapshot-lookup.js';
import { el } from './xml-renderer.js';

export const deleteSnapshot: Ec2Operation = (context) => {
  const snapshotId = context.params.requiredString('SnapshotId');
  findSnapshotsByIds(context, [snapshotId]);
  if (context.params.boolean('DryRun') === true) throw dryRunSucceeded();
  context.state.snapshots.delete(snapshotId);
  return el('return', true);
};
