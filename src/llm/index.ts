/**
 * Hangar's LLM runtime, the library's public entry (docs/llm-runtime.md). A stateless library:
 * canonical types (core), the one retry policy (transport), prices (pricing), the model catalog
 * (catalog), conversation handoff between providers (handoff), adapters by provider (registry), and
 * the runtime that joins them (runtime), with the OpenAI, Anthropic, OpenRouter and mock adapters,
 * and the gateway over it (gateway: policy routing, the escalation ladder, spans; docs/llm-gateway.md).
 *
 *   const runtime = ProviderRuntime.builder()
 *     .adapter(createOpenAiAdapter())
 *     .adapter(createMockAdapter())
 *     .token((provider) => keys[provider])
 *     .build();
 *   const answer = await runtime.run({ model: runtime.resolveModel('mock/mock-echo'), messages: [...] });
 */
export * from './core/index.js';
export { JsonTransport, type JsonTransportOptions, sleep } from './transport/json-transport.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, vendorRetryAfterMs } from './transport/retry-policy.js';
export * from './pricing/index.js';
export * from './catalog/index.js';
export * from './handoff/index.js';
export * from './registry/index.js';
export * from './runtime/index.js';
export * from './adapters/openai/index.js';
export * from './adapters/anthropic/index.js';
export * from './adapters/openrouter/index.js';
export * from './gateway/index.js';
