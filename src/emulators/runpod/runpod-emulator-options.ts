import { DEFAULT_RUNPOD_DATA_CENTERS, DEFAULT_RUNPOD_GPU_TYPES, type EmulatedDataCenter, type EmulatedGpuType } from './runpod-catalog-data.js';

/** One rate-limit window, as RunPod's `RateLimit-Policy` header names it (`"minute";q=60;w=60`). */
export interface RateLimitWindowOption {
  readonly name: string;
  /** Requests allowed per window. */
  readonly quota: number;
  /** Window length; rendered in whole seconds (`w`), so tests may use sub-second windows. */
  readonly windowMs: number;
}

/** The windows RunPod documents for REST v2 (RateLimit-Policy example in the v2 OpenAPI document). */
export const DOCUMENTED_RATE_LIMITS: readonly RateLimitWindowOption[] = [
  { name: 'minute', quota: 60, windowMs: 60_000 },
  { name: 'hour', quota: 3_000, windowMs: 3_600_000 },
  { name: 'day', quota: 50_000, windowMs: 86_400_000 },
];

export interface RunPodEmulatorOptions {
  /** Seeds pod, machine and volume ids and preemption draws: the same seed replays the same cloud. */
  readonly seed?: number;
  /** The API keys the emulator accepts (Bearer header, or `?api_key=` as the GraphQL docs show). */
  readonly apiKeys?: readonly string[];
  /**
   * Keys accepted for reads only: RunPod keys are "scoped to the permissions granted when created",
   * and a valid key without access answers 403 (v2 `ForbiddenError`). GraphQL mutations answer HTTP
   * 403 too (an emulator assumption: RunPod does not document how GraphQL refuses a scoped key).
   */
  readonly readOnlyApiKeys?: readonly string[];
  /**
   * Keys accepted, but only for the resources listed (path prefixes: `/v2/catalog`, `/v2/pods`,
   * `/v2/network-volumes`, `/graphql`): the v2 document's "Keys are scoped to the permissions granted
   * when created; requests may return 403 when a valid key lacks access to the requested resource".
   * Anything else answers 403 `access denied` (v2 `ForbiddenError`), reads included.
   */
  readonly restrictedApiKeys?: Readonly<Record<string, readonly string[]>>;
  /**
   * Whether GraphQL still rents interruptable (spot) pods. RunPod's docs dropped spot pods and
   * `podRentInterruptable` in May 2026 and the GraphQL API is to be retired in early 2027:
   * `refused` answers the mutation with a GraphQL error, `removed` serves a schema without it (so a
   * client gets GraphQL's validation errors). Default `offered`. Changeable at run time through
   * `state.interruptable`.
   */
  readonly interruptable?: InterruptableRentals;
  /** Real-world awkward entries served next to the well-formed ones. */
  readonly awkward?: {
    /** GraphQL `gpuTypes` entries with `id: null` (RunPod's schema allows it), one per display name. */
    readonly gpuTypesWithoutId?: readonly string[];
  };
  readonly dataCenters?: readonly EmulatedDataCenter[];
  readonly gpuTypes?: readonly EmulatedGpuType[];
  /** GPUs per data center and GPU type; `byDataCenter[dc][gpuTypeId]` overrides `default`. */
  readonly stock?: { readonly default?: number; readonly byDataCenter?: Readonly<Record<string, Readonly<Record<string, number>>>> };
  /** PROVISIONING lasts this long, then STARTING this long, then RUNNING. */
  readonly bootDelayMs?: { readonly provisioning?: number; readonly starting?: number };
  /** How long a deleted pod still answers GET with status TERMINATED before it is 404. */
  readonly terminatedRetentionMs?: number;
  /**
   * Images the emulated registry can pull; `*` matches any tag. An emulator assumption: the v2
   * spec does not say how an unpullable image is refused, so the emulator answers 400.
   */
  readonly images?: readonly string[];
  /** REST v2 windows; `[]` turns rate limiting off. Defaults to the documented windows. */
  readonly rateLimits?: readonly RateLimitWindowOption[];
  /** GraphQL windows (undocumented by RunPod); default none. */
  readonly graphqlRateLimits?: readonly RateLimitWindowOption[];
  /** Interruptible pods are stopped by the vendor `afterMs` after they start running, with `probability` each. */
  readonly preemption?: { readonly afterMs: number; readonly probability: number } | null;
  /** A chaos scenario (the chaos engine's format) in force from the start. */
  readonly chaos?: unknown;
  /** Milliseconds since the epoch; inject to drive the lifecycle without waiting. */
  readonly now?: () => number;
}

export type InterruptableRentals = 'offered' | 'refused' | 'removed';

export interface ResolvedRunPodEmulatorOptions {
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly readOnlyApiKeys: readonly string[];
  readonly restrictedApiKeys: Readonly<Record<string, readonly string[]>>;
  readonly interruptable: InterruptableRentals;
  readonly gpuTypesWithoutId: readonly string[];
  readonly dataCenters: readonly EmulatedDataCenter[];
  readonly gpuTypes: readonly EmulatedGpuType[];
  readonly stock: { readonly default: number; readonly byDataCenter: Readonly<Record<string, Readonly<Record<string, number>>>> };
  readonly bootDelayMs: { readonly provisioning: number; readonly starting: number };
  readonly terminatedRetentionMs: number;
  readonly images: readonly string[];
  readonly rateLimits: readonly RateLimitWindowOption[];
  readonly graphqlRateLimits: readonly RateLimitWindowOption[];
  readonly preemption: { readonly afterMs: number; readonly probability: number } | null;
  readonly now: () => number;
}

export const EMULATOR_API_KEY = 'rpa_EMULATOR0000000000000000000000';

export const DEFAULT_EMULATED_IMAGES: readonly string[] = [
  'runpod/pytorch:*',
  'runpod/base:*',
  'runpod/tensorflow:*',
  'nvidia/cuda:*',
  'ubuntu:*',
  'debian:*',
  'python:*',
];

export function resolveRunPodEmulatorOptions(options: RunPodEmulatorOptions): ResolvedRunPodEmulatorOptions {
  return {
    seed: options.seed ?? 1,
    apiKeys: options.apiKeys ?? [EMULATOR_API_KEY],
    readOnlyApiKeys: options.readOnlyApiKeys ?? [],
    restrictedApiKeys: options.restrictedApiKeys ?? {},
    interruptable: options.interruptable ?? 'offered',
    gpuTypesWithoutId: options.awkward?.gpuTypesWithoutId ?? [],
    dataCenters: options.dataCenters ?? DEFAULT_RUNPOD_DATA_CENTERS,
    gpuTypes: options.gpuTypes ?? DEFAULT_RUNPOD_GPU_TYPES,
    stock: { default: options.stock?.default ?? 16, byDataCenter: options.stock?.byDataCenter ?? {} },
    bootDelayMs: { provisioning: options.bootDelayMs?.provisioning ?? 3_000, starting: options.bootDelayMs?.starting ?? 2_000 },
    terminatedRetentionMs: options.terminatedRetentionMs ?? 60_000,
    images: options.images ?? DEFAULT_EMULATED_IMAGES,
    rateLimits: options.rateLimits ?? DOCUMENTED_RATE_LIMITS,
    graphqlRateLimits: options.graphqlRateLimits ?? [],
    preemption: options.preemption ?? null,
    now: options.now ?? Date.now,
  };
}
