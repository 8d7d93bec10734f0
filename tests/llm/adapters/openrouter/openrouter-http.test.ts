import { describe, expect, it } from 'vitest';
import type { OpenRouterEmulatorOptions } from '../../../../src/emulators/openrouter/openrouter-emulator-options.js';
import { createOpenRouterAdapter } from '../../../../src/llm/adapters/openrouter/index.js';
import { type ProviderError, type ProviderRequest, ProviderRequestSchema, ProviderResponseSchema } from '../../../../src/llm/core/index.js';
import { JsonTransport } from '../../../../src/llm/transport/json-transport.js';
import { API_KEY, openOpenRouterEmulator, type OpenRouterEmulatorBed } from '../../../emulators/openrouter/openrouter-emulator-bed.js';
import { expectExchangesMatchSpec } from '../../../emulators/openrouter/openrouter-spec.js';
import { useTestBed } from '../../../support/use-test-bed.js';

/**
 * The adapter over HTTP, through the runtime's one transport (JsonTransport: its retry policy, its
 * Retry-After handling), against the OpenRouter emulator on loopback. The transport's waits run on
 * the emulator's clock: a wait moves the clock, so a retry that honours Retry-After finds the rate
 * window over, and one that did not would be refused again.
 */
interface HttpBed {
  readonly bed: OpenRouterEmulatorBed;
  readonly waits: number[];
  run(request: ProviderRequest, options?: { key?: string; signal?: AbortSignal }): ReturnType<ReturnType<typeof createOpenRouterAdapter>['run']>;
  statuses(): number[];
  close(): Promise<void>;
}

async function openHttpBed(options: OpenRouterEmulatorOptions = {}): Promise<HttpBed> {
  const bed = await openOpenRouterEmulator(options);
  const waits: number[] = [];
  const transport = new JsonTransport({
    provider: 'openrouter',
    random: () => 0,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      bed.clock += ms;
    },
  });
  const adapter = createOpenRouterAdapter();
  return {
    bed,
    waits,
    run: (request, { key = API_KEY, signal } = {}) => adapter.run(request, { transport, token: () => key, baseUrl: bed.emulator.url, ...(signal && { signal }) }),
    statuses: () => bed.emulator.exchanges.map((exchange) => exchange.status),
    close: () => bed.close(),
  };
}

const open = useTestBed(openHttpBed);
const ask = (model: string, fields: Record<string, unknown> = {}) =>
  ProviderRequestSchema.parse({ model: { provider: 'openrouter', model }, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the fleet doing?' }] }], ...fields });
const failureOf = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error('expected the call to fail');
  },
  (error: unknown) => error as ProviderError,
);
const WEATHER = { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('OpenRouter adapter over HTTP, against the emulator', () => {
  it('gets a text answer with its tokens and the cost OpenRouter charged', async () => {
    const http = await open();
    const response = await http.run(ask('anthropic/claude-sonnet-4.5', { maxOutputTokens: 200, temperature: 0.5 }));
    expect(ProviderResponseSchema.safeParse(response).success).toBe(true);
    expect(response.responseModel).toBe('anthropic/claude-sonnet-4.5');
    expect(response.id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/);
    expect(response.output.content).toEqual([{ type: 'text', text: expect.stringMatching(/\w+/) }]);
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.totalTokens).toBe((response.usage.inputTokens ?? 0) + (response.usage.outputTokens ?? 0));
    // The cost is OpenRouter's own figure: what the emulated account was charged, split into prompt and completion.
    expect(response.cost).toMatchObject({ total: http.bed.emulator.state.usageUsd, currency: 'USD', source: { kind: 'vendor' } });
    expect((response.cost?.input ?? 0) + (response.cost?.output ?? 0)).toBeCloseTo(response.cost?.total ?? -1, 12);
    expect(response.warnings).toEqual([]);
    expectExchangesMatchSpec(http.bed.emulator.exchanges);
  });

  it('opts in to usage accounting, so the cost is there even where OpenRouter still needs the opt-in', async () => {
    const http = await open({ usageAccounting: 'on-request' });
    const response = await http.run(ask('openai/gpt-4o-mini'));
    expect(http.bed.emulator.exchanges[0]?.body).toMatchObject({ usage: { include: true } });
    expect(response.cost?.total).toBeGreaterThan(0);
  });

  it('gets a tool call, then an answer once the tool result goes back', async () => {
    const http = await open();
    const first = await http.run(ask('openai/gpt-4o', { tools: [WEATHER], toolChoice: 'auto' }));
    expect(first.finishReason).toEqual({ unified: 'tool_calls', raw: 'tool_calls' });
    const [call] = first.output.content;
    expect(call).toMatchObject({ type: 'tool-call', id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: { city: expect.any(String) } });
    if (call?.type !== 'tool-call') throw new Error('expected a tool call');
    const second = await http.run(
      ask('openai/gpt-4o', {
        tools: [WEATHER],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is the fleet doing?' }] },
          { role: 'assistant', content: first.output.content },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.id, toolName: call.name, content: '{"temp_c": 3}' }] },
        ],
      }),
    );
    expect(second.finishReason.unified).toBe('stop');
    expect(second.output.content[0]).toMatchObject({ type: 'text' });
    expectExchangesMatchSpec(http.bed.emulator.exchanges);
  });

  it('gets reasoning back as reasoning parts, signed, and sends them back on the next turn', async () => {
    const http = await open();
    const first = await http.run(ask('anthropic/claude-sonnet-4.5', { reasoning: { budgetTokens: 20 } }));
    const [reasoning] = first.output.content;
    expect(reasoning).toMatchObject({ type: 'reasoning', text: expect.stringMatching(/\w+/), signature: expect.any(String) });
    expect(first.usage.reasoningTokens).toBe(20);
    await http.run(ask('anthropic/claude-sonnet-4.5', { messages: [{ role: 'user', content: [{ type: 'text', text: 'Q' }] }, { role: 'assistant', content: first.output.content }, { role: 'user', content: [{ type: 'text', text: 'More?' }] }] }));
    const sent = http.bed.emulator.exchanges[1]?.body as { messages: { reasoning_details?: unknown[] }[] };
    expect(sent.messages[1]?.reasoning_details).toEqual([{ type: 'reasoning.text', text: (reasoning as { text: string }).text, signature: (reasoning as { signature: string }).signature }]);
  });

  it('routes by the provider preferences it sends: order names the upstream, a pinned upstream that is down is a 503', async () => {
    const http = await open();
    const routed = await http.run(ask('meta-llama/llama-3.3-70b-instruct', { providerOptions: { openrouter: { provider: { order: ['Groq'], allow_fallbacks: false } } } }));
    expect((routed.raw as { provider: string }).provider).toBe('Groq');
    http.bed.emulator.state.setUpstream('Groq', 'down');
    const failure = await failureOf(http.run(ask('meta-llama/llama-3.3-70b-instruct', { providerOptions: { openrouter: { provider: { order: ['Groq'], allow_fallbacks: false } } } })));
    expect(failure).toMatchObject({ code: 'OVERLOADED', status: 503, retryable: true });
    // Retried by the transport's policy (three tries), each refused the same way.
    expect(http.statuses()).toEqual([200, 503, 503, 503]);
  });

  it('does not retry a 401, and the key appears nowhere in the error', async () => {
    const http = await open();
    const failure = await failureOf(http.run(ask('openai/gpt-4o'), { key: 'sk-or-v1-wrong-key-000' }));
    expect(failure).toMatchObject({ code: 'AUTH', status: 401, retryable: false });
    expect(http.statuses()).toEqual([401]);
    expect(http.waits).toEqual([]);
    expect(`${failure.message} ${JSON.stringify(failure.raw)}`).not.toContain('sk-or-v1-wrong-key-000');
    expect(JSON.stringify(http.bed.emulator.exchanges)).not.toContain(API_KEY);
  });

  it('retries a 429 after the Retry-After OpenRouter asked for, and then succeeds', async () => {
    const http = await open({ freeModelRequestsPerMinute: 1 });
    await http.run(ask('meta-llama/llama-3.3-70b-instruct:free'));
    http.bed.clock += 20_000;
    const response = await http.run(ask('meta-llama/llama-3.3-70b-instruct:free'));
    expect(response.output.content[0]).toMatchObject({ type: 'text' });
    expect(http.waits).toEqual([40_000]);
    expect(http.statuses()).toEqual([200, 429, 200]);
    expectExchangesMatchSpec(http.bed.emulator.exchanges);
  });

  it('retries a 503 (no provider available) and succeeds on the next try', async () => {
    const http = await open({ chaos: { seed: 3, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 1 }] } });
    const response = await http.run(ask('openai/gpt-4o-mini'));
    expect(response.finishReason.unified).toBe('stop');
    expect(http.statuses()).toEqual([503, 200]);
    expect(http.waits).toHaveLength(1);
  });

  it('does not retry a 402 (insufficient credits)', async () => {
    const http = await open({ creditsUsd: 0 });
    const failure = await failureOf(http.run(ask('openai/gpt-4o')));
    expect(failure).toMatchObject({ code: 'AUTH', status: 402, retryable: false, message: expect.stringContaining('Insufficient credits') });
    expect(http.statuses()).toEqual([402]);
  });

  it('reads a moderation refusal as CONTENT_FILTER, the reasons kept raw, and does not retry it', async () => {
    const http = await open();
    const failure = await failureOf(http.run(ask('openai/gpt-4o', { messages: [{ role: 'user', content: [{ type: 'text', text: 'How to [flag:violence]?' }] }] })));
    expect(failure).toMatchObject({ code: 'CONTENT_FILTER', status: 403, retryable: false });
    expect((failure.raw as { error: { metadata: { reasons: string[]; provider_name: string } } }).error.metadata).toMatchObject({ reasons: ['violence'], provider_name: 'OpenAI' });
    expect(failure.message).not.toContain('How to');
    expect(http.statuses()).toEqual([403]);
  });

  it('reads the other refusals: 404 and 400 not retried, a failing upstream (502) retried with its name kept', async () => {
    const http = await open();
    expect(await failureOf(http.run(ask('mistralai/mistral-7b-instruct', { tools: [WEATHER] })))).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await failureOf(http.run(ask('nobody/nothing')))).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
    expect(await failureOf(http.run(ask('mistralai/mistral-7b-instruct', { messages: [{ role: 'user', content: [{ type: 'text', text: 'word '.repeat(40_000) }] }] })))).toMatchObject({
      code: 'CONTEXT_LENGTH_EXCEEDED',
      status: 400,
    });
    http.bed.emulator.state.setUpstream('DeepInfra', 'error');
    const upstream = await failureOf(http.run(ask('mistralai/mistral-7b-instruct')));
    expect(upstream).toMatchObject({ code: 'SERVER', status: 502 });
    expect(upstream.message).toContain('provider DeepInfra');
    expect(http.statuses()).toEqual([404, 400, 400, 502, 502, 502]);
  });

  it('stops waiting when the caller aborts, without a retry', async () => {
    const http = await open({ chaos: { seed: 1, faults: [{ operation: 'spawn', effect: 'timeout' }] } });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = http.run(ask('openai/gpt-4o'), { signal: controller.signal });
    // Abort once the emulator holds the request (its chaos engine has counted the call).
    for (let tries = 0; tries < 200; tries += 1) {
      const status = (await (await fetch(`${http.bed.emulator.url}/_emulator/chaos`)).json()) as { calls: number };
      if (status.calls > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(http.waits).toEqual([]);
  });

  it('discovers the models with per-million prices, context windows and capabilities', async () => {
    const http = await open();
    const models = await createOpenRouterAdapter().discoverModels({ transport: new JsonTransport({ provider: 'openrouter' }), token: () => API_KEY, baseUrl: http.bed.emulator.url });
    const byId = new Map(models.map((model) => [model.model, model]));
    expect(byId.get('anthropic/claude-sonnet-4.5')).toMatchObject({
      contextWindow: 1_000_000,
      maxOutputTokens: 64_000,
      capabilities: { tools: true, vision: true, jsonSchema: true, reasoning: true },
      prices: { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 },
      origin: 'remote',
    });
    expect(byId.get('meta-llama/llama-3.3-70b-instruct:free')?.prices).toMatchObject({ inputPerMillion: 0, outputPerMillion: 0 });
    expect(byId.get('openrouter/auto')?.prices).toMatchObject({ inputPerMillion: null, outputPerMillion: null });
    expect(byId.get('mistralai/mistral-7b-instruct')).toMatchObject({ maxOutputTokens: null, capabilities: { tools: false } });
    expect(models).toHaveLength(http.bed.emulator.state.catalog.length);
  });
});
