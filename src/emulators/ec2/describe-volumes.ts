import { Ec2Error, dryRunSucceeded } from './ec2-error.js';
import { type FilterValues, matchesFilters, parseFilters, tagFilterValues } from './ec2-filters.js';
import type { Ec2Operation } from './ec2-operation.js';
import type { ResolvedEc2Options } from './ec2-options.js';
import { itemList } from './ec2-xml.js';
import { paginate } from './pagination.js';
import { attachmentStateAt, liveAttachment, volumeStateAt } from './volume-lifecycle.js';
import { findVolumesByIds, volumesInRegion } from './volume-lookup.js';
import type { Ec2VolumeRecord } from './volume-record.js';
import { volumeXml } from './volume-xml.js';
import { el } from './xml-renderer.js';

export const describeVolumes: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const ids = params.strings('VolumeId');
  const filters = parseFilters(params);
  const maxResults = params.integer('MaxResults');
  if (ids.length > 0 && maxResults !== undefined) {
    throw new Ec2Error('InvalidParameterCombination', 'The parameter volumeSet cannot be used with the parameter maxResults');
  }
  const candidates = ids.length > 0 ? findVolumesByIds(context, ids) : volumesInRegion(context);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const matching = candidates.filter((volume) => matchesFilters(filters, volumeFilterValues(volume, now, state.options))).sort((a, b) => a.seq - b.seq);
  const listing = `DescribeVolumes|${region.name}|${params.fingerprint(['Action', 'Version', 'MaxResults', 'NextToken', 'DryRun'])}`;
  const page = paginate(matching, (volume) => volume.seq, { maxResults, nextToken: params.string('NextToken') }, listing, { min: 5, max: 500 });
  return [...itemList('volumeSet', page.items.map((volume) => volumeXml(volume, now, state.options))), ...el('nextToken', page.nextToken)];
};

function volumeFilterValues(volume: Ec2VolumeRecord, now: number, options: ResolvedEc2Options): FilterValues {
  const attachment = liveAttachment(volume, now, options);
  return (name) => {
    switch (name) {
      case 'volume-id':
        return [volume.volumeId];
      case 'status':
        return [volumeStateAt(volume, now, options)];
      case 'availability-zone':
        return [volume.zone];
      case 'size':
        return [String(volume.sizeGiB)];
      case 'volume-type':
        return [volume.volumeType];
      case 'encrypted':
        return [String(volume.encrypted)];
      case 'multi-attach-enabled':
        return ['false'];
      case 'create-time':
        return [new Date(volume.createdAt).toISOString()];
      case 'snapshot-id':
        return [''];
      case 'attachment.instance-id':
        return attachment === undefined ? [] : [attachment.instance.instanceId];
      case 'attachment.device':
        return attachment === undefined ? [] : [attachment.device];
      case 'attachment.status':
        return attachment === undefined ? [] : [attachmentStateAt(attachment, now, options)];
      case 'attachment.delete-on-termination':
        return attachment === undefined ? [] : [String(attachment.deleteOnTermination)];
      case 'attachment.attach-time':
        return attachment === undefined ? [] : [new Date(attachment.attachRequestedAt).toISOString()];
      default:
        return tagFilterValues(name, volume.tags);
    }
  };
}
