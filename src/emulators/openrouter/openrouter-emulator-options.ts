/** How an upstream provider behind OpenRouter answers: serves, is unavailable, fails, or times out. */
export const UPSTREAM_STATUSES = ['up', 'down', 'error', 'timeout'] as const;
export type UpstreamStatus = (typeof UPSTREAM_STATUSES)[number];

export interface OpenRouterEmulatorOptions {
  /** Seeds every answer and id: the same seed and requests give the same bytes. */
  readonly seed?: number;
  /** The API keys the emulator accepts (Bearer). */
  readonly apiKeys?: readonly string[];
  /** The account's credit balance in USD (paid models draw it down; at or below 0 they answer 402); null: unlimited. */
  readonly creditsUsd?: number | null;
  /** Requests per minute per key to `:free` models (OpenRouter's free-model limit is 20); null: no limit. */
  readonly freeModelRequestsPerMinute?: number | null;
  /** Upstream providers by name (`OpenAI`, `Anthropic`, `Amazon Bedrock`, …) and how they answer; every other one is `up`. */
  readonly upstreams?: Readonly<Record<string, UpstreamStatus>>;
  /**
   * `always` (default): usage with its cost on every answer, as OpenRouter documents today (its
   * `usage: {include: true}` opt-in is deprecated and has no effect). `on-request`: the cost only
   * when the request asks with `usage.include`, as OpenRouter behaved before.
   */
  readonly usageAccounting?: 'always' | 'on-request';
  /** An initial chaos scenario (docs/chaos.md); null means chaos off. */
  readonly chaos?: unknown;
  /** Milliseconds since the epoch (the `created` stamps, rate windows). */
  readonly now?: () => number;
  /** How many requests the log keeps (newest last). */
  readonly requestLogLimit?: number;
}

export interface ResolvedOpenRouterOptions {
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly creditsUsd: number | null;
  readonly freeModelRequestsPerMinute: number | null;
  readonly upstreams: Readonly<Record<string, UpstreamStatus>>;
  readonly usageAccounting: 'always' | 'on-request';
  readonly now: () => number;
  readonly requestLogLimit: number;
}

/** The emulator's own test key (never a real one). */
export const DEFAULT_OPENROUTER_EMULATOR_API_KEY = 'sk-or-v1-emulator-key';
export const OPENROUTER_FREE_MODEL_REQUESTS_PER_MINUTE = 20;

export function resolveOpenRouterOptions(options: OpenRouterEmulatorOptions): ResolvedOpenRouterOptions {
  return {
    seed: options.seed ?? 1,
    apiKeys: options.apiKeys ?? [DEFAULT_OPENROUTER_EMULATOR_API_KEY],
    creditsUsd: options.creditsUsd === undefined ? 100 : options.creditsUsd,
    freeModelRequestsPerMinute: options.freeModelRequestsPerMinute === undefined ? OPENROUTER_FREE_MODEL_REQUESTS_PER_MINUTE : options.freeModelRequestsPerMinute,
    upstreams: options.upstreams ?? {},
    usageAccounting: options.usageAccounting ?? 'always',
    now: options.now ?? Date.now,
    requestLogLimit: options.requestLogLimit ?? 1000,
  };
}
