import type { Ec2AccountStatus } from './account-standing.js';
import type { Ec2AccessKey } from './request-signature.js';
import type { ThrottleOption } from './request-throttle.js';
import { buildSubnets } from './subnet-state.js';

export interface Ec2ZoneOption {
  readonly name: string;
  readonly zoneId: string;
}

export interface Ec2RegionOption {
  readonly name: string;
  readonly zones: readonly Ec2ZoneOption[];
}

/** A subnet beyond the default ones: it lives in one zone (its region is the zone's). */
export interface Ec2SubnetOption {
  readonly zone: string;
  /** Default: derived from the seed, the zone and the subnet's position in `subnets`. */
  readonly subnetId?: string;
  /** Default: one non-default VPC per region, derived from the seed. */
  readonly vpcId?: string;
  /** Default: `10.0.<position>.0/24`. */
  readonly cidrBlock?: string;
  /** Free IPv4 addresses before any instance takes one; default 251 (a /24 less the 5 AWS reserves). */
  readonly availableIpAddressCount?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface Ec2EmulatorOptions {
  /** Seeds resource ids, subnet/VPC ids and spot prices: the same seed replays the same cloud. */
  readonly seed?: number;
  readonly regions?: readonly Ec2RegionOption[];
  /**
   * Whether every region has a default VPC with one default subnet per zone (as accounts start out).
   * Without it a launch that names no subnet is `VPCIdNotSpecified`.
   */
  readonly defaultVpc?: boolean;
  /** Subnets besides the default ones (non-default VPCs). */
  readonly subnets?: readonly Ec2SubnetOption[];
  /** Instances that may be alive at once per zone and instance type; `byZone[zone][type]` overrides `default`. */
  readonly capacity?: { readonly default?: number; readonly byZone?: Readonly<Record<string, Readonly<Record<string, number>>>> };
  readonly bootDelayMs?: number;
  readonly terminateDelayMs?: number;
  readonly snapshotDelayMs?: number;
  /** How long a volume is `creating` / `deleting` and an attachment `attaching` / `detaching`. */
  readonly volumeDelayMs?: number;
  /** How long a terminated instance stays visible to DescribeInstances. */
  readonly terminatedRetentionMs?: number;
  readonly accountId?: string;
  /**
   * EC2's eventual consistency: for this long after RunInstances, the new instance is unknown to
   * DescribeInstances and TerminateInstances (InvalidInstanceID.NotFound) and missing from listings.
   */
  readonly consistencyLagMs?: number;
  /**
   * Actions the caller's IAM policy does not allow: each answers UnauthorizedOperation (403), DryRun or not.
   * May also name `iam:CreateServiceLinkedRole` (see `spotServiceLinkedRole`).
   */
  readonly deniedActions?: readonly string[];
  /** The key pairs the account knows: a request signed with any other key or a wrong signature is refused. Null (default): any well-formed signature passes. */
  readonly accessKeys?: readonly Ec2AccessKey[] | null;
  /** The account's standing: anything but `active` refuses every EC2 request (PendingVerification, Blocked, OptInRequired). */
  readonly accountStatus?: Ec2AccountStatus;
  /** Whether AWSServiceRoleForEC2Spot exists (default true); without it the first spot launch creates it, unless IAM denies that. */
  readonly spotServiceLinkedRole?: boolean;
  /** Request-rate throttling of the Price List API (ThrottlingException); null = unthrottled. */
  readonly pricingThrottle?: ThrottleOption | null;
  /** Request-rate throttling per Region (RequestLimitExceeded); null = unthrottled. */
  readonly throttle?: ThrottleOption | null;
  /** A chaos scenario (the chaos engine's format) in force from the start; also settable at /_emulator/chaos. */
  readonly chaos?: unknown;
  /** Milliseconds since the epoch; inject to drive the lifecycle without waiting. */
  readonly now?: () => number;
}

export type ResolvedEc2Options = Required<Omit<Ec2EmulatorOptions, 'capacity' | 'chaos'>> & {
  readonly capacity: { readonly default: number; readonly byZone: Readonly<Record<string, Readonly<Record<string, number>>>> };
};

export const DEFAULT_EC2_REGIONS: readonly Ec2RegionOption[] = [
  {
    name: 'us-east-1',
    zones: [
      { name: 'us-east-1a', zoneId: 'use1-az1' },
      { name: 'us-east-1b', zoneId: 'use1-az2' },
      { name: 'us-east-1c', zoneId: 'use1-az4' },
    ],
  },
  {
    name: 'us-west-2',
    zones: [
      { name: 'us-west-2a', zoneId: 'usw2-az1' },
      { name: 'us-west-2b', zoneId: 'usw2-az2' },
    ],
  },
];

export function resolveEc2Options(options: Ec2EmulatorOptions): ResolvedEc2Options {
  const resolved: ResolvedEc2Options = {
    seed: options.seed ?? 1,
    regions: options.regions ?? DEFAULT_EC2_REGIONS,
    defaultVpc: options.defaultVpc ?? true,
    subnets: options.subnets ?? [],
    capacity: { default: options.capacity?.default ?? 64, byZone: options.capacity?.byZone ?? {} },
    bootDelayMs: options.bootDelayMs ?? 5_000,
    terminateDelayMs: options.terminateDelayMs ?? 5_000,
    snapshotDelayMs: options.snapshotDelayMs ?? 2_000,
    volumeDelayMs: options.volumeDelayMs ?? 1_000,
    terminatedRetentionMs: options.terminatedRetentionMs ?? 60 * 60 * 1000,
    accountId: options.accountId ?? '123456789012',
    consistencyLagMs: options.consistencyLagMs ?? 0,
    throttle: options.throttle ?? null,
    deniedActions: options.deniedActions ?? [],
    accessKeys: options.accessKeys ?? null,
    accountStatus: options.accountStatus ?? 'active',
    spotServiceLinkedRole: options.spotServiceLinkedRole ?? true,
    pricingThrottle: options.pricingThrottle ?? null,
    now: options.now ?? Date.now,
  };
  // A subnet in a zone the emulator does not serve, or defined twice, stops it before it serves anything.
  buildSubnets(resolved);
  return resolved;
}
