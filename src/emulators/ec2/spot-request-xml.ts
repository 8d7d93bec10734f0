import type { Ec2RegionOption, ResolvedEc2Options } from './ec2-options.js';
import { tagSet } from './ec2-xml.js';
import { SPOT_PRODUCT_DESCRIPTION } from './spot-prices.js';
import { spotRequestStatusAt } from './spot-request-lifecycle.js';
import type { SpotRequestView } from './spot-request-lookup.js';
import { type XmlElement, el } from './xml-renderer.js';

/** One `SpotInstanceRequest` in its wire form (locationNames from the SDK's EC2 model). */
export function spotRequestXml({ request, instance }: SpotRequestView, region: Ec2RegionOption, now: number, options: ResolvedEc2Options): XmlElement[] {
  const status = spotRequestStatusAt(request, instance, now, options);
  return [
    ...el('spotInstanceRequestId', request.spotInstanceRequestId),
    ...el('spotPrice', request.spotPrice),
    ...el('type', request.type),
    ...el('state', status.state),
    ...el('status', [...el('code', status.code), ...el('updateTime', new Date(status.updatedAt)), ...el('message', status.message)]),
    ...el('launchSpecification', [
      ...el('imageId', instance.imageId),
      ...el('keyName', instance.keyName),
      ...el('instanceType', instance.instanceType),
      ...el('placement', [...el('availabilityZone', instance.zone), ...el('tenancy', 'default')]),
      ...el('subnetId', instance.subnetId),
      ...el('monitoring', el('enabled', false)),
    ]),
    ...el('createTime', new Date(request.createdAt)),
    ...el('productDescription', SPOT_PRODUCT_DESCRIPTION),
    ...(request.tags.size === 0 ? [] : tagSet(request.tags)),
    ...el('instanceId', instance.instanceId),
    ...el('launchedAvailabilityZone', instance.zone),
    ...el('launchedAvailabilityZoneId', region.zones.find((zone) => zone.name === instance.zone)?.zoneId),
    ...el('instanceInterruptionBehavior', request.interruptionBehavior),
  ];
}
