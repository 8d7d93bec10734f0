import { type Filter, paginateDescribeSubnets } from '@aws-sdk/client-ec2';
import { ProviderError } from '../../contracts/index.js';
import { abortable } from '../../lib/abortable-wait.js';
import type { AwsConfig } from './aws-config.js';
import type { Ec2Clients } from './ec2-clients.js';
import { ec2Error } from './ec2-errors.js';

/**
 * Where the configured subnets are. A subnet lives in exactly one zone, and EC2 refuses a launch
 * whose Placement zone is not its subnet's (InvalidParameterValue), so choosing a zone means
 * choosing a subnet in it (as Karpenter and SkyPilot do). The subnets come from the config, by id
 * (zones read from EC2) or by tag (Karpenter's subnetSelectorTerms), and are read with
 * DescribeSubnets per region, cached for a while: subnets change rarely, their free addresses often.
 */

/** What `providers.aws` says about subnets. */
export type SubnetSource =
  /** The single `subnetId`: every launch in it, so in its zone only. */
  | { readonly key: 'subnetId'; readonly ids: readonly string[] }
  /** `subnets`: ids, with the zone the config claims for each when it is the zone-to-id mapping. */
  | { readonly key: 'subnets'; readonly ids: readonly string[]; readonly declaredZones: ReadonlyMap<string, string> }
  /** `subnetSelector`: every available subnet that carries all these tags (`*`: any value). */
  | { readonly key: 'subnetSelector'; readonly tags: Readonly<Record<string, string>> };

/** A subnet launches may use, as DescribeSubnets last said. */
export interface KnownSubnet {
  readonly subnetId: string;
  readonly region: string;
  readonly zone: string;
  readonly vpcId: string | null;
  /** Free IPv4 addresses, less the launches this process made since it was read. */
  readonly availableIps: number;
}

/** Null when no subnet key is set: launches go to the account's default VPC, in any zone. */
export function subnetSource(config: Pick<AwsConfig, 'subnetId' | 'subnets' | 'subnetSelector'>): SubnetSource | null {
  if (config.subnetId !== undefined) return { key: 'subnetId', ids: [config.subnetId] };
  if (config.subnetSelector !== undefined) return { key: 'subnetSelector', tags: config.subnetSelector.tags };
  if (config.subnets === undefined) return null;
  if (Array.isArray(config.subnets)) return { key: 'subnets', ids: [...new Set(config.subnets)], declaredZones: new Map() };
  const byZone = Object.entries(config.subnets);
  return { key: 'subnets', ids: byZone.map(([, id]) => id), declaredZones: new Map(byZone.map(([zone, id]) => [id, zone])) };
}

/** The DescribeSubnets filters that find a source's subnets (only `available` ones: a pending subnet cannot take a launch yet). */
export function subnetFilters(source: SubnetSource): Filter[] {
  const available: Filter = { Name: 'state', Values: ['available'] };
  if (source.key !== 'subnetSelector') return [{ Name: 'subnet-id', Values: [...source.ids] }, available];
  // As Karpenter does: `*` asks for the key whatever its value.
  const byTag = Object.entries(source.tags).map(([key, value]): Filter => (value === '*' ? { Name: 'tag-key', Values: [key] } : { Name: `tag:${key}`, Values: [value] }));
  return [...byTag, available];
}

export interface SubnetDiscoveryOptions {
  clients: Ec2Clients;
  source: SubnetSource;
  /** How long one region's answer is used before DescribeSubnets is asked again. */
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_SUBNET_CACHE_TTL_MS = 60_000;

/** DescribeSubnets takes 5-1000 per page; a region rarely has more than a page of subnets. */
const PAGE_SIZE = 1000;

interface CachedRegion {
  readonly readAt: number;
  readonly subnets: Promise<KnownSubnet[]>;
}

export class SubnetDiscovery {
  readonly source: SubnetSource;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly byRegion = new Map<string, CachedRegion>();
  /** Launches made per subnet since its region was last read: one address each (Karpenter's in-flight IPs). */
  private readonly launchedSince = new Map<string, number>();

  constructor(private readonly options: SubnetDiscoveryOptions) {
    this.source = options.source;
    this.ttlMs = options.ttlMs ?? DEFAULT_SUBNET_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * The source's subnets in a region (none is an answer, not an error). Concurrent callers share one
   * read, so a caller's signal ends only its own wait: the read goes on for the others and the cache.
   */
  async subnets(region: string, signal?: AbortSignal): Promise<KnownSubnet[]> {
    const cached = this.byRegion.get(region);
    const now = this.now();
    let entry = cached;
    if (entry === undefined || now - entry.readAt >= this.ttlMs) {
      const subnets = this.describe(region);
      entry = { readAt: now, subnets };
      this.byRegion.set(region, entry);
      const fresh = entry;
      subnets.then(
        (read) => {
          for (const subnet of read) this.launchedSince.delete(subnet.subnetId);
        },
        // A failed read is not remembered: the next caller asks again.
        () => {
          if (this.byRegion.get(region) === fresh) this.byRegion.delete(region);
        },
      );
    }
    const read = await abortable(entry.subnets, signal);
    return read.map((subnet) => ({ ...subnet, availableIps: Math.max(0, subnet.availableIps - (this.launchedSince.get(subnet.subnetId) ?? 0)) }));
  }

  /** One address fewer in the subnet until its region is read again. */
  noteLaunch(subnetId: string): void {
    this.launchedSince.set(subnetId, (this.launchedSince.get(subnetId) ?? 0) + 1);
  }

  private async describe(region: string): Promise<KnownSubnet[]> {
    const client = this.options.clients.of(region);
    const found: KnownSubnet[] = [];
    try {
      for await (const page of paginateDescribeSubnets({ client, pageSize: PAGE_SIZE }, { Filters: subnetFilters(this.source) })) {
        for (const subnet of page.Subnets ?? []) {
          if (subnet.SubnetId === undefined || subnet.AvailabilityZone === undefined) continue;
          found.push({
            subnetId: subnet.SubnetId,
            region,
            zone: subnet.AvailabilityZone,
            vpcId: subnet.VpcId ?? null,
            availableIps: subnet.AvailableIpAddressCount ?? 0,
          });
        }
      }
    } catch (error) {
      throw ec2Error('DescribeSubnets', region, error);
    }
    if (this.source.key === 'subnets') {
      for (const subnet of found) {
        const declared = this.source.declaredZones.get(subnet.subnetId);
        if (declared !== undefined && declared !== subnet.zone) {
          throw new ProviderError({
            code: 'INVALID_SPEC',
            provider: 'aws',
            message: `aws: providers.aws.subnets maps ${declared} to ${subnet.subnetId}, but EC2 says that subnet is in ${subnet.zone}: fix the mapping`,
          });
        }
      }
    }
    return found;
  }
}
