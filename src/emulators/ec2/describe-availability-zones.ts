import { dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import { type FilterValues, assertKnownFilters, matchesFilters, parseFilters } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import type { Ec2ZoneOption } from './ec2-options.js';
import { itemList } from './ec2-xml.js';
import { el } from './xml-renderer.js';

export const describeAvailabilityZones: Ec2Operation = ({ params, region }) => {
  const names = params.strings('ZoneName');
  const zoneIds = params.strings('ZoneId');
  const filters = parseFilters(params);
  const unknown = [
    ...names.filter((name) => !region.zones.some((zone) => zone.name === name)),
    ...zoneIds.filter((id) => !region.zones.some((zone) => zone.zoneId === id)),
  ];
  if (unknown.length > 0) throw invalidParameterValue(`The zone '${unknown.join(', ')}' does not exist.`);
  const valuesOf = (zone: Ec2ZoneOption): FilterValues => (name) => {
    switch (name) {
      case 'zone-name':
        return [zone.name];
      case 'zone-id':
        return [zone.zoneId];
      case 'region-name':
        return [region.name];
      case 'state':
        return ['available'];
      case 'zone-type':
        return ['availability-zone'];
      case 'opt-in-status':
        return ['opt-in-not-required'];
      default:
        return undefined;
    }
  };
  const first = region.zones[0];
  if (first !== undefined) assertKnownFilters(filters, valuesOf(first));
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const zones = region.zones.filter(
    (zone) =>
      (names.length === 0 || names.includes(zone.name)) &&
      (zoneIds.length === 0 || zoneIds.includes(zone.zoneId)) &&
      matchesFilters(filters, valuesOf(zone)),
  );
  return itemList(
    'availabilityZoneInfo',
    zones.map((zone) => [
      ...el('optInStatus', 'opt-in-not-required'),
      ...el('zoneName', zone.name),
      ...el('zoneId', zone.zoneId),
      ...el('zoneState', 'available'),
      ...el('regionName', region.name),
      ...el('groupName', region.name),
      ...el('networkBorderGroup', region.name),
      ...el('zoneType', 'availability-zone'),
      ...el('messageSet', []),
    ]),
  );
};
