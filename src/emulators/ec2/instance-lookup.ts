import { Ec2Error } from './ec2-error.js';
import { assertInstanceIdFormat } from './ec2-id-formats.js';
import type { Ec2RequestContext } from './ec2-operation.js';
import type { Ec2InstanceRecord } from './ec2-state.js';
import { isVisibleAt } from './instance-lifecycle.js';

/**
 * Instances this region can see: not those launched within the eventual-consistency lag, and
 * terminated ones only for the retention window.
 */
export function visibleInstances(context: Ec2RequestContext): Ec2InstanceRecord[] {
  const { state, region, now } = context;
  const lag = state.options.consistencyLagMs;
  return state.instancesInRegion(region.name).filter((instance) => now >= instance.launchedAt + lag && isVisibleAt(instance, now, state.options));
}

/** Resolves every id or fails the whole request, as EC2 does, naming all the missing ids. */
export function findInstancesByIds(context: Ec2RequestContext, ids: readonly string[]): Ec2InstanceRecord[] {
  ids.forEach(assertInstanceIdFormat);
  const visible = new Map(visibleInstances(context).map((instance) => [instance.instanceId, instance]));
  const missing = ids.filter((id) => !visible.has(id));
  if (missing.length === 1) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  return [...new Set(ids)].flatMap((id) => {
    const instance = visible.get(id);
    return instance === undefined ? [] : [instance];
  });
}
