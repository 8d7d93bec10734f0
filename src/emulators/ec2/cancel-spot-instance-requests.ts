import { dryRunSucceeded, missingParameter } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { itemList } from './ec2-xml.js';
import { spotRequestStatusAt } from './spot-request-lifecycle.js';
import { findSpotRequestsByIds } from './spot-request-lookup.js';
import { el } from './xml-renderer.js';

/** Cancelling stops a request from launching again; it never terminates the instance the request already launched. */
export const cancelSpotInstanceRequests: Ec2Operation = (context) => {
  const { params, state, now } = context;
  const ids = params.strings('SpotInstanceRequestId');
  if (ids.length === 0) throw missingParameter('SpotInstanceRequestId');
  const views = findSpotRequestsByIds(context, ids);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const cancelled = views.map(({ request, instance }) => {
    // A closed request has nothing left to cancel and keeps its state.
    const { state: current } = spotRequestStatusAt(request, instance, now, state.options);
    if (current === 'open' || current === 'active') request.cancelledAt = now;
    const after = spotRequestStatusAt(request, instance, now, state.options).state;
    return [...el('spotInstanceRequestId', request.spotInstanceRequestId), ...el('state', after)];
  });
  return itemList('spotInstanceRequestSet', cancelled);
};
