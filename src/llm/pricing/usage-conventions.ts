import type { ProviderId } from '../core/canonical-types.js';

/**
 * How a vendor's token counts nest, as its adapter passes them on in `Usage`: whether
 * `inputTokens` already includes `cachedInputTokens`, and whether `outputTokens` already includes
 * `reasoningTokens`. Pricing must know, or it would count the subset twice (or not at all).
 */
export interface UsageConvention {
  cachedInInput: boolean;
  reasoningInOutput: boolean;
}

/** OpenAI's: prompt_tokens include cached_tokens, completion_tokens include reasoning_tokens. The default. */
export const OPENAI_USAGE_CONVENTION: UsageConvention = { cachedInInput: true, reasoningInOutput: true };

/**
 * Per provider. Anthropic's `input_tokens` exclude cache reads (and writes), which its adapter
 * passes on as they are (docs/llm-adapters/anthropic.md, "usage"); its thinking is billed inside
 * `output_tokens`. OpenRouter normalizes every upstream to OpenAI's shape.
 */
const CONVENTIONS: Readonly<Record<string, UsageConvention>> = {
  openai: OPENAI_USAGE_CONVENTION,
  openrouter: OPENAI_USAGE_CONVENTION,
  anthropic: { cachedInInput: false, reasoningInOutput: true },
};

export function usageConvention(provider: ProviderId): UsageConvention {
  return CONVENTIONS[provider] ?? OPENAI_USAGE_CONVENTION;
}
