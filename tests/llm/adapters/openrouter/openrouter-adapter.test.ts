import { describe, expect, it } from 'vitest';
import { createOpenRouterAdapter, decodeOpenRouterModels, openRouterPricePerMillion } from '../../../../src/llm/adapters/openrouter/index.js';
import {
  type AdapterContext,
  ConfigError,
  type HttpJsonRequest,
  ModelInfoSchema,
  ProviderError,
  ProviderRequestSchema,
  RoutingError,
  type Transport,
} from '../../../../src/llm/core/index.js';

const KEY = 'sk-or-v1-unit-3b9d0c7a11f2';

/** A transport that records what the adapter asks and answers from a script (no network). */
function scriptedTransport(answer: (request: HttpJsonRequest) => unknown) {
  const sent: { request: HttpJsonRequest; signal: AbortSignal | undefined; decodeError: Parameters<Transport['send']>[1] }[] = [];
  const transport: Transport = {
    async send(request, decodeError, signal) {
      sent.push({ request, signal, decodeError });
      return { status: 200, headers: new Headers(), body: answer(request) };
    },
  };
  return { transport, sent };
}

const context = (transport: Transport, fields: Partial<AdapterContext> = {}): AdapterContext => ({ transport, token: () => KEY, ...fields });
const request = (fields: Record<string, unknown> = {}) =>
  ProviderRequestSchema.parse({ model: { provider: 'openrouter', model: 'openai/gpt-4o' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], ...fields });
const COMPLETION = {
  id: 'gen-9',
  model: 'openai/gpt-4o',
  object: 'chat.completion',
  created: 1,
  system_fingerprint: null,
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello' } }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, cost: 0.00001 },
};

describe('OpenRouterAdapter.run', () => {
  it('posts the encoded body to /api/v1/chat/completions with the Bearer key and the attribution headers, then decodes the answer', async () => {
    const { transport, sent } = scriptedTransport(() => COMPLETION);
    const signal = new AbortController().signal;
    const adapter = createOpenRouterAdapter();
    const response = await adapter.run(request({ stopSequences: ['1', '2', '3', '4', '5'], providerOptions: { openrouter: { httpReferer: 'https://hangar.example', xTitle: 'Hangar' } } }), context(transport, { signal }));
    expect(adapter.id).toBe('openrouter');
    expect(adapter.capabilities).toMatchObject({ reportsCost: true, discovery: true });
    const [call] = sent;
    expect(call?.request).toMatchObject({ method: 'POST', url: 'https://openrouter.ai/api/v1/chat/completions' });
    expect(call?.request.headers).toEqual({ authorization: `Bearer ${KEY}`, 'HTTP-Referer': 'https://hangar.example', 'X-Title': 'Hangar' });
    expect(call?.request.body).toMatchObject({ model: 'openai/gpt-4o', stop: ['1', '2', '3', '4'], usage: { include: true } });
    expect(call?.signal).toBe(signal);
    expect(call?.decodeError(402, new Headers(), { error: { code: 402, message: 'Insufficient credits' } })).toMatchObject({ code: 'AUTH', provider: 'openrouter' });
    expect(response).toMatchObject({ id: 'gen-9', output: { content: [{ type: 'text', text: 'Hello' }] }, cost: { total: 0.00001, source: { kind: 'vendor' } } });
    expect(response.warnings.map((warning) => warning.code)).toEqual(['stop_sequences_truncated']);
  });

  it('takes the server root from the context (an emulator), with or without a trailing slash', async () => {
    const { transport, sent } = scriptedTransport(() => COMPLETION);
    await createOpenRouterAdapter().run(request(), context(transport, { baseUrl: 'http://127.0.0.1:4572/' }));
    expect(sent[0]?.request.url).toBe('http://127.0.0.1:4572/api/v1/chat/completions');
  });

  it('refuses a request for another provider, and a missing key, before sending anything', async () => {
    const { transport, sent } = scriptedTransport(() => COMPLETION);
    const adapter = createOpenRouterAdapter();
    await expect(adapter.run(request({ model: { provider: 'openai', model: 'gpt-4o' } }), context(transport))).rejects.toBeInstanceOf(RoutingError);
    await expect(adapter.run(request(), context(transport, { token: () => '' }))).rejects.toBeInstanceOf(ConfigError);
    await expect(adapter.run(request({ providerOptions: { openrouter: { provider: { order: 5 } } } }), context(transport))).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(sent).toEqual([]);
  });

  it('throws the error an answer carries in a 200 body', async () => {
    const { transport } = scriptedTransport(() => ({ error: { code: 503, message: 'No available model provider' } }));
    const failure = await createOpenRouterAdapter()
      .run(request(), context(transport))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ code: 'OVERLOADED', status: 503 });
    expect(String((failure as Error).message)).not.toContain(KEY);
  });
});

const entry = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  name: id.toUpperCase(),
  context_length: 1000,
  architecture: { modality: 'text->text', input_modalities: ['text'], output_modalities: ['text'] },
  pricing: { prompt: '0.000001', completion: '0.000002' },
  top_provider: { context_length: 1000, max_completion_tokens: 100, is_moderated: false },
  supported_parameters: [],
  ...fields,
});

describe('OpenRouter model discovery', () => {
  it('turns per-token price strings into exact per-million numbers; variable or unreadable prices are null', () => {
    const table: [unknown, number | null][] = [
      ['0.000003', 3],
      ['0.0000025', 2.5],
      ['0.00000015', 0.15],
      ['0.000000028', 0.028],
      ['0', 0],
      ['0.01', 10000],
      ['1e-7', 0.1],
      [0.000004, 4],
      ['-1', null],
      ['', null],
      ['free', null],
      [undefined, null],
    ];
    for (const [price, perMillion] of table) expect([price, openRouterPricePerMillion(price)]).toEqual([price, perMillion]);
  });

  it('reads capabilities, limits and prices of each model, skipping those that cannot chat', () => {
    const { models, next } = decodeOpenRouterModels(
      {
        data: [
          entry('a/tools', {
            supported_parameters: ['tools', 'structured_outputs', 'reasoning'],
            architecture: { modality: 'text+image->text', input_modalities: ['text', 'image'], output_modalities: ['text'] },
            pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', internal_reasoning: '0.00001' },
          }),
          entry('b/plain', { context_length: null, top_provider: { context_length: 4096, max_completion_tokens: null, is_moderated: true }, reasoning: { mandatory: true } }),
          entry('c/images', { architecture: { modality: 'text->image', input_modalities: ['text'], output_modalities: ['image'] } }),
          entry('a/tools'),
          { name: 'no id' },
        ],
        links: { next: null },
        total_count: 5,
      },
      '2025-11-24T12:00:00.000Z',
    );
    expect(next).toBeNull();
    expect(models.map((model) => model.model)).toEqual(['a/tools', 'b/plain']);
    for (const model of models) expect(ModelInfoSchema.safeParse(model).success).toBe(true);
    expect(models[0]).toMatchObject({
      provider: 'openrouter',
      displayName: 'A/TOOLS',
      contextWindow: 1000,
      maxOutputTokens: 100,
      capabilities: { tools: true, vision: true, jsonSchema: true, reasoning: true },
      prices: { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, reasoningPerMillion: 10 },
      sources: { prices: { source: 'openrouter /api/v1/models', asOf: '2025-11-24T12:00:00.000Z' } },
      origin: 'remote',
    });
    expect(models[1]).toMatchObject({ contextWindow: 4096, maxOutputTokens: null, capabilities: { tools: false, vision: false, jsonSchema: false, reasoning: true }, prices: { cachedInputPerMillion: null } });
  });

  it('follows links.next on the same server only, and refuses a list that is not one', async () => {
    const pages: Record<string, unknown> = {
      'http://127.0.0.1:9/api/v1/models': { data: [entry('a/one')], links: { next: '/api/v1/models?offset=1&limit=1' }, total_count: 3 },
      'http://127.0.0.1:9/api/v1/models?offset=1&limit=1': { data: [entry('a/two'), entry('a/one')], links: { next: 'https://elsewhere.example/api/v1/models?offset=2' }, total_count: 3 },
    };
    const { transport, sent } = scriptedTransport((req) => pages[req.url]);
    const models = await createOpenRouterAdapter().discoverModels(context(transport, { baseUrl: 'http://127.0.0.1:9', now: () => Date.UTC(2025, 0, 2) }));
    expect(models.map((model) => model.model)).toEqual(['a/one', 'a/two']);
    expect(sent.map((call) => call.request.url)).toEqual(Object.keys(pages));
    expect(sent[0]?.request.headers).toEqual({ authorization: `Bearer ${KEY}` });
    expect(models[0]?.sources.limits?.asOf).toBe('2025-01-02T00:00:00.000Z');

    const endless = scriptedTransport((req) => ({ data: [], links: { next: `${new URL(req.url).pathname}?offset=${req.url.length}` } }));
    await expect(createOpenRouterAdapter().discoverModels(context(endless.transport))).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    const broken = scriptedTransport(() => ({ models: [] }));
    await expect(createOpenRouterAdapter().discoverModels(context(broken.transport))).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
