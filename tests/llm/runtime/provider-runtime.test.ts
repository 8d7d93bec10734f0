import { describe, expect, it } from 'vitest';
import type { ProviderRequest, ProviderResponse } from '../../../src/llm/core/canonical-types.js';
import { ConfigError, ProviderError, RoutingError } from '../../../src/llm/core/runtime-errors.js';
import { InvalidRequestError } from '../../../src/llm/runtime/invalid-request-error.js';
import { createMockAdapter } from '../../../src/llm/runtime/mock-adapter.js';
import { ProviderRuntime } from '../../../src/llm/runtime/provider-runtime.js';
import { stubAdapter } from '../registry/stub-adapter.js';

const MOCK = { provider: 'mock', model: 'mock-echo' };
const mockRuntime = () => ProviderRuntime.builder().adapter(createMockAdapter()).build();
const ask = (text: string, extra: Partial<ProviderRequest> = {}): ProviderRequest => ({ model: MOCK, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra });

function answer(request: ProviderRequest, fields: Partial<ProviderResponse> = {}): ProviderResponse {
  return {
    model: request.model,
    responseModel: request.model.model,
    id: 'r-1',
    output: { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 2_000_000 },
    cost: null,
    warnings: [],
    ...fields,
  };
}

describe('ProviderRuntime.run with the mock adapter', () => {
  it('answers deterministically, with usage and a cost from the catalog', async () => {
    const runtime = mockRuntime();
    const first = await runtime.run(ask('hello there'));
    expect(first.output.content).toEqual([{ type: 'text', text: 'mock-echo: hello there' }]);
    expect(first.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(first.usage).toMatchObject({ inputTokens: 3, outputTokens: 6, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 9 });
    expect(first.cost).toMatchObject({ total: 0, source: { kind: 'catalog' } });
    expect(first.cost?.source.detail).toContain('catalog-overrides.json');
    expect(first.warnings).toEqual([]);
    expect(await runtime.run(ask('hello there'))).toEqual(first);
  });

  it('calls the offered tool, then answers its result', async () => {
    const runtime = mockRuntime();
    const tools = [{ name: 'get_weather', description: 'weather by city', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } }];
    const called = await runtime.run(ask('Paris', { tools }));
    expect(called.finishReason.unified).toBe('tool_calls');
    const [toolCall] = called.output.content;
    expect(toolCall).toMatchObject({ type: 'tool-call', name: 'get_weather', arguments: { city: 'Paris' } });
    if (toolCall?.type !== 'tool-call') throw new Error('expected a tool call');
    const answered = await runtime.run({
      model: MOCK,
      tools,
      messages: [ask('Paris').messages[0]!, { role: 'assistant', content: [toolCall] }, { role: 'tool', content: [{ type: 'tool-result', toolCallId: toolCall.id, toolName: 'get_weather', content: '18°C' }] }],
    });
    expect(answered.output.content).toEqual([{ type: 'text', text: 'mock: tool results: get_weather → 18°C' }]);
  });

  it('honours a JSON schema, max output tokens and stop sequences', async () => {
    const runtime = mockRuntime();
    const json = await runtime.run(ask('x', { responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { ok: { type: 'boolean' }, n: { type: 'number' } }, required: ['ok', 'n'] } } }));
    expect(JSON.parse(json.output.content[0]?.type === 'text' ? json.output.content[0].text : '')).toEqual({ ok: true, n: 1 });
    const short = await runtime.run(ask('a long question that will not fit', { maxOutputTokens: 2 }));
    expect(short.finishReason.unified).toBe('length');
    expect(short.output.content[0]).toEqual({ type: 'text', text: 'mock-ec' + 'h' });
    const stopped = await runtime.run(ask('one STOP two', { stopSequences: ['STOP'] }));
    expect(stopped.output.content[0]).toEqual({ type: 'text', text: 'mock-echo: one ' });
  });

  it('warns for what mock-text cannot take, and says a missing usage is unpriced', async () => {
    const runtime = mockRuntime();
    const text = await runtime.run({ ...ask('hi'), model: { provider: 'mock', model: 'mock-text' }, tools: [{ name: 't', parameters: { type: 'object' } }] });
    expect(text.warnings.map((warning) => warning.code)).toEqual(['tools_unsupported']);
    const unpriced = await runtime.run(ask('hi', { providerOptions: { mock: { usage: 'none' } } }));
    expect(unpriced.cost).toBeNull();
    expect(unpriced.warnings.map((warning) => warning.code)).toEqual(['usage_missing']);
  });

  it('passes the adapter’s errors through', async () => {
    await expect(mockRuntime().run(ask('hi', { providerOptions: { mock: { fail: 'RATE_LIMIT' } } }))).rejects.toMatchObject({ code: 'RATE_LIMIT', retryable: true });
    await expect(mockRuntime().run({ ...ask('hi'), model: { provider: 'mock', model: 'mock-nope' } })).rejects.toBeInstanceOf(ProviderError);
  });
});

describe('ProviderRuntime.run at the boundary', () => {
  it('refuses an invalid request naming the field, before any adapter runs', async () => {
    const spy = stubAdapter('mock');
    const runtime = ProviderRuntime.builder().adapter(spy).build();
    const bad = { model: MOCK, messages: [{ role: 'user', content: [{ type: 'tool-call', id: 'x', name: 'y', arguments: {} }] }] };
    const error = await runtime.run(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', field: 'messages[0].content[0].type' });
    expect((error as Error).message).toContain('a user message cannot hold a tool-call part');
    await expect(runtime.run({ model: MOCK, messages: [] })).rejects.toMatchObject({ field: 'messages' });
    await expect(runtime.run({ ...ask('x'), temperature: 3 })).rejects.toMatchObject({ field: 'temperature' });
    expect(spy.contexts).toEqual([]);
  });

  it('refuses a provider with no adapter', async () => {
    await expect(mockRuntime().run({ ...ask('x'), model: { provider: 'openai', model: 'gpt-4o' } })).rejects.toBeInstanceOf(RoutingError);
  });

  it('gives the adapter its provider’s transport (the retry policy), token, base URL and signal', async () => {
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = async (url) => {
      calls.push(String(url));
      return calls.length === 1 ? new Response('{"error":"busy"}', { status: 503 }) : new Response('{"text":"fine"}', { status: 200 });
    };
    const adapter = stubAdapter('alpha', {
      async run(request, ctx) {
        const token = await ctx.token('alpha');
        const reply = await ctx.transport.send({ method: 'POST', url: `${ctx.baseUrl}/v1/run`, headers: { authorization: `Bearer ${token}` }, body: {} }, (status) =>
          new ProviderError({ code: status === 503 ? 'OVERLOADED' : 'INVALID_REQUEST', provider: 'alpha', status, message: `alpha: ${status}` }),
        );
        return answer(request, { output: { role: 'assistant', content: [{ type: 'text', text: (reply.body as { text: string }).text }] } });
      },
    });
    const slept: number[] = [];
    const runtime = ProviderRuntime.builder()
      .adapter(adapter)
      .token((provider) => `key-for-${provider}`)
      .baseUrl('alpha', 'http://127.0.0.1:9/alpha')
      .retryPolicy({ maxAttempts: 2, baseDelayMs: 100 })
      .transportHooks({ fetch, random: () => 0.5, sleep: async (ms) => void slept.push(ms) })
      .pricing([{ provider: 'alpha', model: 'a-*', inputPerMillion: 1, outputPerMillion: 2 }])
      .build();
    const controller = new AbortController();
    const response = await runtime.run({ ...ask('x'), model: { provider: 'alpha', model: 'a-1' } }, { signal: controller.signal });
    expect(response.output.content).toEqual([{ type: 'text', text: 'fine' }]);
    expect(calls).toEqual(['http://127.0.0.1:9/alpha/v1/run', 'http://127.0.0.1:9/alpha/v1/run']);
    expect(slept).toEqual([50]);
    expect(adapter.contexts[0]?.signal).toBe(controller.signal);
    expect(response.cost).toMatchObject({ input: 1, output: 2, total: 3, source: { kind: 'config' } });
  });

  it('keeps a vendor-reported cost and appends pricing warnings after the adapter’s', async () => {
    const vendorCost = { input: null, output: null, cachedInput: null, reasoning: null, total: 0.42, currency: 'USD' as const, source: { kind: 'vendor' as const, detail: 'openrouter usage.cost' } };
    const runtime = ProviderRuntime.builder()
      .adapter(stubAdapter('alpha', { run: async (request) => answer(request, { cost: vendorCost, warnings: [{ code: 'adapter_said', message: 'x' }] }) }))
      .adapter(stubAdapter('beta', { run: async (request) => answer(request, { warnings: [{ code: 'adapter_said', message: 'y' }] }) }))
      .build();
    const vendor = await runtime.run({ ...ask('x'), model: { provider: 'alpha', model: 'a-1' } });
    expect(vendor.cost).toEqual(vendorCost);
    expect(vendor.warnings.map((warning) => warning.code)).toEqual(['adapter_said']);
    const unpriced = await runtime.run({ ...ask('x'), model: { provider: 'beta', model: 'b-1' } });
    expect(unpriced.cost).toMatchObject({ total: null, source: { kind: 'none' } });
    expect(unpriced.warnings.map((warning) => warning.code)).toEqual(['adapter_said', 'price_missing']);
  });

  it('asks for a token only through the token provider, and says when none was given', async () => {
    const runtime = ProviderRuntime.builder().adapter(stubAdapter('alpha', { run: async (request, ctx) => answer(request, { id: String(await ctx.token('alpha')) }) })).build();
    await expect(runtime.run({ ...ask('x'), model: { provider: 'alpha', model: 'a' } })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('ProviderRuntime: discovery, catalog, resolution, handoff', () => {
  it('discovers the static catalog without network, and the mock’s models with remote', async () => {
    const runtime = mockRuntime();
    const local = await runtime.discoverModels();
    expect(local.catalog.models.map((model) => model.model)).toEqual(['mock-echo', 'mock-text']);
    const remote = await runtime.discoverModels({ remote: true });
    expect(remote.catalog.models.every((model) => model.origin === 'static')).toBe(true);
    expect(Object.keys(remote.catalog.sources)).toContain('remote:mock');
    await expect(runtime.discoverModels({ remote: 'yes' })).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('exports its catalog deterministically and resolves model names through it', () => {
    const runtime = mockRuntime();
    expect(runtime.exportCatalogJson()).toBe(runtime.exportCatalogJson(structuredClone(runtime.catalog)));
    expect(runtime.resolveModel('mock-echo')).toEqual(MOCK);
    expect(runtime.resolveModel('openrouter/openai/gpt-4o')).toEqual({ provider: 'openrouter', model: 'openai/gpt-4o' });
    expect(runtime.model(MOCK)?.capabilities.tools).toBe(true);
  });

  it('hands a conversation off with the target model’s capabilities from the catalog', () => {
    const conversation = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'look' }, { type: 'image' as const, url: 'https://example.test/x.png' }] }];
    const runtime = mockRuntime();
    expect(runtime.handoff(conversation, 'openai', { provider: 'mock', model: 'mock-text' }).warnings.map((warning) => warning.code)).toEqual(['handoff_image_replaced']);
    expect(runtime.handoff(conversation, 'openai', MOCK).warnings).toEqual([]);
  });
});

describe('ProviderRuntime.builder', () => {
  it('refuses a runtime set up wrong, naming what', () => {
    expect(() => ProviderRuntime.builder().build()).toThrow(/at least one adapter/);
    expect(() => ProviderRuntime.builder().adapter(createMockAdapter()).adapter(createMockAdapter())).toThrow(ConfigError);
    const builder = () => ProviderRuntime.builder().adapter(createMockAdapter());
    expect(() => builder().baseUrl('openai', 'http://127.0.0.1:1').build()).toThrow(/openai, which has no adapter/);
    expect(() => builder().baseUrl('mock', 'ftp://127.0.0.1').build()).toThrow(/http\(s\)/);
    expect(() => builder().baseUrl('mock', 'not a url').build()).toThrow(/not a URL/);
    expect(() => builder().retryPolicy({ maxAttempts: 0 }).build()).toThrow(/retryPolicy.maxAttempts/);
    expect(() => builder().pricing([{ provider: 'mock', model: 'x', inputPerMillion: 'cheap' }]).build()).toThrow(/pricing rule 0: inputPerMillion/);
    expect(() => builder().catalog({ models: [{ provider: 'mock' }], sources: {} } as never).build()).toThrow(/not a ModelCatalog: models\[0\]/);
  });

  it('builds a runtime that later registrations on the builder do not reach', async () => {
    const builder = ProviderRuntime.builder().adapter(createMockAdapter());
    const runtime = builder.build();
    builder.adapter(stubAdapter('alpha'));
    expect(runtime.providers()).toEqual(['mock']);
  });
});
