import { dryRunSucceeded } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters, tagFilterValues } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import type { ResolvedEc2Options } from './ec2-options.js';
import { itemList } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { SPOT_PRODUCT_DESCRIPTION } from './spot-prices.js';
import { spotRequestStatusAt } from './spot-request-lifecycle.js';
import { type SpotRequestView, findSpotRequestsByIds, visibleSpotRequests } from './spot-request-lookup.js';
import { spotRequestXml } from './spot-request-xml.js';
import { el } from './xml-renderer.js';

export const describeSpotInstanceRequests: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const ids = params.strings('SpotInstanceRequestId');
  const filters = parseFilters(params);
  const candidates = ids.length > 0 ? findSpotRequestsByIds(context, ids) : visibleSpotRequests(context);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const matching = candidates
    .filter((view) => matchesFilters(filters, spotRequestFilterValues(view, now, state.options)))
    .sort((a, b) => a.request.seq - b.request.seq);
  const listing = `DescribeSpotInstanceRequests|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(matching, (view) => view.request.seq, { maxResults: params.integer('MaxResults'), nextToken: params.string('NextToken') }, listing, {
    min: 5,
    max: 1000,
  });
  return [
    ...itemList(
      'spotInstanceRequestSet',
      page.items.map((view) => spotRequestXml(view, region, now, state.options)),
    ),
    ...el('nextToken', page.nextToken),
  ];
};

function spotRequestFilterValues({ request, instance }: SpotRequestView, now: number, options: ResolvedEc2Options): FilterValues {
  return (name) => {
    switch (name) {
      case 'spot-instance-request-id':
        return [request.spotInstanceRequestId];
      case 'state':
        return [spotRequestStatusAt(request, instance, now, options).state];
      case 'status-code':
        return [spotRequestStatusAt(request, instance, now, options).code];
      case 'status-message':
        return [spotRequestStatusAt(request, instance, now, options).message];
      case 'instance-id':
        return [instance.instanceId];
      case 'type':
        return [request.type];
      case 'spot-price':
        return [request.spotPrice];
      case 'create-time':
        return [new Date(request.createdAt).toISOString()];
      case 'product-description':
        return [SPOT_PRODUCT_DESCRIPTION];
      case 'launched-availability-zone':
        return [instance.zone];
      case 'launch.instance-type':
        return [instance.instanceType];
      case 'launch.image-id':
        return [instance.imageId];
      case 'launch.key-name':
        return instance.keyName === undefined ? [] : [instance.keyName];
      default:
        return tagFilterValues(name, request.tags);
    }
  };
}
