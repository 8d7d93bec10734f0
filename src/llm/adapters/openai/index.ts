export { createOpenAiAdapter, OPENAI_CAPABILITIES, OPENAI_DEFAULT_BASE_URL, openAiAdapter, type OpenAiAdapterOptions } from './openai-adapter.js';
export { decodeOpenAiResponse, decodeOpenAiUsage } from './openai-decoder.js';
export { encodeOpenAiRequest, type EncodedOpenAiRequest } from './openai-encoder.js';
export { decodeOpenAiError, openAiRetryAfterMs } from './openai-errors.js';
export { decodeOpenAiModels } from './openai-models.js';
export { closestAllowedEffort, openAiModelProfile } from './openai-model-rules.js';
