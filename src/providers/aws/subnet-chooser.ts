import { ProviderError } from '../../contracts/index.js';
import type { AwsConfig } from './aws-config.js';
import type { Ec2Clients } from './ec2-clients.js';
import { type KnownSubnet, SubnetDiscovery, subnetSource } from './subnet-discovery.js';

/**
 * Picks the subnet a launch goes to, and so its zone. In a zone with several matching subnets it
 * takes the one with the most free addresses (Karpenter's rule), ties broken by id. A launch that
 * names no zone takes the region's roomiest subnet. The choice for an idempotency token is kept:
 * a retried spawn must send the same SubnetId, or EC2 answers IdempotentParameterMismatch.
 */

export interface ZoneSubnets {
  /** The subnet each zone would launch in; zones absent here have none. */
  readonly byZone: ReadonlyMap<string, KnownSubnet>;
  /** Why a zone absent from `byZone` cannot be used, in words an operator can act on. */
  why(zone: string): string;
}

/** How many tokens' choices are kept (oldest forgotten first); a retry comes soon after its first attempt. */
const REMEMBERED_CHOICES = 10_000;

export class SubnetChooser {
  private readonly chosen = new Map<string, string>();

  /** `discovery` null: no subnet is configured and launches go to the default VPC, any zone. */
  constructor(private readonly discovery: SubnetDiscovery | null) {}

  get configured(): boolean {
    return this.discovery !== null;
  }

  /** Each zone's subnet in the region, or null when no subnet is configured (every zone is usable). */
  async zones(region: string, signal?: AbortSignal): Promise<ZoneSubnets | null> {
    if (this.discovery === null) return null;
    const subnets = await this.discovery.subnets(region, signal);
    const byZone = new Map<string, KnownSubnet>();
    for (const subnet of [...subnets].sort(roomiestFirst)) if (!byZone.has(subnet.zone)) byZone.set(subnet.zone, subnet);
    const source = this.discovery.source;
    return {
      byZone,
      why: (zone) => {
        if (source.key === 'subnetId') {
          const [pinned] = subnets;
          return pinned === undefined
            ? `providers.aws.subnetId (${source.ids.join(', ')}) is not an available subnet of ${region}`
            : `providers.aws.subnetId pins launches to ${pinned.subnetId} in ${pinned.zone}`;
        }
        return `no subnet of providers.aws.${source.key} is in ${zone} (known in ${region}: ${describeSubnets(subnets)})`;
      },
    };
  }

  /**
   * The subnet for one launch in `zone` (null: any zone of the region), or null when no subnet is
   * configured. A zone without a subnet is INVALID_SPEC naming the zone and the subnets known. With
   * an idempotency token, the token keeps its first choice while that subnet is still known.
   */
  async choose(region: string, zone: string | null, idempotencyToken?: string, signal?: AbortSignal): Promise<KnownSubnet | null> {
    const zones = await this.zones(region, signal);
    if (zones === null) return null;
    const candidates = zone === null ? [...zones.byZone.values()].sort(roomiestFirst) : [zones.byZone.get(zone)].filter((subnet) => subnet !== undefined);
    const key = idempotencyToken === undefined ? undefined : `${region}\u0000${zone ?? ''}\u0000${idempotencyToken}`;
    const earlier = key === undefined ? undefined : this.chosen.get(key);
    const subnet = (earlier === undefined ? undefined : await this.known(region, earlier, signal)) ?? candidates[0];
    if (subnet === undefined) {
      throw new ProviderError({
        code: 'INVALID_SPEC',
        provider: 'aws',
        message: `aws: cannot launch in ${zone ?? region}: ${zones.why(zone ?? region)}`,
      });
    }
    if (key === undefined) return subnet;
    this.chosen.delete(key);
    this.chosen.set(key, subnet.subnetId);
    if (this.chosen.size > REMEMBERED_CHOICES) {
      const [oldest] = this.chosen.keys();
      if (oldest !== undefined) this.chosen.delete(oldest);
    }
    return subnet;
  }

  /** The launch took an address: the subnet is that much less roomy until it is read again. */
  noteLaunch(subnet: KnownSubnet): void {
    this.discovery?.noteLaunch(subnet.subnetId);
  }

  private async known(region: string, subnetId: string, signal: AbortSignal | undefined): Promise<KnownSubnet | undefined> {
    return (await this.discovery?.subnets(region, signal))?.find((subnet) => subnet.subnetId === subnetId);
  }
}

function roomiestFirst(a: KnownSubnet, b: KnownSubnet): number {
  return b.availableIps - a.availableIps || a.subnetId.localeCompare(b.subnetId);
}

function describeSubnets(subnets: readonly KnownSubnet[]): string {
  if (subnets.length === 0) return 'none';
  return subnets.map((subnet) => `${subnet.subnetId} in ${subnet.zone}`).join(', ');
}

/** The chooser for `providers.aws`: subnets read with DescribeSubnets when a subnet key is set, else none (the default VPC). */
export function configuredSubnets(config: Pick<AwsConfig, 'subnetId' | 'subnets' | 'subnetSelector'>, clients: Ec2Clients, now?: () => number): SubnetChooser {
  const source = subnetSource(config);
  return new SubnetChooser(source === null ? null : new SubnetDiscovery({ clients, source, ...(now !== undefined && { now }) }));
}
