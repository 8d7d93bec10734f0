import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVolumesCommand,
  type Filter,
  type Volume,
} from '@aws-sdk/client-ec2';
import { ProviderError } from '../../contracts/index.js';
import { abortable } from '../../lib/abortable-wait.js';
import { toTagList } from './aws-instance.js';
import { type Ec2Clients, sendOptions } from './ec2-clients.js';
import { ec2Error, isEc2Outcome } from './ec2-errors.js';

/** DescribeVolumes pages hold 5–500 volumes. */
const VOLUME_PAGE_SIZE = 500;

/**
 * The small EBS calls the volume code shares; every failure leaves through the one error table.
 * Each takes the caller's signal (none: background work such as the warm-pool pass).
 */
export class EbsCalls {
  private readonly firstZones = new Map<string, Promise<string>>();

  constructor(readonly clients: Ec2Clients) {}

  /** Every volume of the region matching `filters`, all pages. */
  async describeVolumes(region: string, filters: Filter[], signal?: AbortSignal): Promise<Volume[]> {
    const client = this.clients.of(region);
    const volumes: Volume[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client
        .send(new DescribeVolumesCommand({ MaxResults: VOLUME_PAGE_SIZE, NextToken: nextToken, ...(filters.length > 0 && { Filters: filters }) }), sendOptions(signal))
        .catch((error: unknown) => {
          throw ec2Error('DescribeVolumes', region, error);
        });
      volumes.push(...(page.Volumes ?? []));
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return volumes;
  }

  /** The volume, or null when the region does not know it (unknown or malformed id). */
  async describeVolume(region: string, volumeId: string, signal?: AbortSignal): Promise<Volume | null> {
    try {
      const answer = await this.clients.of(region).send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }), sendOptions(signal));
      return answer.Volumes?.find((volume) => volume.VolumeId === volumeId) ?? null;
    } catch (error) {
      if (isEc2Outcome(error, 'NOT_FOUND')) return null;
      throw ec2Error('DescribeVolumes', region, error);
    }
  }

  async tag(region: string, resourceIds: string[], tags: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.clients
      .of(region)
      .send(new CreateTagsCommand({ Resources: resourceIds, Tags: toTagList(tags) }), sendOptions(signal))
      .catch((error: unknown) => {
        throw ec2Error('CreateTags', region, error);
      });
  }

  /** Deletes tag keys; with a value, only where the tag still has that value. */
  async untag(region: string, resourceIds: string[], tags: { key: string; value?: string }[], signal?: AbortSignal): Promise<void> {
    await this.clients
      .of(region)
      .send(
        new DeleteTagsCommand({ Resources: resourceIds, Tags: tags.map(({ key, value }) => ({ Key: key, ...(value !== undefined && { Value: value }) })) }),
        sendOptions(signal),
      )
      .catch((error: unknown) => {
        throw ec2Error('DeleteTags', region, error);
      });
  }

  /**
   * The region's first available zone by name: where a volume without a zone goes. The look-up is
   * shared by every caller, so a caller's signal ends only its own wait, never the look-up.
   */
  firstZone(region: string, signal?: AbortSignal): Promise<string> {
    let zone = this.firstZones.get(region);
    if (zone === undefined) {
      zone = this.lookUpFirstZone(region);
      this.firstZones.set(region, zone);
      zone.catch(() => this.firstZones.delete(region));
    }
    return abortable(zone, signal);
  }

  private async lookUpFirstZone(region: string): Promise<string> {
    const answer = await this.clients
      .of(region)
      .send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }))
      .catch((error: unknown) => {
        throw ec2Error('DescribeAvailabilityZones', region, error);
      });
    const names = (answer.AvailabilityZones ?? []).flatMap((zone) => (zone.ZoneName === undefined ? [] : [zone.ZoneName])).sort();
    const first = names[0];
    if (first === undefined) throw new ProviderError({ code: 'CAPACITY_ERROR', provider: 'aws', message: `aws: region ${region} has no available zone` });
    return first;
  }
}
