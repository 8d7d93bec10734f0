import { DEFAULT_EMULATED_MODELS, type EmulatedModel } from './anthropic-model-catalog.js';

export interface AnthropicEmulatorOptions {
  /** Seeds every answer: the same seed and request give the same message. */
  readonly seed?: number;
  /** The keys `x-api-key` may carry. */
  readonly apiKeys?: readonly string[];
  /** The models served (default: DEFAULT_EMULATED_MODELS). */
  readonly models?: readonly EmulatedModel[];
  /**
   * Requests each key may make per window before a 429 `rate_limit_error` (with `retry-after`);
   * null (the default) turns the limit off.
   */
  readonly rateLimit?: { readonly requests: number; readonly windowMs: number } | null;
  /** The most models one `GET /v1/models` page holds, whatever `limit` asks (the API's own cap is 1000). */
  readonly maxPageSize?: number;
  /** An initial chaos scenario (docs/chaos.md); null means chaos off. */
  readonly chaos?: unknown;
  /** Milliseconds since the epoch; inject to drive the rate-limit window without waiting. */
  readonly now?: () => number;
  /** How many exchanges the log keeps (newest last). */
  readonly requestLogLimit?: number;
}

export interface ResolvedAnthropicEmulatorOptions {
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly models: readonly EmulatedModel[];
  readonly rateLimit: { readonly requests: number; readonly windowMs: number } | null;
  readonly maxPageSize: number;
  readonly now: () => number;
  readonly requestLogLimit: number;
}

/** The emulator's own test key; `ANTHROPIC_EMULATOR_API_KEY` replaces it in main.ts. Never a real key. */
export const DEFAULT_ANTHROPIC_EMULATOR_API_KEY = 'anthropic-emulator-key';

export function resolveAnthropicEmulatorOptions(options: AnthropicEmulatorOptions): ResolvedAnthropicEmulatorOptions {
  return {
    seed: options.seed ?? 1,
    apiKeys: options.apiKeys ?? [DEFAULT_ANTHROPIC_EMULATOR_API_KEY],
    models: options.models ?? DEFAULT_EMULATED_MODELS,
    rateLimit: options.rateLimit ?? null,
    maxPageSize: Math.min(1000, Math.max(1, options.maxPageSize ?? 1000)),
    now: options.now ?? Date.now,
    requestLogLimit: options.requestLogLimit ?? 1000,
  };
}
