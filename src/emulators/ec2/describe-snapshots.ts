import { dryRunSucceeded } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters, tagFilterValues } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2SnapshotRecord } from './ec2-state.js';
import { itemList } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { findSnapshotsByIds, snapshotsInRegion } from './snapshot-lookup.js';
import { snapshotStateAt, snapshotXml } from './snapshot-xml.js';
import { el } from './xml-renderer.js';

export const describeSnapshots: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const ids = params.strings('SnapshotId');
  const owners = params.strings('Owner');
  const filters = parseFilters(params);
  const candidates = ids.length > 0 ? findSnapshotsByIds(context, ids) : snapshotsInRegion(context);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  // Every snapshot here belongs to the caller; there are no public or Amazon-owned ones.
  const ownedOk = owners.length === 0 || owners.some((owner) => owner === 'self' || owner === state.options.accountId);
  const matching = (ownedOk ? candidates : [])
    .filter((snapshot) => matchesFilters(filters, snapshotFilterValues(snapshot, now, state.options)))
    .sort((a, b) => a.seq - b.seq);
  const listing = `DescribeSnapshots|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(matching, (snapshot) => snapshot.seq, { maxResults: params.integer('MaxResults'), nextToken: params.string('NextToken') }, listing, {
    min: 5,
    max: 1000,
  });
  return [...itemList('snapshotSet', page.items.map((snapshot) => snapshotXml(snapshot, now, state.options))), ...el('nextToken', page.nextToken)];
};

function snapshotFilterValues(snapshot: Ec2SnapshotRecord, now: number, options: ResolvedEc2Options): FilterValues {
  return (name) => {
    switch (name) {
      case 'snapshot-id':
        return [snapshot.snapshotId];
      case 'volume-id':
        return [snapshot.volumeId];
      case 'status':
        return [snapshotStateAt(snapshot, now, options)];
      case 'owner-id':
        return [options.accountId];
      case 'description':
        return [snapshot.description];
      case 'volume-size':
        return [String(snapshot.volumeSizeGiB)];
      default:
        return tagFilterValues(name, snapshot.tags);
    }
  };
}
