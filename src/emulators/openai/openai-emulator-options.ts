/** One model the emulator serves. */
export interface EmulatedOpenAiModel {
  readonly id: string;
  /** `chat` answers Chat Completions; `embedding` is listed but refused there (OpenAI's 404 "not a chat model"). */
  readonly kind: 'chat' | 'embedding';
  /** Prompt plus completion, in tokens (estimated as characters / 4). */
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  /** The `reasoning_effort` values the model takes; null for a model that takes none (and takes temperature, top_p, stop, max_tokens). */
  readonly reasoningEfforts: readonly string[] | null;
  /** Unix seconds, as `/v1/models` reports it. */
  readonly created: number;
  readonly ownedBy: string;
}

export interface OpenAiEmulatorOptions {
  /** Seeds every generated text, id and argument: the same seed and request give the same answer. */
  readonly seed?: number;
  /** The API keys the emulator accepts as `Authorization: Bearer <key>`. */
  readonly apiKeys?: readonly string[];
  readonly models?: readonly EmulatedOpenAiModel[];
  /**
   * Chat Completions per API key and window (a fixed window); past it, 429 `rate_limit_exceeded` with
   * `Retry-After` (whole seconds, at least 1, as the spec's header requires) and `retry-after-ms`.
   * Null (the default) turns it off.
   */
  readonly rateLimit?: { readonly requests: number; readonly windowMs: number } | null;
  /** An initial chaos scenario (docs/chaos.md); null means chaos off. */
  readonly chaos?: unknown;
  /** Milliseconds since the epoch (the `created` of answers, the rate-limit windows). */
  readonly now?: () => number;
  /** How many exchanges `exchanges` keeps (newest last). */
  readonly requestLogLimit?: number;
}

export interface ResolvedOpenAiEmulatorOptions {
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly models: readonly EmulatedOpenAiModel[];
  readonly rateLimit: { readonly requests: number; readonly windowMs: number } | null;
  readonly now: () => number;
  readonly requestLogLimit: number;
}

export const DEFAULT_OPENAI_EMULATOR_API_KEY = 'sk-openai-emulator-key';

const chat = (id: string, contextWindow: number, maxOutputTokens: number, reasoningEfforts: readonly string[] | null, created: number): EmulatedOpenAiModel => ({
  id,
  kind: 'chat',
  contextWindow,
  maxOutputTokens,
  reasoningEfforts,
  created,
  ownedBy: 'system',
});

/** The vendor's published windows and output limits for these models; `created` as `/v1/models` reports them. */
export const DEFAULT_EMULATED_MODELS: readonly EmulatedOpenAiModel[] = [
  chat('gpt-4o', 128_000, 16_384, null, 1_715_367_049),
  chat('gpt-4o-mini', 128_000, 16_384, null, 1_721_172_741),
  chat('gpt-4.1', 1_047_576, 32_768, null, 1_744_316_542),
  chat('gpt-5', 400_000, 128_000, ['minimal', 'low', 'medium', 'high'], 1_754_425_777),
  chat('o3-mini', 200_000, 100_000, ['low', 'medium', 'high'], 1_737_146_383),
  chat('o4-mini', 200_000, 100_000, ['low', 'medium', 'high'], 1_744_225_351),
  { id: 'text-embedding-3-small', kind: 'embedding', contextWindow: 8_191, maxOutputTokens: 1, reasoningEfforts: null, created: 1_705_948_997, ownedBy: 'system' },
];

export function resolveOpenAiEmulatorOptions(options: OpenAiEmulatorOptions): ResolvedOpenAiEmulatorOptions {
  const rateLimit = options.rateLimit ?? null;
  if (rateLimit !== null && (!(rateLimit.requests >= 1) || !(rateLimit.windowMs > 0))) throw new Error('rateLimit needs requests >= 1 and windowMs > 0');
  return {
    seed: options.seed ?? 1,
    apiKeys: options.apiKeys ?? [DEFAULT_OPENAI_EMULATOR_API_KEY],
    models: options.models ?? DEFAULT_EMULATED_MODELS,
    rateLimit,
    now: options.now ?? Date.now,
    requestLogLimit: options.requestLogLimit ?? 1000,
  };
}
