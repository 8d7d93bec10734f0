import { describe, expect, it } from 'vitest';
import { ProviderError, RoutingError } from '../../../src/llm/core/runtime-errors.js';
import { createMockAdapter } from '../../../src/llm/runtime/mock-adapter.js';
import { ProviderRuntime } from '../../../src/llm/runtime/provider-runtime.js';
import { modelInfo, stubAdapter } from '../registry/stub-adapter.js';

describe('ProviderRuntime.listModels', () => {
  it("answers one provider's own model list through its adapter, with the runtime's context (base URL, signal)", async () => {
    const listing = stubAdapter('acme', { discover: async () => [modelInfo('acme', 'a-1'), modelInfo('acme', 'a-2')] });
    const runtime = ProviderRuntime.builder().adapter(createMockAdapter()).adapter(listing).baseUrl('acme', 'http://127.0.0.1:9/').build();
    const controller = new AbortController();
    expect((await runtime.listModels('acme', { signal: controller.signal })).map((model) => model.model)).toEqual(['a-1', 'a-2']);
    expect(listing.contexts[0]).toMatchObject({ baseUrl: 'http://127.0.0.1:9/', signal: controller.signal });
    expect((await runtime.listModels('mock')).map((model) => model.model).sort()).toEqual(['mock-echo', 'mock-text']);
  });

  it('throws the failure, where discoverModels turns it into a warning', async () => {
    const refusal = new ProviderError({ code: 'AUTH', provider: 'acme', message: 'acme: 401 invalid key', status: 401 });
    const runtime = ProviderRuntime.builder().adapter(stubAdapter('acme', { discover: async () => Promise.reject(refusal) })).build();
    await expect(runtime.listModels('acme')).rejects.toBe(refusal);
    const discovered = await runtime.discoverModels({ remote: true, providers: ['acme'] });
    expect(discovered.warnings.map((warning) => warning.code)).toEqual(['discovery_failed']);
  });

  it('a provider no adapter serves is a RoutingError naming the registered ones', async () => {
    const runtime = ProviderRuntime.builder().adapter(createMockAdapter()).build();
    await expect(runtime.listModels('openai')).rejects.toThrow(RoutingError);
    await expect(runtime.listModels('openai')).rejects.toThrow('no adapter for provider openai; registered: mock');
  });
});
