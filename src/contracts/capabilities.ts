/**
 * The 11 capability flags. A provider declares every flag: `true` when it implements the
 * behaviour for real, or `{ unsupported: "<why>" }` with a reason a human can act on.
 * The declaration is `as const` so that the optional methods a flag unlocks are gated at
 * compile time (see `provider.ts`).
 */
export const CAPABILITY_FLAGS = [
  'snapshots',
  'spot',
  'gpu',
  'multiRegion',
  'persistentVolumes',
  'warmVolumes',
  'hibernation',
  'costExplorer',
  'tailscaleNative',
  'idempotentSpawn',
  'customNetworking',
] as const;

export type CapabilityFlag = (typeof CAPABILITY_FLAGS)[number];

export interface UnsupportedCapability {
  readonly unsupported: string;
}

export type CapabilityDeclaration = {
  readonly [K in CapabilityFlag]: true | UnsupportedCapability;
};

/** The flags a declaration sets to `true`, as a union of literal types (`never` for a wide type). */
export type SupportedFlags<TCaps extends CapabilityDeclaration> = {
  [K in CapabilityFlag]: TCaps[K] extends true ? K : never;
}[CapabilityFlag];

export function isCapabilityFlag(value: string): value is CapabilityFlag {
  return (CAPABILITY_FLAGS as readonly string[]).includes(value);
}

/** `{flag: boolean}` for all 11 flags, as the API shows them. */
export function capabilityMap(declaration: CapabilityDeclaration): Record<CapabilityFlag, boolean> {
  const map = {} as Record<CapabilityFlag, boolean>;
  for (const flag of CAPABILITY_FLAGS) map[flag] = declaration[flag] === true;
  return map;
}

/** `{flag: reason}` for every flag the provider does not support. */
export function unsupportedReasons(declaration: CapabilityDeclaration): Partial<Record<CapabilityFlag, string>> {
  const reasons: Partial<Record<CapabilityFlag, string>> = {};
  for (const flag of CAPABILITY_FLAGS) {
    const value = declaration[flag];
    if (value !== true) reasons[flag] = value.unsupported;
  }
  return reasons;
}
