export { InvalidRequestError } from './invalid-request-error.js';
export { MOCK_PROVIDER, createMockAdapter } from './mock-adapter.js';
export { ProviderRuntime, ProviderRuntimeBuilder, type RunOptions, type TransportHooks } from './provider-runtime.js';
