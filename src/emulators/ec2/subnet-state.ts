import type { Ec2RegionOption, Ec2ZoneOption, ResolvedEc2Options } from './ec2-options.js';
import type { Ec2State } from './ec2-state.js';
import { hashToHex } from './seeded-ids.js';

/**
 * The account's subnets, kept beside `Ec2State` (as fleets are): built from the options on first
 * use. A subnet lives in exactly one zone of one region; an instance launched in it takes one of
 * its IPv4 addresses until it is terminated. With a default VPC (as every account starts out) each
 * zone has one default subnet.
 */

export interface Ec2SubnetRecord {
  /** Listing order: the stable sort key behind DescribeSubnets pagination tokens. */
  readonly seq: number;
  readonly subnetId: string;
  readonly region: string;
  readonly zone: string;
  readonly zoneId: string;
  readonly vpcId: string;
  readonly cidrBlock: string;
  /** Free IPv4 addresses before any instance took one. */
  readonly addressCount: number;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
  readonly tags: ReadonlyMap<string, string>;
}

/** A /20, the default subnets' size, less the 5 addresses AWS reserves in every subnet. */
const DEFAULT_SUBNET_ADDRESSES = 4096 - 5;
/** A /24 less the 5 reserved. */
const CUSTOM_SUBNET_ADDRESSES = 256 - 5;

/** Every zone of a region has one default subnet, and every region one default VPC, derived from the seed. */
export function defaultSubnetId(seed: number, zone: string): string {
  return `subnet-${hashToHex(`${seed}|subnet|${zone}`, 17)}`;
}

export function defaultVpcId(seed: number, region: string): string {
  return `vpc-${hashToHex(`${seed}|vpc|${region}`, 17)}`;
}

export class Ec2SubnetStore {
  private readonly byId: ReadonlyMap<string, Ec2SubnetRecord>;

  constructor(readonly subnets: readonly Ec2SubnetRecord[]) {
    this.byId = new Map(subnets.map((subnet) => [subnet.subnetId, subnet]));
  }

  inRegion(region: string): Ec2SubnetRecord[] {
    return this.subnets.filter((subnet) => subnet.region === region);
  }

  /** The subnet if it exists in `region` (a subnet of another region is unknown there, as in EC2). */
  find(region: string, subnetId: string): Ec2SubnetRecord | undefined {
    const subnet = this.byId.get(subnetId);
    return subnet?.region === region ? subnet : undefined;
  }

  /** The zone's default subnet, or undefined when the account has no default VPC. */
  defaultFor(zone: string): Ec2SubnetRecord | undefined {
    return this.subnets.find((subnet) => subnet.zone === zone && subnet.defaultForAz);
  }
}

/** Builds the subnets the options describe; a subnet in an unknown zone or a duplicate id is the caller's mistake. */
export function buildSubnets(options: Pick<ResolvedEc2Options, 'seed' | 'regions' | 'defaultVpc' | 'subnets'>): Ec2SubnetRecord[] {
  const zoneOf = new Map<string, { region: Ec2RegionOption; zone: Ec2ZoneOption }>();
  for (const region of options.regions) for (const zone of region.zones) zoneOf.set(zone.name, { region, zone });
  const records: Ec2SubnetRecord[] = [];
  if (options.defaultVpc) {
    for (const region of options.regions) {
      for (const [index, zone] of region.zones.entries()) {
        records.push({
          seq: records.length + 1,
          subnetId: defaultSubnetId(options.seed, zone.name),
          region: region.name,
          zone: zone.name,
          zoneId: zone.zoneId,
          vpcId: defaultVpcId(options.seed, region.name),
          cidrBlock: `172.31.${index * 16}.0/20`,
          addressCount: DEFAULT_SUBNET_ADDRESSES,
          defaultForAz: true,
          mapPublicIpOnLaunch: true,
          tags: new Map(),
        });
      }
    }
  }
  for (const [index, subnet] of options.subnets.entries()) {
    const where = zoneOf.get(subnet.zone);
    if (where === undefined) throw new Error(`ec2 emulator: subnets[${index}]: zone ${subnet.zone} is not a zone of any served region`);
    const subnetId = subnet.subnetId ?? `subnet-${hashToHex(`${options.seed}|subnet|${subnet.zone}|${index}`, 17)}`;
    if (!/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(subnetId)) throw new Error(`ec2 emulator: subnets[${index}]: ${subnetId} is not a subnet id`);
    if (records.some((record) => record.subnetId === subnetId)) throw new Error(`ec2 emulator: subnets[${index}]: ${subnetId} is defined twice`);
    const addressCount = subnet.availableIpAddressCount ?? CUSTOM_SUBNET_ADDRESSES;
    if (!Number.isInteger(addressCount) || addressCount < 0) throw new Error(`ec2 emulator: subnets[${index}]: availableIpAddressCount must be a whole number >= 0`);
    records.push({
      seq: records.length + 1,
      subnetId,
      region: where.region.name,
      zone: where.zone.name,
      zoneId: where.zone.zoneId,
      vpcId: subnet.vpcId ?? `vpc-${hashToHex(`${options.seed}|vpc|${where.region.name}|custom`, 17)}`,
      cidrBlock: subnet.cidrBlock ?? `10.0.${index % 256}.0/24`,
      addressCount,
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
      tags: new Map(Object.entries(subnet.tags ?? {})),
    });
  }
  return records;
}

const stores = new WeakMap<Ec2State, Ec2SubnetStore>();

/** The subnets of one emulator, built from its options on first use. */
export function subnetStore(state: Ec2State): Ec2SubnetStore {
  let store = stores.get(state);
  if (store === undefined) {
    store = new Ec2SubnetStore(buildSubnets(state.options));
    stores.set(state, store);
  }
  return store;
}
