import { Ec2Error, invalidParameterValue } from './ec2-error.js';
import type { Ec2RequestContext } from './ec2-operation.js';
import { holdsCapacityAt } from './instance-lifecycle.js';
import { type Ec2SubnetRecord, subnetStore } from './subnet-state.js';

/**
 * How launches (RunInstances, CreateFleet) find their subnet: a named subnet fixes the zone; a
 * launch that names none goes to the default subnet of its zone, which needs a default VPC
 * (`VPCIdNotSpecified` without one).
 */

/** Addresses still free in the subnet: its count less every instance in it that is not yet terminated. */
export function freeAddresses(context: Ec2RequestContext, subnet: Ec2SubnetRecord): number {
  const { state, now } = context;
  let used = 0;
  for (const instance of state.instances.values()) {
    if (instance.subnetId === subnet.subnetId && holdsCapacityAt(instance, now, state.options)) used += 1;
  }
  return Math.max(0, subnet.addressCount - used);
}

/** EC2's answer for a subnet id the region does not know. */
export function subnetNotFound(subnetId: string): Ec2Error {
  return new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
}

/**
 * The subnet a launch names, checked before anything is placed: it must exist in the region, and a
 * Placement zone that differs from the subnet's is EC2's InvalidParameterValue. Undefined when the
 * launch names none (it then goes to `defaultSubnet` of the zone it is placed in), which needs a
 * default VPC.
 */
export function namedSubnet(context: Ec2RequestContext, subnetId: string | undefined, requestedZone: string | undefined): Ec2SubnetRecord | undefined {
  const { state, region } = context;
  const store = subnetStore(state);
  if (subnetId === undefined) {
    // No default VPC and no subnet: EC2 has nowhere to put the instance.
    if (!store.inRegion(region.name).some((subnet) => subnet.defaultForAz)) throw new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
    return undefined;
  }
  const subnet = store.find(region.name, subnetId);
  if (subnet === undefined) throw subnetNotFound(subnetId);
  if (requestedZone !== undefined && requestedZone !== subnet.zone) {
    // Real EC2's wording (seen in the wild, e.g. InQuicker/kaws#11): the zone must be the subnet's.
    throw invalidParameterValue(`Value (${requestedZone}) for parameter availabilityZone is invalid. Subnet '${subnetId}' is in the availability zone ${subnet.zone}`);
  }
  return subnet;
}

/** Where a launch that named no subnet lands: the default subnet of its zone (`namedSubnet` has checked there is a default VPC). */
export function defaultSubnet(context: Ec2RequestContext, zone: string): Ec2SubnetRecord {
  const subnet = subnetStore(context.state).defaultFor(zone);
  if (subnet === undefined) throw new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
  return subnet;
}
