export { ANTHROPIC_CAPABILITIES, AnthropicAdapter, type AnthropicAdapterOptions, anthropicAdapter, createAnthropicAdapter } from './anthropic-adapter.js';
export { type AnthropicDecodeContext, decodeAnthropicResponse } from './anthropic-decoder.js';
export { EFFORT_BUDGETS as ANTHROPIC_EFFORT_BUDGETS, type EncodedAnthropicRequest, encodeAnthropicRequest } from './anthropic-encoder.js';
export { decodeAnthropicError } from './anthropic-errors.js';
export {
  type AnthropicModelProfile,
  anthropicModelProfile,
  DEFAULT_ANSWER_TOKENS as ANTHROPIC_DEFAULT_ANSWER_TOKENS,
  MIN_THINKING_BUDGET as ANTHROPIC_MIN_THINKING_BUDGET,
} from './anthropic-model-rules.js';
export { ANTHROPIC_DEFAULT_BASE_URL, ANTHROPIC_VERSION } from './anthropic-wire-types.js';
