import { type LambdaEntryPatches, type LambdaEntryPatchesInput, LambdaEntryPatchesSchema } from './entry-patches.js';

/** The vendor's stated limits (OpenAPI `info.description`): one request per second, one launch per 12 s. */
export const LAMBDA_VENDOR_RATE_LIMITS = { requestIntervalMs: 1000, launchIntervalMs: 12_000 } as const;

export interface LambdaLabsEmulatorOptions {
  /** Seeds ids, addresses and boot delays: the same seed replays the same cloud. */
  readonly seed?: number;
  /** The API keys the emulator accepts. */
  readonly apiKeys?: readonly string[];
  /** SSH key names that exist in the account from the start. */
  readonly sshKeyNames?: readonly string[];
  /** The regions the emulated account can use (PublicRegionCode values). */
  readonly regions?: readonly string[];
  /** Instances alive at once per region and instance type; `byRegion[region][type]` overrides `default`. */
  readonly capacity?: { readonly default?: number; readonly byRegion?: Readonly<Record<string, Readonly<Record<string, number>>>> };
  /** Instances alive at once in the account before `global/quota-exceeded`. */
  readonly instanceQuota?: number;
  /** Image families a launch may name. */
  readonly imageFamilies?: readonly string[];
  /** Mean boot time (booting -> active); each instance draws 75-125 % of it from the seed. */
  readonly bootDelayMs?: number;
  readonly terminateDelayMs?: number;
  /** How long a terminated instance stays in list answers. */
  readonly terminatedRetentionMs?: number;
  /**
   * Enforced per API key; `null` turns enforcement off. `toleranceMs` forgives requests that arrive
   * that much early (two paced requests can reach the server closer than they were sent).
   */
  readonly rateLimits?: { readonly requestIntervalMs?: number; readonly launchIntervalMs?: number; readonly toleranceMs?: number } | null;
  /** An initial chaos scenario (docs/chaos.md); null means chaos off. */
  readonly chaos?: unknown;
  /** Milliseconds since the epoch; inject to drive the lifecycle without waiting. */
  readonly now?: () => number;
  /** How many requests the log keeps (newest last). */
  readonly requestLogLimit?: number;
  /** Raw JSON served over the catalog, instances and file systems (see entry-patches.ts); `PUT /_emulator/entry-patches` replaces them. */
  readonly entryPatches?: LambdaEntryPatchesInput;
}

export interface ResolvedLambdaLabsOptions {
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly sshKeyNames: readonly string[];
  readonly regions: readonly string[];
  readonly capacity: { readonly default: number; readonly byRegion: Readonly<Record<string, Readonly<Record<string, number>>>> };
  readonly instanceQuota: number;
  readonly imageFamilies: readonly string[];
  readonly bootDelayMs: number;
  readonly terminateDelayMs: number;
  readonly terminatedRetentionMs: number;
  readonly rateLimits: { readonly requestIntervalMs: number; readonly launchIntervalMs: number; readonly toleranceMs: number } | null;
  readonly now: () => number;
  readonly requestLogLimit: number;
  readonly entryPatches: LambdaEntryPatches;
}

export const DEFAULT_EMULATOR_API_KEY = 'lambda-emulator-key';
export const DEFAULT_EMULATOR_SSH_KEY = 'hangar-emulator';

export function resolveLambdaLabsOptions(options: LambdaLabsEmulatorOptions): ResolvedLambdaLabsOptions {
  const limits = options.rateLimits;
  return {
    seed: options.seed ?? 1,
    apiKeys: options.apiKeys ?? [DEFAULT_EMULATOR_API_KEY],
    sshKeyNames: options.sshKeyNames ?? [DEFAULT_EMULATOR_SSH_KEY],
    regions: options.regions ?? ['us-east-1', 'us-west-1', 'us-south-2'],
    capacity: { default: options.capacity?.default ?? 8, byRegion: options.capacity?.byRegion ?? {} },
    instanceQuota: options.instanceQuota ?? 100,
    imageFamilies: options.imageFamilies ?? ['lambda-stack-22-04', 'lambda-stack-24-04', 'ubuntu-22-04', 'ubuntu-24-04'],
    bootDelayMs: options.bootDelayMs ?? 3_000,
    terminateDelayMs: options.terminateDelayMs ?? 2_000,
    terminatedRetentionMs: options.terminatedRetentionMs ?? 5 * 60_000,
    rateLimits:
      limits === null
        ? null
        : {
            requestIntervalMs: limits?.requestIntervalMs ?? LAMBDA_VENDOR_RATE_LIMITS.requestIntervalMs,
            launchIntervalMs: limits?.launchIntervalMs ?? LAMBDA_VENDOR_RATE_LIMITS.launchIntervalMs,
            toleranceMs: limits?.toleranceMs ?? 10,
          },
    now: options.now ?? Date.now,
    requestLogLimit: options.requestLogLimit ?? 1000,
    entryPatches: LambdaEntryPatchesSchema.parse(options.entryPatches ?? {}),
  };
}
