import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../../../src/llm/core/adapter-contract.js';
import { ModelInfoSchema, type ProviderRequest, ProviderResponseSchema } from '../../../../src/llm/core/canonical-types.js';
import { ProviderError } from '../../../../src/llm/core/runtime-errors.js';
import { JsonTransport } from '../../../../src/llm/transport/json-transport.js';
import type { RetryPolicy } from '../../../../src/llm/transport/retry-policy.js';
import { openAiAdapter } from '../../../../src/llm/adapters/openai/openai-adapter.js';
import type { OpenAiEmulatorOptions } from '../../../../src/emulators/openai/openai-emulator-options.js';
import { type RunningOpenAiEmulator, startOpenAiEmulator } from '../../../../src/emulators/openai/start-openai-emulator.js';
import { componentErrors } from './openai-spec.js';

/** A planted key: it must never show up in an error, a message or a recorded exchange. */
const KEY = 'sk-hangar-planted-4b1d8e2f9a7c';
const WRONG_KEY = 'sk-hangar-planted-wrong-6c0e3a';

let emulator: RunningOpenAiEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Bed {
  ctx: (extra?: Partial<AdapterContext>) => AdapterContext;
  retries: { attempt: number; delayMs: number; error: Error }[];
  emulator: RunningOpenAiEmulator;
}

async function bed(options: OpenAiEmulatorOptions = {}, policy: Partial<RetryPolicy> = {}, key = KEY): Promise<Bed> {
  emulator = await startOpenAiEmulator({ apiKeys: [KEY], seed: 5, ...options });
  const retries: Bed['retries'] = [];
  const transport = new JsonTransport({ provider: 'openai', policy: { baseDelayMs: 10, maxDelayMs: 50, attemptTimeoutMs: 5_000, ...policy }, onRetry: (event) => retries.push(event) });
  const running = emulator;
  return { ctx: (extra = {}) => ({ transport, token: () => key, baseUrl: running.url, ...extra }), retries, emulator: running };
}

const ask = (text: string, extra: Partial<ProviderRequest> = {}): ProviderRequest => ({ model: { provider: 'openai', model: 'gpt-4o' }, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra });
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as ProviderError);

/** Every Chat Completions body the adapter sent validates against the spec, and no exchange holds the key. */
function expectCleanTraffic(running: RunningOpenAiEmulator): void {
  for (const exchange of running.exchanges.filter((entry) => entry.method === 'POST')) expect(componentErrors('CreateChatCompletionRequest', exchange.body)).toEqual([]);
  expect(JSON.stringify(running.exchanges)).not.toContain(KEY);
}

describe('the OpenAI adapter over HTTP (JsonTransport) against the emulator', () => {
  it('gets a text reply', async () => {
    const { ctx, emulator: running } = await bed();
    const response = ProviderResponseSchema.parse(await openAiAdapter.run(ask('Hello emulator', { maxOutputTokens: 300, temperature: 0.2 }), ctx()));
    expect(response.output.content).toEqual([{ type: 'text', text: expect.stringContaining('You said: Hello emulator') }]);
    expect(response).toMatchObject({ finishReason: { unified: 'stop', raw: 'stop' }, responseModel: 'gpt-4o', id: expect.stringMatching(/^chatcmpl-/), warnings: [] });
    expect(response.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: expect.any(Number), cachedInputTokens: 0, reasoningTokens: 0 });
    expectCleanTraffic(running);
  });

  it('gets a tool call, sends the result back, and gets the final text', async () => {
    const { ctx, emulator: running } = await bed();
    const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } }];
    const first = await openAiAdapter.run(ask('weather in Oslo?', { tools }), ctx());
    expect(first.finishReason.unified).toBe('tool_calls');
    const call = first.output.content[0]!;
    expect(call).toEqual({ type: 'tool-call', id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: { city: 'example' } });
    if (call.type !== 'tool-call') throw new Error('not a tool call');
    const second = await openAiAdapter.run(
      {
        ...ask('weather in Oslo?', { tools }),
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather in Oslo?' }] },
          { role: 'assistant', content: [call] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.id, content: 'sunny, 18C' }] },
        ],
      },
      ctx(),
    );
    expect(second.output.content).toEqual([{ type: 'text', text: expect.stringContaining('get_weather tool returned: sunny, 18C') }]);
    expectCleanTraffic(running);
  });

  it('gets a JSON reply that matches the requested schema', async () => {
    const { ctx } = await bed();
    const schema = { type: 'object', properties: { answer: { type: 'integer', minimum: 42 }, unit: { type: 'string', enum: ['m', 'km'] } }, required: ['answer', 'unit'], additionalProperties: false };
    const response = await openAiAdapter.run(ask('the answer', { responseFormat: { type: 'json_schema', name: 'answer', schema, strict: true } }), ctx());
    const text = response.output.content[0];
    expect(text?.type === 'text' && JSON.parse(text.text)).toEqual({ answer: 42, unit: 'm' });
  });

  it('carries what the model cannot take as warnings, and the vendor accepts the rest (a reasoning model)', async () => {
    const { ctx, emulator: running } = await bed();
    const response = await openAiAdapter.run(
      { ...ask('think', { temperature: 0.5, stopSequences: ['x'], reasoning: { budgetTokens: 30_000 } }), model: { provider: 'openai', model: 'o3-mini' }, messages: [{ role: 'system', content: [{ type: 'text', text: 'sys' }] }, { role: 'user', content: [{ type: 'text', text: 'think' }] }] },
      ctx(),
    );
    expect(response.warnings.map((warning) => warning.code)).toEqual(['reasoning_mapped', 'setting_dropped', 'setting_dropped']);
    expect(response.usage.reasoningTokens).toBe(576);
    expect(running.exchanges.at(-1)?.body).toMatchObject({ reasoning_effort: 'high', messages: [{ role: 'developer' }, { role: 'user' }] });
  });

  it('401 → AUTH, not retried, and the planted key is in no error', async () => {
    const { ctx, retries, emulator: running } = await bed({}, {}, WRONG_KEY);
    const error = await failure(openAiAdapter.run(ask('hi'), ctx()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(retries).toEqual([]);
    expect(running.exchanges).toHaveLength(1);
    expect(JSON.stringify({ message: error.message, raw: error.raw, stack: error.stack })).not.toContain(WRONG_KEY);
  });

  it('429 → retried after the retry-after-ms the emulator sent, then succeeds', async () => {
    const { ctx, retries, emulator: running } = await bed({ rateLimit: { requests: 1, windowMs: 600 } });
    await openAiAdapter.run(ask('one'), ctx());
    const started = Date.now();
    const response = await openAiAdapter.run(ask('two'), ctx());
    const elapsed = Date.now() - started;
    expect(response.output.content).toEqual([{ type: 'text', text: expect.stringContaining('two') }]);
    expect(retries).toHaveLength(1);
    const limited = running.exchanges.find((exchange) => exchange.status === 429)!;
    const asked = Number(limited.headers['retry-after-ms']);
    expect(asked).toBeGreaterThan(0);
    expect(retries[0]!.delayMs).toBe(asked);
    expect((retries[0]!.error as ProviderError).code).toBe('RATE_LIMIT');
    expect(elapsed).toBeGreaterThanOrEqual(asked - 5);
  });

  it('chaos 503 → OVERLOADED, retried until it passes', async () => {
    const { ctx, retries } = await bed({ chaos: { seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 2 }] } });
    const response = await openAiAdapter.run(ask('through the storm'), ctx());
    expect(response.finishReason.unified).toBe('stop');
    expect(retries.map((retry) => [(retry.error as ProviderError).code, (retry.error as ProviderError).status])).toEqual([
      ['OVERLOADED', 503],
      ['OVERLOADED', 503],
    ]);
  });

  it('insufficient_quota (a 429) → AUTH, not retried', async () => {
    const { ctx, retries } = await bed({ chaos: { seed: 1, faults: [{ operation: 'spawn', code: 'QUOTA_EXCEEDED' }] } });
    expect(await failure(openAiAdapter.run(ask('hi'), ctx()))).toMatchObject({ code: 'AUTH', retryable: false, status: 429 });
    expect(retries).toEqual([]);
  });

  it('a prompt over the window → CONTEXT_LENGTH_EXCEEDED, not retried; an unknown model → NOT_FOUND', async () => {
    const { ctx, retries } = await bed();
    expect(await failure(openAiAdapter.run(ask('x'.repeat(4 * 130_000)), ctx()))).toMatchObject({ code: 'CONTEXT_LENGTH_EXCEEDED', retryable: false, status: 400 });
    expect(await failure(openAiAdapter.run({ ...ask('hi'), model: { provider: 'openai', model: 'gpt-9' } }, ctx()))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(retries).toEqual([]);
  });

  it('a malformed 200 → BAD_RESPONSE, not retried', async () => {
    const { ctx, retries } = await bed({ chaos: { seed: 1, faults: [{ operation: 'spawn', effect: 'malformed' }] } });
    expect(await failure(openAiAdapter.run(ask('hi'), ctx()))).toMatchObject({ code: 'BAD_RESPONSE' });
    expect(retries).toEqual([]);
  });

  it("honours the caller's abort signal while the vendor hangs", async () => {
    const { ctx } = await bed({ chaos: { seed: 1, faults: [{ operation: 'spawn', effect: 'timeout' }] } });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 150);
    const started = Date.now();
    await expect(openAiAdapter.run(ask('hi'), ctx({ signal: controller.signal }))).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('discovers the models over HTTP', async () => {
    const { ctx } = await bed();
    const models = await openAiAdapter.discoverModels(ctx());
    expect(models.map((model) => model.model)).toEqual(['gpt-4.1', 'gpt-4o', 'gpt-4o-mini', 'gpt-5', 'o3-mini', 'o4-mini']);
    for (const model of models) expect(ModelInfoSchema.parse(model).origin).toBe('remote');
  });
});
