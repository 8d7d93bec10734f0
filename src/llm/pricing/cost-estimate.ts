import type { CostBreakdown, ModelPrices, ModelRef, PricingSource, RuntimeWarning, Usage } from '../core/canonical-types.js';

/**
 * The cost of one call from its usage and a model's prices. The conventions (docs/llm-runtime.md,
 * "Pricing"):
 *
 * - Usage counts like OpenAI's by default: `inputTokens` includes `cachedInputTokens`, and
 *   `outputTokens` includes `reasoningTokens` (OpenAI's completion_tokens include
 *   completion_tokens_details.reasoning_tokens; Anthropic bills thinking as output tokens). So the
 *   parts are disjoint: input = (input − cached) × input price, cachedInput = cached × cached price,
 *   output = (output − reasoning) × output price, reasoning = reasoning × reasoning price (the output
 *   price when the model has none: no warning, since those tokens are output tokens). Nothing is
 *   counted twice.
 * - A vendor whose input count leaves cached tokens out (`cachedInInput: false`: Anthropic's
 *   input_tokens) has them priced on top; one that counts reasoning outside its output
 *   (`reasoningInOutput: false`) has the reasoning tokens added on top, at the reasoning price, or at
 *   the output price with a warning. usage-conventions.ts says which vendor counts how.
 * - A missing price or usage field is a warning, never an error and never a made-up $0: the part
 *   is null, and `total` is null when a part that had tokens (or whose tokens are unknown) is null.
 *   A part with no tokens whose price is unknown is null too, but does not hide the total.
 * - An unreported subset (cached or reasoning tokens null) is still inside its parent's count and is
 *   priced at the parent's rate; a warning says so when the model prices the subset differently.
 * - A vendor-reported cost (OpenRouter's usage accounting) wins over any table: see PricingTable.
 */
export interface CostEstimate {
  /** Null only when the usage has no token counts at all (nothing to price). */
  cost: CostBreakdown | null;
  warnings: RuntimeWarning[];
}

export interface CostEstimateOptions {
  /** False when the vendor's input count leaves cached tokens out (default true: OpenAI's convention). */
  cachedInInput?: boolean;
  /** False when the vendor counts reasoning tokens outside its output tokens (default true: OpenAI's convention). */
  reasoningInOutput?: boolean;
}

/** Rounds away float noise (0.1 + 0.2) below a millionth of a cent. */
const usd = (value: number) => Math.round(value * 1e12) / 1e12;

interface Part {
  value: number | null;
  /** True when the part's tokens are (or may be) non-zero and its value is unknown: the total cannot be known. */
  blocks: boolean;
}

const KNOWN_ZERO: Part = { value: 0, blocks: false };

export function estimateCostFromPrices(
  usage: Usage,
  model: ModelRef,
  prices: ModelPrices,
  source: PricingSource,
  options: CostEstimateOptions = {},
): CostEstimate {
  const name = `${model.provider}/${model.model}`;
  const warnings: RuntimeWarning[] = [];
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = usage;
  if (inputTokens === null && outputTokens === null && cachedInputTokens === null && reasoningTokens === null) {
    return { cost: null, warnings: [{ code: 'usage_missing', message: `${name}: the vendor reported no token counts; the call is not priced` }] };
  }
  const missingPrices: string[] = [];
  const part = (tokens: number | null, perMillion: number | null, field: string): Part => {
    if (tokens === null) return { value: null, blocks: true };
    if (perMillion === null) {
      if (tokens > 0) missingPrices.push(field);
      return { value: null, blocks: tokens > 0 };
    }
    return tokens === 0 ? KNOWN_ZERO : { value: usd((tokens * perMillion) / 1_000_000), blocks: false };
  };
  const missingUsage = (field: string, consequence: string) => warnings.push({ code: 'usage_missing', message: `${name}: usage.${field} was not reported; ${consequence}` });
  const inconsistent = (subset: string, parent: string, subsetCount: number, parentCount: number) =>
    warnings.push({ code: 'usage_inconsistent', message: `${name}: usage.${subset} (${subsetCount}) exceeds usage.${parent} (${parentCount}); priced as ${parentCount}` });

  // Input: cached tokens are a subset of input tokens.
  let input: Part;
  let cachedInput: Part;
  if (inputTokens === null) {
    missingUsage('inputTokens', 'the input part and the total are unknown');
    input = { value: null, blocks: true };
    cachedInput = cachedInputTokens === null ? { value: null, blocks: false } : part(cachedInputTokens, prices.cachedInputPerMillion, 'cachedInputPerMillion');
  } else if (options.cachedInInput === false) {
    // Cached tokens are counted apart from the input: each priced on its own, nothing to subtract.
    input = part(inputTokens, prices.inputPerMillion, 'inputPerMillion');
    if (cachedInputTokens === null) missingUsage('cachedInputTokens', 'the vendor counts cached input apart from the input, so the total is unknown');
    cachedInput = cachedInputTokens === null ? { value: null, blocks: true } : part(cachedInputTokens, prices.cachedInputPerMillion, 'cachedInputPerMillion');
  } else {
    let cached = cachedInputTokens ?? 0;
    if (cachedInputTokens === null && prices.cachedInputPerMillion !== null && prices.cachedInputPerMillion !== prices.inputPerMillion) {
      missingUsage('cachedInputTokens', 'all input is priced at the input price (an upper bound if some of it was cached)');
    }
    if (cached > inputTokens) {
      inconsistent('cachedInputTokens', 'inputTokens', cached, inputTokens);
      cached = inputTokens;
    }
    input = part(inputTokens - cached, prices.inputPerMillion, 'inputPerMillion');
    cachedInput = cachedInputTokens === null ? { value: null, blocks: false } : part(cached, prices.cachedInputPerMillion, 'cachedInputPerMillion');
  }

  // Output and reasoning.
  const reasoningInOutput = options.reasoningInOutput ?? true;
  const reasoningPrice = prices.reasoningPerMillion ?? prices.outputPerMillion;
  const reasoningPriceField = prices.reasoningPerMillion === null ? 'outputPerMillion' : 'reasoningPerMillion';
  let output: Part;
  let reasoning: Part;
  if (outputTokens === null) {
    missingUsage('outputTokens', 'the output part and the total are unknown');
    output = { value: null, blocks: true };
    reasoning = reasoningTokens === null ? { value: null, blocks: false } : part(reasoningTokens, reasoningPrice, reasoningPriceField);
  } else if (reasoningInOutput) {
    if (reasoningTokens === null) {
      if (prices.reasoningPerMillion !== null && prices.reasoningPerMillion !== prices.outputPerMillion) {
        missingUsage('reasoningTokens', 'any reasoning inside the output tokens is priced at the output price');
      }
      output = part(outputTokens, prices.outputPerMillion, 'outputPerMillion');
      reasoning = { value: null, blocks: false };
    } else {
      let thought = reasoningTokens;
      if (thought > outputTokens) {
        inconsistent('reasoningTokens', 'outputTokens', thought, outputTokens);
        thought = outputTokens;
      }
      output = part(outputTokens - thought, prices.outputPerMillion, 'outputPerMillion');
      reasoning = part(thought, reasoningPrice, reasoningPriceField);
    }
  } else {
    output = part(outputTokens, prices.outputPerMillion, 'outputPerMillion');
    if (reasoningTokens === null) {
      missingUsage('reasoningTokens', 'the vendor counts reasoning outside the output tokens, so the total is unknown');
      reasoning = { value: null, blocks: true };
    } else {
      reasoning = part(reasoningTokens, reasoningPrice, reasoningPriceField);
      if (prices.reasoningPerMillion === null && prices.outputPerMillion !== null && reasoningTokens > 0) {
        warnings.push({
          code: 'reasoning_priced_as_output',
          message: `${name}: no reasoning price; the ${reasoningTokens} reasoning tokens the vendor counts outside the output are priced at the output price`,
        });
      }
    }
  }

  if (missingPrices.length > 0) {
    warnings.push({ code: 'price_missing', message: `${name}: no ${[...new Set(missingPrices)].join(', ')} (${source.kind}: ${source.detail}); those parts and the total are unknown` });
  }
  const parts = [input, cachedInput, output, reasoning];
  const total = parts.some((p) => p.blocks) ? null : usd(parts.reduce((sum, p) => sum + (p.value ?? 0), 0));
  return {
    cost: { input: input.value, output: output.value, cachedInput: cachedInput.value, reasoning: reasoning.value, total, currency: 'USD', source },
    warnings,
  };
}
