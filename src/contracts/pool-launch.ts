import type { BootstrapConfig } from './bootstrap.js';
import type { ProviderCallOptions } from './call-options.js';
import type { ProviderError } from './errors.js';
import type { ProviderInstance } from './instance.js';
import type { VolumeRequest } from './volume.js';

/**
 * One capacity pool a launch may use: an instance type in a zone of the request's region, or in any
 * zone of it (`zone: null`).
 */
export interface LaunchPool {
  readonly instanceType: string;
  readonly zone: string | null;
}

/** One machine, wherever among the pools it fits: what the control plane hands a pool launcher. */
export interface PoolLaunchRequest {
  readonly region: string;
  readonly market: 'spot' | 'on-demand';
  /** In the caller's order of preference (cheapest first); at most `maxPools` of them. */
  readonly pools: readonly LaunchPool[];
  readonly image: string | null;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The machine's first-boot bootstrap, rendered by the provider for `ownership.instanceId`. */
  readonly bootstrap: Omit<BootstrapConfig, 'instanceId'>;
  readonly volumes: readonly VolumeRequest[];
  /** The most one machine-hour may cost in any pool; null: no ceiling of the caller's. */
  readonly maxPricePerHour: number | null;
  /** Stable across retries of one attempt: the launcher derives every vendor token from it. */
  readonly idempotencyToken: string;
  readonly ownership: { readonly owner: string; readonly instanceId: string };
  /**
   * An earlier call with this token had an unknown outcome and may have made the machine: the
   * launcher looks for a machine carrying `ownership.instanceId` before it launches anything.
   */
  readonly resumed: boolean;
}

export const POOL_TRY_OUTCOMES = ['launched', 'refused', 'skipped'] as const;

/** What became of one pool within the launch (zone: the pool's zone, or the zone that was tried). */
export interface PoolTry {
  readonly instanceType: string;
  readonly zone: string | null;
  readonly outcome: (typeof POOL_TRY_OUTCOMES)[number];
  /** Why it refused: the vendor's code verbatim where the launcher has it, else the taxonomy's. */
  readonly errorCode: string | null;
  readonly message: string;
}

export type PoolLaunchResult =
  | { readonly instance: ProviderInstance; readonly tries: readonly PoolTry[] }
  /** No pool had capacity: a definite refusal (nothing was made), with what each pool said. */
  | { readonly instance: null; readonly tries: readonly PoolTry[]; readonly error: ProviderError };

/**
 * A provider's way to place one machine across several capacity pools in one attempt (AWS: an
 * instant EC2 Fleet over several types and zones, or a zone-by-zone probe of one type). Every
 * refusal it meets is reported to the capacity signals the control plane bound. A launch either
 * answers the machine, answers a refusal (nothing made), or throws: a ProviderError is a definite
 * refusal too, anything else an unknown outcome the caller resolves by calling again with `resumed`.
 */
export interface PoolLauncher {
  /** How many pools one launch takes for this market (1: one type, its zones probed in turn). */
  maxPools(request: { market: 'spot' | 'on-demand'; volumes: number }): number;
  launch(request: PoolLaunchRequest, call?: ProviderCallOptions): Promise<PoolLaunchResult>;
}
