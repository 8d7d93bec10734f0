import { createAnthropicAdapter, createMockAdapter, createOpenAiAdapter, createOpenRouterAdapter, type ProviderAdapter, ProviderRuntime } from '../../src/llm/index.js';
import type { LlmTarget } from '../../src/governance/conformance/index.js';
import { startAnthropicEmulator } from '../../src/emulators/anthropic/start-anthropic-emulator.js';
import { startOpenAiEmulator } from '../../src/emulators/openai/start-openai-emulator.js';
import { startOpenRouterEmulator } from '../../src/emulators/openrouter/start-openrouter-emulator.js';

/** A runtime serving one adapter, one try per call (the kit's retry helper, not the transport, is the caller's retry). */
function runtimeFor(adapter: ProviderAdapter, key: string, baseUrl?: string): ProviderRuntime {
  const builder = ProviderRuntime.builder()
    .adapter(adapter)
    .token(() => key)
    .retryPolicy({ maxAttempts: 1 });
  if (baseUrl !== undefined) builder.baseUrl(adapter.id, baseUrl);
  return builder.build();
}

/** An emulated vendor: a fresh emulator per case, its request log counting the adapter's vendor calls. */
function emulatedTarget(
  adapter: string,
  model: string,
  start: (key: string) => Promise<{ url: string; exchanges: readonly unknown[]; close(): Promise<void> }>,
  create: () => ProviderAdapter,
): LlmTarget {
  return {
    capability: 'llm',
    adapter,
    async create() {
      const key = `sk-conformance-${adapter.split(' ')[0] ?? 'vendor'}-key`;
      const emulator = await start(key);
      const providerAdapter = create();
      return {
        runtime: runtimeFor(providerAdapter, key, emulator.url),
        provider: providerAdapter.id,
        model,
        vendorCalls: () => emulator.exchanges.length,
        cleanup: () => emulator.close(),
      };
    },
  };
}

/** Every LLM adapter the kit's LLM cases run against in the suite: the mock, and each vendor on its emulator. */
export const LLM_CONFORMANCE_TARGETS: readonly LlmTarget[] = [
  {
    capability: 'llm',
    adapter: 'mock',
    async create() {
      return {
        runtime: runtimeFor(createMockAdapter(), ''),
        provider: 'mock',
        model: 'mock-text',
        failWith: (code) => ({ mock: { fail: code } }),
        cleanup: async () => {},
      };
    },
  },
  emulatedTarget('openai (OpenAI emulator)', 'gpt-4o-mini', (key) => startOpenAiEmulator({ seed: 3, apiKeys: [key] }), () => createOpenAiAdapter()),
  emulatedTarget('anthropic (Anthropic emulator)', 'claude-haiku-4-5', (key) => startAnthropicEmulator({ seed: 3, apiKeys: [key] }), () => createAnthropicAdapter()),
  emulatedTarget('openrouter (OpenRouter emulator)', 'openai/gpt-4o-mini', (key) => startOpenRouterEmulator({ seed: 3, apiKeys: [key] }), () => createOpenRouterAdapter()),
];
