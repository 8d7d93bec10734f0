import type { z } from 'zod';
import type { BootstrapConfig, BootstrapOutput } from './bootstrap.js';
import type { ProviderCallOptions } from './call-options.js';
import type { CapabilityDeclaration, CapabilityFlag, SupportedFlags } from './capabilities.js';
import type { ListFilter, ProviderInstance, TerminateResult } from './instance.js';
import type { InstanceTypeOffering } from './instance-type.js';
import type { ProviderSnapshot, SnapshotOptions } from './snapshot.js';
import type { SpawnOptions } from './spawn.js';
import type { SpotPrice, SpotPriceQuery, SpotRequest, SpotRequestOptions } from './spot.js';
import type { ProviderVolume, VolumeOptions } from './volume.js';

export const PROVIDER_TIERS = ['reference', 'compact', 'testing'] as const;
export type ProviderTier = (typeof PROVIDER_TIERS)[number];

/** The zod schemas of a provider's (possibly enhanced) instance and snapshot types. */
export interface ProviderSchemas<TInstance extends ProviderInstance, TSnapshot extends ProviderSnapshot> {
  readonly instance: z.ZodType<TInstance>;
  readonly snapshot: z.ZodType<TSnapshot>;
}

/**
 * The five core methods every provider implements, plus its catalog and self-description. Every
 * method that calls the vendor takes a last, optional `ProviderCallOptions` (`{signal}`).
 */
export interface ProviderCore<TInstance extends ProviderInstance, TSnapshot extends ProviderSnapshot> {
  readonly name: string;
  readonly tier: ProviderTier;
  readonly capabilities: CapabilityDeclaration;
  readonly schemas: ProviderSchemas<TInstance, TSnapshot>;
  /** The instance types this provider can run, with regions and prices. */
  instanceTypes(call?: ProviderCallOptions): Promise<InstanceTypeOffering[]>;
  spawn(options: SpawnOptions, call?: ProviderCallOptions): Promise<TInstance>;
  /** Idempotent: an unknown or already-terminated id is success (`terminated`). */
  terminate(providerId: string, call?: ProviderCallOptions): Promise<TerminateResult>;
  /** Every matching machine; the provider pages through the vendor API underneath. */
  list(filter?: ListFilter, call?: ProviderCallOptions): Promise<TInstance[]>;
  /** The machine, or null when the provider does not know it. */
  get(providerId: string, call?: ProviderCallOptions): Promise<TInstance | null>;
  generateBootstrap(config: BootstrapConfig): BootstrapOutput;
}

/** Unlocked by the `snapshots` flag. */
export interface SnapshotMethods<TSnapshot extends ProviderSnapshot> {
  createSnapshot(providerInstanceId: string, options?: SnapshotOptions, call?: ProviderCallOptions): Promise<TSnapshot>;
  /** The snapshot, or null when the provider does not know it. */
  getSnapshotStatus(providerSnapshotId: string, call?: ProviderCallOptions): Promise<TSnapshot | null>;
  /** Idempotent, like `terminate`. */
  deleteSnapshot(providerSnapshotId: string, call?: ProviderCallOptions): Promise<void>;
}

/** Unlocked by the `spot` flag. */
export interface SpotMethods {
  requestSpotInstance(options: SpotRequestOptions, call?: ProviderCallOptions): Promise<SpotRequest>;
  cancelSpotRequest(requestId: string, call?: ProviderCallOptions): Promise<void>;
  getSpotPrices(query?: SpotPriceQuery, call?: ProviderCallOptions): Promise<SpotPrice[]>;
}

/** Unlocked by the `persistentVolumes` flag. */
export interface VolumeMethods {
  createVolume(options: VolumeOptions, call?: ProviderCallOptions): Promise<ProviderVolume>;
  /** The volume, or null when the provider does not know it. */
  getVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<ProviderVolume | null>;
  /** Every volume carrying Hangar's ownership marker; only those of `owner` when given. */
  listVolumes(filter?: { owner?: string }, call?: ProviderCallOptions): Promise<ProviderVolume[]>;
  /** Idempotent: an unknown or already-deleted id is success. A volume still attached is INVALID_SPEC. */
  deleteVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<void>;
}

/** The optional methods a set of flags unlocks. Flags without methods unlock nothing. */
export type GatedMethods<TFlag extends CapabilityFlag, TSnapshot extends ProviderSnapshot> = ('snapshots' extends TFlag
  ? SnapshotMethods<TSnapshot>
  : unknown) &
  ('spot' extends TFlag ? SpotMethods : unknown) &
  ('persistentVolumes' extends TFlag ? VolumeMethods : unknown);

/**
 * `Provider<TInstance, TSnapshot>`: the core methods plus exactly the optional methods its capability
 * declaration unlocks. With the wide default declaration no optional method is visible: narrow
 * with `supports(provider, flag)` first.
 */
export type Provider<
  TInstance extends ProviderInstance = ProviderInstance,
  TSnapshot extends ProviderSnapshot = ProviderSnapshot,
  TCaps extends CapabilityDeclaration = CapabilityDeclaration,
> = ProviderCore<TInstance, TSnapshot> & { readonly capabilities: TCaps } & GatedMethods<SupportedFlags<TCaps>, TSnapshot>;

/** Any provider, whatever its instance, snapshot and capability types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the widest provider type; methods are reached only after narrowing.
export type AnyProvider = ProviderCore<any, any>;

type SnapshotTypeOf<P> = P extends { readonly schemas: ProviderSchemas<ProviderInstance, infer S> } ? S : ProviderSnapshot;

/** What `supports(provider, flag)` proves: the flag is `true` and its methods are there. */
export type WithCapability<P, TFlag extends CapabilityFlag> = P & {
  readonly capabilities: { readonly [K in TFlag]: true };
} & GatedMethods<TFlag, SnapshotTypeOf<P>>;

/** The narrowing type guard behind compile-time gating. */
export function supports<P extends AnyProvider, TFlag extends CapabilityFlag>(
  provider: P,
  flag: TFlag,
): provider is WithCapability<P, TFlag> {
  return provider.capabilities[flag] === true;
}
