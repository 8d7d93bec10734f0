import type { ThrottleOption } from './request-throttle.js';

export interface Ec2ZoneOption {
  readonly name: string;
  readonly zoneId: string;
}

export interface Ec2RegionOption {
  readonly name: string;
  readonly zones: readonly Ec2ZoneOption[];
}

export interface Ec2EmulatorOptions {
  /** Seeds resource ids, subnet/VPC ids and spot prices: the same seed replays the same cloud. */
  readonly seed?: number;
  readonly regions?: readonly Ec2RegionOption[];
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
  /** Actions the caller's IAM policy does not allow: each answers UnauthorizedOperation (403), DryRun or not. */
  readonly deniedActions?: readonly string[];
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
  return {
    seed: options.seed ?? 1,
    regions: options.regions ?? DEFAULT_EC2_REGIONS,
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
    now: options.now ?? Date.now,
  };
}
