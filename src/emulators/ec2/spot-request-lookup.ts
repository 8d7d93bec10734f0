import { Ec2Error } from './ec2-error.js';
import { assertSpotRequestIdFormat } from './ec2-id-formats.js';
import type { Ec2RequestContext } from './ec2-operation.js';
import type { Ec2InstanceRecord, Ec2SpotRequestRecord } from './ec2-state.js';
import { isSpotRequestVisibleAt } from './spot-request-lifecycle.js';

/** A spot request with the instance that fulfilled it: its state is read from both. */
export interface SpotRequestView {
  readonly request: Ec2SpotRequestRecord;
  readonly instance: Ec2InstanceRecord;
}

/** The region's spot requests that have not yet been deleted. */
export function visibleSpotRequests(context: Ec2RequestContext): SpotRequestView[] {
  const { state, region, now } = context;
  return [...state.spotRequests.values()].flatMap((request) => {
    const instance = state.instances.get(request.instanceId);
    if (request.region !== region.name || instance === undefined || !isSpotRequestVisibleAt(request, instance, now, state.options)) return [];
    return [{ request, instance }];
  });
}

/** Resolves every id or fails the whole request, naming the missing ids. */
export function findSpotRequestsByIds(context: Ec2RequestContext, ids: readonly string[]): SpotRequestView[] {
  ids.forEach(assertSpotRequestIdFormat);
  const visible = new Map(visibleSpotRequests(context).map((view) => [view.request.spotInstanceRequestId, view]));
  const missing = ids.filter((id) => !visible.has(id));
  if (missing.length === 1) throw new Ec2Error('InvalidSpotInstanceRequestID.NotFound', `The spot instance request ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new Ec2Error('InvalidSpotInstanceRequestID.NotFound', `The spot instance request IDs '${missing.join(', ')}' do not exist`);
  return [...new Set(ids)].flatMap((id) => {
    const view = visible.get(id);
    return view === undefined ? [] : [view];
  });
}
