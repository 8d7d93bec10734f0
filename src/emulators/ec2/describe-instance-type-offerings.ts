import { EC2_INSTANCE_TYPES, offeredInZone } from './ec2-catalog.js';
import { dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import { type FilterValues, assertKnownFilters, matchesFilters, parseFilters } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import { itemList } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { el } from './xml-renderer.js';

const LOCATION_TYPES = ['region', 'availability-zone', 'availability-zone-id'] as const;
type LocationType = (typeof LOCATION_TYPES)[number];

interface Offering {
  readonly instanceType: string;
  readonly location: string;
  readonly seq: number;
}

/**
 * DescribeInstanceTypeOfferings: which types each location offers. The default LocationType is
 * `region`; with `availability-zone` a type offered in only some zones (p4de, dl1) lists only those.
 */
export const describeInstanceTypeOfferings: Ec2Operation = ({ params, region }) => {
  const rawType = params.string('LocationType') ?? 'region';
  if (!(LOCATION_TYPES as readonly string[]).includes(rawType)) {
    throw invalidParameterValue(`Value (${rawType}) for parameter locationType is invalid. Valid values are: ${LOCATION_TYPES.join(', ')}`);
  }
  const locationType = rawType as LocationType;
  const filters = parseFilters(params);
  const valuesOf =
    (offering: Offering): FilterValues =>
    (name) => {
      switch (name) {
        case 'instance-type':
          return [offering.instanceType];
        case 'location':
          return [offering.location];
        default:
          return undefined;
      }
    };
  assertKnownFilters(filters, valuesOf({ instanceType: '', location: '', seq: 0 }));
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const offerings: Offering[] = [];
  for (const info of EC2_INSTANCE_TYPES) {
    if (locationType === 'region') {
      offerings.push({ instanceType: info.instanceType, location: region.name, seq: offerings.length + 1 });
      continue;
    }
    for (const zone of region.zones) {
      if (!offeredInZone(info, zone.name)) continue;
      const location = locationType === 'availability-zone' ? zone.name : zone.zoneId;
      offerings.push({ instanceType: info.instanceType, location, seq: offerings.length + 1 });
    }
  }
  const matching = offerings.filter((offering) => matchesFilters(filters, valuesOf(offering)));
  const listing = `DescribeInstanceTypeOfferings|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(matching, (offering) => offering.seq, { maxResults: params.integer('MaxResults'), nextToken: params.string('NextToken') }, listing, {
    min: 5,
    max: 1000,
  });
  return [
    ...itemList(
      'instanceTypeOfferingSet',
      page.items.map((offering) => [...el('instanceType', offering.instanceType), ...el('locationType', locationType), ...el('location', offering.location)]),
    ),
    ...el('nextToken', page.nextToken),
  ];
};
