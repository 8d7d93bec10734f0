import { Ec2Error, dryRunSucceeded } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters, tagFilterValues } from './ec2-filters.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2InstanceRecord } from './ec2-state.js';
import { itemList } from './ec2-xml.js';
import { instanceStateAt } from './instance-lifecycle.js';
import { findInstancesByIds, visibleInstances } from './instance-lookup.js';
import { instanceXml, reservationXml } from './instance-xml.js';
import { paginate } from './pagination.js';
import { el } from './xml-renderer.js';

export const describeInstances: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const ids = params.strings('InstanceId');
  const filters = parseFilters(params);
  const maxResults = params.integer('MaxResults');
  if (ids.length > 0 && maxResults !== undefined) {
    throw new Ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const candidates =
    ids.length > 0
      ? findInstancesByIds(context, ids)
      : visibleInstances(context).filter((instance) => !context.chaos.hiddenFromList(instance.launchedAt, now, instance.instanceId));
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  for (const instance of candidates) serveSpotInterruption(context, instance);
  const matching = candidates
    .filter((instance) => matchesFilters(filters, instanceFilterValues(instance, now, state.options)))
    .sort((a, b) => a.seq - b.seq);
  const listing = `DescribeInstances|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(matching, (instance) => instance.seq, { maxResults, nextToken: params.string('NextToken') }, listing, { min: 5, max: 1000 });

  const reservations: Ec2InstanceRecord[][] = [];
  for (const instance of page.items) {
    const current = reservations[reservations.length - 1];
    if (current?.[0]?.reservationId === instance.reservationId) current.push(instance);
    else reservations.push([instance]);
  }
  return [
    ...itemList(
      'reservationSet',
      reservations.map((members) =>
        reservationXml(
          members[0]?.reservationId ?? '',
          state.options.accountId,
          members.map((instance) => instanceXml(instance, now, state.options)),
        ),
      ),
    ),
    ...el('nextToken', page.nextToken),
  ];
};

/** A running spot instance may get its reclaim notice on any read (the scenario's `spotInterruptions`). */
function serveSpotInterruption(context: Ec2RequestContext, instance: Ec2InstanceRecord): void {
  const { chaos, now, state } = context;
  if (instance.spotInstanceRequestId === undefined || instance.interruptAt !== undefined) return;
  if (instanceStateAt(instance, now, state.options) !== 'running') return;
  const noticeMs = chaos.spotInterruptionNotice(instance.instanceId);
  if (noticeMs !== null) instance.interruptAt = now + noticeMs;
}

function instanceFilterValues(instance: Ec2InstanceRecord, now: number, options: ResolvedEc2Options): FilterValues {
  return (name) => {
    switch (name) {
      case 'instance-id':
        return [instance.instanceId];
      case 'instance-state-name':
        return [instanceStateAt(instance, now, options)];
      case 'availability-zone':
        return [instance.zone];
      case 'instance-type':
        return [instance.instanceType];
      case 'image-id':
        return [instance.imageId];
      case 'reservation-id':
        return [instance.reservationId];
      case 'client-token':
        return instance.clientToken === undefined ? [] : [instance.clientToken];
      case 'instance-lifecycle':
        return instance.spotInstanceRequestId === undefined ? [] : ['spot'];
      case 'spot-instance-request-id':
        return instance.spotInstanceRequestId === undefined ? [] : [instance.spotInstanceRequestId];
      default:
        return tagFilterValues(name, instance.tags);
    }
  };
}
