import { EC2_INSTANCE_TYPES, offeredInZone } from './ec2-catalog.js';
import { dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import type { QueryParams } from './query-params.js';
import { itemList } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { SPOT_PRICE_PERIOD_MS, SPOT_PRODUCT_DESCRIPTION, spotPriceAt, spotPricePeriodStart } from './spot-prices.js';
import { el } from './xml-renderer.js';

const HISTORY_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;

interface SpotPricePoint {
  readonly zone: string;
  readonly zoneId: string;
  readonly instanceType: string;
  readonly price: string;
  readonly timestamp: number;
}

export const describeSpotPriceHistory: Ec2Operation = ({ params, region, state, now }) => {
  const endTime = Math.min(readTime(params, 'EndTime') ?? now, now);
  const startTime = Math.max(readTime(params, 'StartTime') ?? endTime, now - HISTORY_WINDOW_MS);
  if (startTime > endTime) throw invalidParameterValue('The start time must be before the end time.');
  const types = params.strings('InstanceType');
  const unknownType = types.find((type) => !EC2_INSTANCE_TYPES.some((info) => info.instanceType === type));
  if (unknownType !== undefined) throw invalidParameterValue(`The following supplied instance types do not exist: [${unknownType}]`);
  const products = params.strings('ProductDescription');
  const zoneName = params.string('AvailabilityZone');
  const zoneId = params.string('AvailabilityZoneId');
  const filters = parseFilters(params);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();

  const points: SpotPricePoint[] = [];
  if (products.length === 0 || products.includes(SPOT_PRODUCT_DESCRIPTION)) {
    for (const zone of region.zones) {
      if ((zoneName !== undefined && zone.name !== zoneName) || (zoneId !== undefined && zone.zoneId !== zoneId)) continue;
      for (const type of EC2_INSTANCE_TYPES) {
        if (types.length > 0 && !types.includes(type.instanceType)) continue;
        // EC2 prices only what it sells as spot in that zone: no history for an on-demand-only type or an unoffered zone.
        if (!type.usageClasses.includes('spot') || !offeredInZone(type, zone.name)) continue;
        // The price in effect at StartTime, then every change up to EndTime.
        for (let period = spotPricePeriodStart(startTime); period <= endTime; period += SPOT_PRICE_PERIOD_MS) {
          points.push({ zone: zone.name, zoneId: zone.zoneId, instanceType: type.instanceType, price: spotPriceAt(state.options.seed, zone.name, type, period), timestamp: period });
        }
      }
    }
  }
  const matching = points
    .filter((point) => matchesFilters(filters, spotPriceFilterValues(point)))
    .sort((a, b) => b.timestamp - a.timestamp)
    .map((point, index) => ({ point, seq: index + 1 }));
  const listing = `DescribeSpotPriceHistory|${region.name}|${startTime}|${endTime}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun', 'StartTime', 'EndTime'])}`;
  const page = paginate(matching, (entry) => entry.seq, { maxResults: params.integer('MaxResults'), nextToken: params.string('NextToken') }, listing, {
    min: 1,
    max: 1000,
  });
  return [
    ...itemList(
      'spotPriceHistorySet',
      page.items.map(({ point }) => [
        ...el('instanceType', point.instanceType),
        ...el('productDescription', SPOT_PRODUCT_DESCRIPTION),
        ...el('spotPrice', point.price),
        ...el('timestamp', new Date(point.timestamp)),
        ...el('availabilityZone', point.zone),
        ...el('availabilityZoneId', point.zoneId),
      ]),
    ),
    ...el('nextToken', page.nextToken),
  ];
};

function readTime(params: QueryParams, name: string): number | undefined {
  const raw = params.string(name);
  if (raw === undefined) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw invalidParameterValue(`Invalid value '${raw}' for ${name}.`);
  return time;
}

function spotPriceFilterValues(point: SpotPricePoint): FilterValues {
  return (name) => {
    switch (name) {
      case 'availability-zone':
        return [point.zone];
      case 'instance-type':
        return [point.instanceType];
      case 'product-description':
        return [SPOT_PRODUCT_DESCRIPTION];
      case 'spot-price':
        return [point.price];
      case 'timestamp':
        return [new Date(point.timestamp).toISOString()];
      default:
        return undefined;
    }
  };
}
