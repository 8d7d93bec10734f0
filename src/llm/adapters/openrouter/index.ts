export { createOpenRouterAdapter, OPENROUTER_CAPABILITIES, OPENROUTER_DEFAULT_BASE_URL, OpenRouterAdapter } from './openrouter-adapter.js';
export { decodeOpenRouterResponse, type OpenRouterDecodeContext } from './openrouter-decoder.js';
export { encodeOpenRouterRequest, type EncodedOpenRouterRequest, OPENROUTER_MAX_STOP_SEQUENCES } from './openrouter-encoder.js';
export { decodeOpenRouterBodyError, decodeOpenRouterError } from './openrouter-errors.js';
export { decodeOpenRouterModels, openRouterPricePerMillion } from './openrouter-models.js';
