import { Ec2Error, dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters, tagFilterValues } from './ec2-filters.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import { itemList, tagSet } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { freeAddresses } from './subnet-lookup.js';
import { type Ec2SubnetRecord, subnetStore } from './subnet-state.js';
import { type XmlElement, el } from './xml-renderer.js';

/**
 * DescribeSubnets: the region's subnets by `SubnetId.N` (an unknown id fails the whole request, as
 * EC2 does) and `Filter.N`, in pages of `MaxResults` (5-1000, the model's DescribeSubnetsMaxResults).
 * `AvailableIpAddressCount` falls as instances take addresses and rises once they are terminated.
 */
export const describeSubnets: Ec2Operation = (context) => {
  const { params, state, region } = context;
  const ids = params.strings('SubnetId');
  const filters = parseFilters(params);
  for (const filter of filters) if (filterValues(context, undefined)(filter.name) === undefined) throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
  const subnets = subnetStore(state).inRegion(region.name);
  const missing = ids.filter((id) => !subnets.some((subnet) => subnet.subnetId === id));
  if (missing.length === 1) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet IDs '${missing.join(', ')}' do not exist`);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const matching = subnets.filter((subnet) => (ids.length === 0 || ids.includes(subnet.subnetId)) && matchesFilters(filters, filterValues(context, subnet)));
  const listing = `DescribeSubnets|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(matching, (subnet) => subnet.seq, { maxResults: params.integer('MaxResults'), nextToken: params.string('NextToken') }, listing, { min: 5, max: 1000 });
  return [...itemList('subnetSet', page.items.map((subnet) => subnetXml(context, subnet))), ...el('nextToken', page.nextToken)];
};

/**
 * The filters the model documents, under their alternative names too. The emulator has no IPv6,
 * Outposts, customer-owned pools or DNS64, so those filters are known but match only their absence.
 * With no subnet, only whether a name is known is answered (the values are empty).
 */
function filterValues(context: Ec2RequestContext, subnet: Ec2SubnetRecord | undefined): FilterValues {
  const one = (value: (subnet: Ec2SubnetRecord) => string): string[] => (subnet === undefined ? [] : [value(subnet)]);
  return (name) => {
    switch (name) {
      case 'availability-zone':
      case 'availabilityZone':
        return one((s) => s.zone);
      case 'availability-zone-id':
      case 'availabilityZoneId':
        return one((s) => s.zoneId);
      case 'available-ip-address-count':
        return one((s) => String(freeAddresses(context, s)));
      case 'cidr-block':
      case 'cidr':
      case 'cidrBlock':
        return one((s) => s.cidrBlock);
      case 'default-for-az':
      case 'defaultForAz':
        return one((s) => String(s.defaultForAz));
      case 'map-public-ip-on-launch':
        return one((s) => String(s.mapPublicIpOnLaunch));
      case 'owner-id':
        return one(() => context.state.options.accountId);
      case 'state':
        return one(() => 'available');
      case 'subnet-arn':
        return one((s) => subnetArn(context, s));
      case 'subnet-id':
        return one((s) => s.subnetId);
      case 'vpc-id':
        return one((s) => s.vpcId);
      case 'enable-dns64':
      case 'ipv6-native':
      case 'map-customer-owned-ip-on-launch':
      case 'private-dns-name-options-on-launch.enable-resource-name-dns-a-record':
      case 'private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record':
        return one(() => 'false');
      case 'private-dns-name-options-on-launch.hostname-type':
        return one(() => 'ip-name');
      case 'customer-owned-ipv4-pool':
      case 'enable-lni-at-device-index':
      case 'ipv6-cidr-block-association.ipv6-cidr-block':
      case 'ipv6-cidr-block-association.association-id':
      case 'ipv6-cidr-block-association.state':
      case 'outpost-arn':
        return [];
      default:
        return tagFilterValues(name, subnet?.tags ?? new Map());
    }
  };
}

function subnetArn(context: Ec2RequestContext, subnet: Ec2SubnetRecord): string {
  return `arn:aws:ec2:${subnet.region}:${context.state.options.accountId}:subnet/${subnet.subnetId}`;
}

/** One `Subnet` in its wire form (the model's Subnet shape, by locationName). */
function subnetXml(context: Ec2RequestContext, subnet: Ec2SubnetRecord): XmlElement[] {
  return [
    ...el('subnetId', subnet.subnetId),
    ...el('subnetArn', subnetArn(context, subnet)),
    ...el('state', 'available'),
    ...el('vpcId', subnet.vpcId),
    ...el('cidrBlock', subnet.cidrBlock),
    ...el('ipv6CidrBlockAssociationSet', []),
    ...el('availableIpAddressCount', freeAddresses(context, subnet)),
    ...el('availabilityZone', subnet.zone),
    ...el('availabilityZoneId', subnet.zoneId),
    ...el('defaultForAz', subnet.defaultForAz),
    ...el('mapPublicIpOnLaunch', subnet.mapPublicIpOnLaunch),
    ...el('mapCustomerOwnedIpOnLaunch', false),
    ...el('assignIpv6AddressOnCreation', false),
    ...el('ipv6Native', false),
    ...el('enableDns64', false),
    ...el('ownerId', context.state.options.accountId),
    ...(subnet.tags.size === 0 ? [] : tagSet(subnet.tags)),
    ...el('privateDnsNameOptionsOnLaunch', [
      ...el('hostnameType', 'ip-name'),
      ...el('enableResourceNameDnsARecord', false),
      ...el('enableResourceNameDnsAAAARecord', false),
    ]),
  ];
}
