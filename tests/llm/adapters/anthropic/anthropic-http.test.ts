import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAnthropicEmulator, startAnthropicEmulator } from '../../../../src/emulators/anthropic/start-anthropic-emulator.js';
import { ANTHROPIC_CAPABILITIES, AnthropicAdapter, anthropicAdapter, createAnthropicAdapter } from '../../../../src/llm/adapters/anthropic/index.js';
import { type AdapterContext, ConfigError, type Message, ModelInfoSchema, ProviderError, type ProviderRequest, ProviderResponseSchema } from '../../../../src/llm/core/index.js';
import { JsonTransport, sleep } from '../../../../src/llm/transport/json-transport.js';
import { expectExchangesMatchSpec } from '../../../emulators/anthropic/anthropic-emulator-bed.js';

/** A fake key planted for the run: it must appear in no error the adapter raises. */
const KEY = 'sk-ant-http-PLANTED-91b2c3d4e5';

let emulator: RunningAnthropicEmulator;
const adapter = new AnthropicAdapter();
/** What the transport did: the waits it took before retries, and the headers it sent. */
let waits: number[] = [];
let sentHeaders: Headers[] = [];

beforeAll(async () => {
  emulator = await startAnthropicEmulator({ apiKeys: [KEY], seed: 21, maxPageSize: 2 });
});
afterEach(() => emulator.chaos.clear());
afterAll(async () => {
  expectExchangesMatchSpec(emulator.exchanges);
  await emulator.close();
});

/** The runtime's JsonTransport over real HTTP, its waits recorded instead of slept (unless `realSleep`), jitter fixed at half. */
function context(fields: Partial<AdapterContext> = {}, options: { realSleep?: boolean } = {}): AdapterContext {
  waits = [];
  sentHeaders = [];
  const transport = new JsonTransport({
    provider: 'anthropic',
    random: () => 0.5,
    sleep: options.realSleep ? sleep : async (ms: number) => void waits.push(ms),
    fetch: (input, init) => {
      sentHeaders.push(new Headers(init?.headers));
      return fetch(input, init);
    },
  });
  return { transport, token: () => KEY, baseUrl: emulator.url, ...fields };
}

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const request = (fields: Partial<ProviderRequest> = {}): ProviderRequest => ({ model: { provider: 'anthropic', model: 'claude-sonnet-4-5' }, messages: [user('Hello from Hangar')], maxOutputTokens: 400, ...fields });
const exchangesSince = (start: number) => emulator.exchanges.slice(start);

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).not.toContain(KEY);
    expect(JSON.stringify((error as ProviderError).raw)).not.toContain(KEY);
    return error as ProviderError;
  }
  throw new Error('the call succeeded');
}

const WEATHER = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('AnthropicAdapter over HTTP: answers', () => {
  it('sends x-api-key and anthropic-version 2023-06-01, and decodes a text answer', async () => {
    const response = await adapter.run(request(), context());
    expect(ProviderResponseSchema.safeParse(response).success).toBe(true);
    expect(sentHeaders[0]?.get('x-api-key')).toBe(KEY);
    expect(sentHeaders[0]?.get('anthropic-version')).toBe('2023-06-01');
    expect(sentHeaders[0]?.get('authorization')).toBeNull();
    expect(response.responseModel).toBe('claude-sonnet-4-5-20250929');
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(response.output.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Hello from Hangar') });
    expect(response.usage).toMatchObject({ inputTokens: 9, cachedInputTokens: 0, reasoningTokens: null });
    expect(response.usage.totalTokens).toBe(response.usage.inputTokens! + response.usage.outputTokens!);
    expect(response.warnings).toEqual([]);
  });

  it('reads a refusal (HTTP 200, stop_reason refusal) as content_filter', async () => {
    const response = await adapter.run(request({ messages: [user('[[refuse]]')] }), context());
    expect(response.finishReason).toEqual({ unified: 'content_filter', raw: 'refusal' });
  });

  it('takes the server root from its options when the context names none', async () => {
    expect(anthropicAdapter).toMatchObject({ id: 'anthropic', capabilities: ANTHROPIC_CAPABILITIES });
    const own = createAnthropicAdapter({ baseUrl: `${emulator.url}/` });
    const { baseUrl: _unused, ...ctx } = context();
    expect((await own.run(request(), ctx)).finishReason.raw).toBe('end_turn');
  });

  it('runs a tool loop: a tool call, then its result (with an id from another vendor, rewritten both ways), then text', async () => {
    const first = await adapter.run(request({ tools: [WEATHER], messages: [user('Weather in Quito?')] }), context());
    expect(first.finishReason).toEqual({ unified: 'tool_calls', raw: 'tool_use' });
    const call = first.output.content.find((part) => part.type === 'tool-call');
    expect(call).toMatchObject({ type: 'tool-call', name: 'get_weather', arguments: { city: expect.any(String) } });
    if (call?.type !== 'tool-call') throw new Error('no tool call');

    const foreign = { ...call, id: 'call:quito/1' };
    const second = await adapter.run(
      request({
        tools: [WEATHER],
        messages: [user('Weather in Quito?'), { role: 'assistant', content: [foreign] }, { role: 'tool', content: [{ type: 'tool-result', toolCallId: foreign.id, content: '14 degrees' }] }],
      }),
      context(),
    );
    expect(second.finishReason.unified).toBe('stop');
    expect(second.output.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('14 degrees') });
    expect(second.warnings.map((warning) => warning.code)).toEqual(['tool_call_id_rewritten']);
  });

  it('answers a json_schema request with JSON that fits the schema, through the stand-in tool', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'] };
    const response = await adapter.run(request({ responseFormat: { type: 'json_schema', name: 'city_info', schema } }), context());
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
    expect(response.output.content).toHaveLength(1);
    const text = response.output.content[0]?.type === 'text' ? response.output.content[0].text : '';
    expect(new Ajv2020().compile(schema)(JSON.parse(text))).toBe(true);
    expect(response.warnings.map((warning) => warning.code)).toEqual(['response_format_emulated']);
  });

  it('thinks, keeps the signature, and sends the thinking back so the next turn is accepted; altered thinking is refused', async () => {
    const thinking = { maxOutputTokens: 4000, reasoning: { budgetTokens: 1024 } };
    const first = await adapter.run(request({ ...thinking, messages: [user('Think about it.')] }), context());
    const reasoning = first.output.content[0];
    expect(reasoning).toMatchObject({ type: 'reasoning', signature: expect.any(String) });
    const history = (content: typeof first.output.content): Message[] => [user('Think about it.'), { role: 'assistant', content }, user('And now?')];
    const second = await adapter.run(request({ ...thinking, messages: history(first.output.content) }), context());
    expect(second.output.content[0]?.type).toBe('reasoning');

    const altered = first.output.content.map((part) => (part.type === 'reasoning' ? { ...part, text: `${part.text} (altered)` } : part));
    const refused = await failure(adapter.run(request({ ...thinking, messages: history(altered) }), context()));
    expect(refused).toMatchObject({ code: 'INVALID_REQUEST', status: 400, retryable: false });
  });
});

describe('AnthropicAdapter over HTTP: failures and the transport’s retries', () => {
  it('401: AUTH, not retried, and the key is in no error', async () => {
    const start = emulator.exchanges.length;
    const error = await failure(adapter.run(request(), context({ token: () => 'sk-ant-not-this-one' })));
    expect(error).toMatchObject({ code: 'AUTH', status: 401, retryable: false });
    expect(exchangesSince(start)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('an empty key: a ConfigError before any request', async () => {
    const start = emulator.exchanges.length;
    await expect(adapter.run(request(), context({ token: () => '' }))).rejects.toBeInstanceOf(ConfigError);
    await expect(adapter.discoverModels(context({ token: async () => '' }))).rejects.toBeInstanceOf(ConfigError);
    expect(exchangesSince(start)).toHaveLength(0);
  });

  it('429: RATE_LIMIT, retried after exactly the retry-after the answer gave', async () => {
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code: 'RATE_LIMIT_ERROR', retryAfterMs: 2000, times: 1 }] });
    const start = emulator.exchanges.length;
    const response = await adapter.run(request(), context());
    expect(response.finishReason.unified).toBe('stop');
    expect(exchangesSince(start).map((exchange) => exchange.status)).toEqual([429, 200]);
    expect(waits).toEqual([2000]);
  });

  it('529: OVERLOADED, retried with backoff, then succeeds', async () => {
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 2 }] });
    const start = emulator.exchanges.length;
    const response = await adapter.run(request(), context());
    expect(response.finishReason.unified).toBe('stop');
    expect(exchangesSince(start).map((exchange) => exchange.status)).toEqual([529, 529, 200]);
    // Full jitter at half the ceiling: 500 ms, then 1000 ms.
    expect(waits).toEqual([250, 500]);
  });

  it('529 that does not pass: OVERLOADED once the attempts are spent', async () => {
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR' }] });
    const start = emulator.exchanges.length;
    const error = await failure(adapter.run(request(), context()));
    expect(error).toMatchObject({ code: 'OVERLOADED', status: 529, retryable: true });
    expect(exchangesSince(start)).toHaveLength(3);
  });

  it('a prompt longer than the window: CONTEXT_LENGTH_EXCEEDED, not retried', async () => {
    const start = emulator.exchanges.length;
    const error = await failure(adapter.run(request({ messages: [user('word '.repeat(170_000))] }), context()));
    expect(error).toMatchObject({ code: 'CONTEXT_LENGTH_EXCEEDED', status: 400, retryable: false });
    expect(error.message).toMatch(/prompt is too long: \d+ tokens > 200000 maximum/);
    expect(exchangesSince(start)).toHaveLength(1);
  });

  it('an unknown model: NOT_FOUND', async () => {
    expect(await failure(adapter.run(request({ model: { provider: 'anthropic', model: 'claude-sonnet-4.6' } }), context()))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('honours an abort while the vendor does not answer', async () => {
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'timeout' }] });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 150);
    const started = Date.now();
    await expect(adapter.run(request(), context({ signal: controller.signal }))).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('honours an abort during the wait before a retry', async () => {
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code: 'RATE_LIMIT_ERROR', retryAfterMs: 30_000 }] });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 200);
    const start = emulator.exchanges.length;
    const started = Date.now();
    await expect(adapter.run(request(), context({ signal: controller.signal }, { realSleep: true }))).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(exchangesSince(start)).toHaveLength(1);
  });
});

describe('AnthropicAdapter over HTTP: discovery', () => {
  it('reads every page of GET /v1/models as remote ModelInfo', async () => {
    const start = emulator.exchanges.length;
    const models = await adapter.discoverModels(context({ now: () => Date.UTC(2026, 5, 1) }));
    expect(models.map((model) => model.model)).toEqual([
      'claude-opus-4-5-20251101',
      'claude-haiku-4-5-20251001',
      'claude-sonnet-4-5-20250929',
      'claude-opus-4-1-20250805',
      'claude-3-7-sonnet-20250219',
      'claude-3-5-haiku-20241022',
      'claude-3-haiku-20240307',
    ]);
    for (const model of models) expect(ModelInfoSchema.safeParse(model).success).toBe(true);
    expect(models[5]).toMatchObject({ origin: 'remote', contextWindow: 200_000, maxOutputTokens: 8192, capabilities: { reasoning: false }, sources: { limits: { asOf: '2026-06-01T00:00:00.000Z' } } });
    // Two models a page (the emulator's cap): four pages, each after the last id of the one before.
    expect(exchangesSince(start).map((exchange) => exchange.path)).toEqual(['/v1/models', '/v1/models', '/v1/models', '/v1/models']);
  });
});
