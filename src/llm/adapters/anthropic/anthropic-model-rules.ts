/**
 * What an Anthropic model family takes on the Messages API, so the encoder can fill in what the API
 * requires (`max_tokens`) and drop, with a warning, what the vendor would refuse with a 400:
 *
 * - `maxOutputTokens`: the family's ceiling on `max_tokens` (Anthropic's model overview; null when
 *   the adapter does not know it, and then nothing is clamped).
 * - `thinking`: `budget` takes `thinking: {type: "enabled", budget_tokens}`; `adaptive` takes only
 *   `{type: "adaptive"}` (vendor-specs/anthropic/claude-api-error-codes.md, "Model-specific 400s on
 *   Fable 5 / Opus 4.8 / 4.7": `budget_tokens` is removed there); `none`: no extended thinking
 *   (the Claude 3 and 3.5 families).
 * - `samplingParams`: `temperature` / `top_p` / `top_k` accepted (removed on the same newer models).
 *
 * A model no rule knows (a new family) is sent everything as asked: the vendor is the judge, and its
 * 400 comes back as INVALID_REQUEST.
 */
export interface AnthropicModelProfile {
  /** The rule that matched (for warnings and tests); `unknown` when none did. */
  readonly family: string;
  readonly known: boolean;
  readonly maxOutputTokens: number | null;
  readonly thinking: 'budget' | 'adaptive' | 'none';
  readonly samplingParams: boolean;
}

/**
 * `max_tokens` when the request names none: this much room for the answer (plus the thinking
 * budget when there is one), capped at the family's ceiling. A constant rather than the ceiling
 * itself, because a ceiling of 64k would let one unbounded call run for minutes and cost dollars.
 */
export const DEFAULT_ANSWER_TOKENS = 4096;

/** The smallest `budget_tokens` the API takes. */
export const MIN_THINKING_BUDGET = 1024;

const BUDGET = { thinking: 'budget', samplingParams: true } as const;
const ADAPTIVE_ONLY = { thinking: 'adaptive', samplingParams: false } as const;

/** First match wins; patterns see aliases (`claude-sonnet-4-5`) and dated ids (`claude-sonnet-4-5-20250929`) alike. */
const RULES: readonly (Omit<AnthropicModelProfile, 'known'> & { pattern: RegExp })[] = [
  { family: 'claude-fable-5', pattern: /^claude-fable-5/, maxOutputTokens: null, ...ADAPTIVE_ONLY },
  { family: 'claude-opus-4-7+', pattern: /^claude-opus-4-[78]/, maxOutputTokens: null, ...ADAPTIVE_ONLY },
  { family: 'claude-opus-4-5', pattern: /^claude-opus-4-[56]/, maxOutputTokens: 64_000, ...BUDGET },
  { family: 'claude-opus-4', pattern: /^claude-opus-4/, maxOutputTokens: 32_000, ...BUDGET },
  { family: 'claude-sonnet-4', pattern: /^claude-sonnet-4/, maxOutputTokens: 64_000, ...BUDGET },
  { family: 'claude-haiku-4', pattern: /^claude-haiku-4/, maxOutputTokens: 64_000, ...BUDGET },
  { family: 'claude-3-7-sonnet', pattern: /^claude-3-7-sonnet/, maxOutputTokens: 64_000, ...BUDGET },
  { family: 'claude-3-5', pattern: /^claude-3-5-(sonnet|haiku)/, maxOutputTokens: 8192, thinking: 'none', samplingParams: true },
  { family: 'claude-3', pattern: /^claude-3-(opus|sonnet|haiku)/, maxOutputTokens: 4096, thinking: 'none', samplingParams: true },
];

const UNKNOWN: AnthropicModelProfile = { family: 'unknown', known: false, maxOutputTokens: null, ...BUDGET };

const cache = new Map<string, AnthropicModelProfile>();

export function anthropicModelProfile(model: string): AnthropicModelProfile {
  let profile = cache.get(model);
  if (profile === undefined) {
    const rule = RULES.find((candidate) => candidate.pattern.test(model));
    profile = rule === undefined ? UNKNOWN : { family: rule.family, known: true, maxOutputTokens: rule.maxOutputTokens, thinking: rule.thinking, samplingParams: rule.samplingParams };
    // Bounded: model ids come from configuration and callers, not from the network.
    if (cache.size < 256) cache.set(model, profile);
  }
  return profile;
}
