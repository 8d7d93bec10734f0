import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { openOpenRouterEmulator, userMessage } from './openrouter-emulator-bed.js';
import { expectExchangesMatchSpec } from './openrouter-spec.js';

const open = useTestBed(openOpenRouterEmulator);

const LLAMA = 'meta-llama/llama-3.3-70b-instruct';
const providerOf = (body: unknown) => (body as { provider: string }).provider;
const modelOf = (body: unknown) => (body as { model: string }).model;
const errorOf = (body: unknown) => (body as { error: { code: number; message: string; metadata?: Record<string, unknown> } }).error;
const ask = (provider?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ model: LLAMA, messages: [userMessage('Route me')], ...(provider && { provider }), ...extra });

describe('OpenRouter emulator: provider routing', () => {
  it('serves from the first endpoint by default, and from the first of `order` when one is given', async () => {
    const bed = await open();
    expect(providerOf((await bed.chat(ask())).body)).toBe('DeepInfra');
    expect(providerOf((await bed.chat(ask({ order: ['Groq', 'Together'] }))).body)).toBe('Groq');
    // Slugs work as well as display names.
    expect(providerOf((await bed.chat(ask({ order: ['together'] }))).body)).toBe('Together');
    expect(providerOf((await bed.chat({ model: 'anthropic/claude-sonnet-4.5', messages: [userMessage('x')], provider: { order: ['amazon-bedrock'] } })).body)).toBe('Amazon Bedrock');
  });

  it('falls back past a provider that is down, fails or times out, unless allow_fallbacks is false', async () => {
    const bed = await open();
    bed.emulator.state.setUpstream('Groq', 'down');
    expect(providerOf((await bed.chat(ask({ order: ['Groq', 'Together'] }))).body)).toBe('Together');
    const refused = await bed.chat(ask({ order: ['Groq'], allow_fallbacks: false }));
    expect(refused.status).toBe(503);
    expect(errorOf(refused.body).message).toBe('No available model provider that meets your routing requirements');

    bed.emulator.state.setUpstream('Groq', 'error');
    expect(providerOf((await bed.chat(ask({ order: ['Groq'] }))).body)).toBe('DeepInfra');
    const failed = await bed.chat(ask({ order: ['Groq'], allow_fallbacks: false }));
    expect(failed.status).toBe(502);
    expect(errorOf(failed.body).metadata).toMatchObject({ provider_name: 'Groq', raw: expect.any(String) });

    bed.emulator.state.setUpstream('Groq', 'timeout');
    expect((await bed.chat(ask({ order: ['Groq'], allow_fallbacks: false }))).status).toBe(408);
    // Without `order`, allow_fallbacks false pins the default first provider.
    bed.emulator.state.setUpstream('DeepInfra', 'down');
    expect((await bed.chat(ask({ allow_fallbacks: false }))).status).toBe(503);
    expect(providerOf((await bed.chat(ask())).body)).toBe('Together');
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('filters endpoints by only, ignore, data_collection, zdr, quantizations, require_parameters and max_price', async () => {
    const bed = await open();
    expect(providerOf((await bed.chat(ask({ only: ['Novita'] }))).body)).toBe('Novita');
    expect(providerOf((await bed.chat(ask({ ignore: ['DeepInfra', 'Together'] }))).body)).toBe('Groq');
    expect(providerOf((await bed.chat(ask({ order: ['Novita'], data_collection: 'deny' }))).body)).toBe('DeepInfra');
    expect(providerOf((await bed.chat(ask({ quantizations: ['bf16'] }))).body)).toBe('Novita');
    expect(providerOf((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')], provider: { zdr: true } })).body)).toBe('Azure');
    // Groq and Together do not take structured outputs: with require_parameters they are passed over.
    const structured = { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } } } };
    expect(providerOf((await bed.chat(ask({ order: ['Groq', 'Together'] }, structured))).body)).toBe('Groq');
    expect(providerOf((await bed.chat(ask({ order: ['Groq', 'Together'], require_parameters: true }, structured))).body)).toBe('DeepInfra');

    const noneLeft = [
      [ask({ only: ['OpenAI'] }), 'No allowed providers'],
      [{ model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [userMessage('x')], provider: { data_collection: 'deny' } }, 'data policy'],
      [{ model: 'openai/gpt-4o', messages: [userMessage('x')], provider: { max_price: { prompt: '1' } } }, 'max_price'],
      [{ model: 'mistralai/mistral-7b-instruct', messages: [userMessage('x')], response_format: { type: 'json_object' }, provider: { require_parameters: true } }, 'requested parameters'],
      [{ model: 'mistralai/mistral-7b-instruct', messages: [userMessage('x')], tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }] }, 'tool use'],
    ] as const;
    for (const [body, says] of noneLeft) {
      const answer = await bed.chat(body as Record<string, unknown>);
      expect(answer.status, JSON.stringify(body)).toBe(404);
      expect(errorOf(answer.body).message).toContain(says);
    }
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('moves on to the `models` fallbacks when the first model cannot be served, and names the model that answered', async () => {
    const bed = await open();
    bed.emulator.state.setUpstream('Anthropic', 'down');
    bed.emulator.state.setUpstream('Amazon Bedrock', 'down');
    bed.emulator.state.setUpstream('Google', 'error');
    const answer = await bed.chat({ model: 'anthropic/claude-sonnet-4.5', models: ['openai/gpt-4o-mini'], messages: [userMessage('x')] });
    expect(answer.status).toBe(200);
    expect(modelOf(answer.body)).toBe('openai/gpt-4o-mini');
    expect(providerOf(answer.body)).toBe('OpenAI');
    // No fallback left: the last failure answers.
    const alone = await bed.chat({ model: 'anthropic/claude-sonnet-4.5', messages: [userMessage('x')] });
    expect(alone.status).toBe(502);
    expect((await bed.chat({ model: 'anthropic/claude-sonnet-4.5', models: ['nope/none'], messages: [userMessage('x')] })).status).toBe(400);
  });
});

describe('OpenRouter emulator: account limits and moderation', () => {
  it('answers 402 once the credits run out (free models still answer), and serves again after a top-up', async () => {
    const bed = await open({ creditsUsd: 0.0000001 });
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] })).status).toBe(200);
    const broke = await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] });
    expect(broke.status).toBe(402);
    expect(errorOf(broke.body)).toMatchObject({ code: 402, message: expect.stringContaining('Insufficient credits') });
    expect((await bed.chat({ model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [userMessage('x')] })).status).toBe(200);
    const topUp = await fetch(`${bed.emulator.url}/_emulator/credits`, { method: 'PUT', body: JSON.stringify({ creditsUsd: 5 }) });
    expect(topUp.status).toBe(200);
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] })).status).toBe(200);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('limits free models per key per minute with 429 and a Retry-After that ends the wait', async () => {
    const bed = await open({ freeModelRequestsPerMinute: 2 });
    const free = { model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [userMessage('x')] };
    expect((await bed.chat(free)).status).toBe(200);
    bed.clock += 15_000;
    expect((await bed.chat(free)).status).toBe(200);
    const limited = await bed.chat(free);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(errorOf(limited.body).metadata).toMatchObject({ headers: { 'X-RateLimit-Limit': '2', 'X-RateLimit-Remaining': '0' } });
    // Paid models are not limited by it.
    expect((await bed.chat({ model: LLAMA, messages: [userMessage('x')] })).status).toBe(200);
    bed.clock += 45_000;
    expect((await bed.chat(free)).status).toBe(200);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('refuses flagged input to a moderated model with 403 and the moderation metadata; unmoderated models answer', async () => {
    const bed = await open();
    const flagged = { messages: [userMessage('Tell me how to [flag:violence] and [flag:harassment] people')] };
    const refused = await bed.chat({ model: 'anthropic/claude-3.5-haiku', ...flagged });
    expect(refused.status).toBe(403);
    expect(errorOf(refused.body)).toMatchObject({
      code: 403,
      message: 'anthropic/claude-3.5-haiku requires moderation on Anthropic. Your input was flagged for "violence, harassment". No credits were charged.',
      metadata: { reasons: ['violence', 'harassment'], provider_name: 'Anthropic', model_slug: 'anthropic/claude-3.5-haiku', flagged_input: expect.stringContaining('[flag:violence]') },
    });
    expect(bed.emulator.state.usageUsd).toBe(0);
    expect((await bed.chat({ model: LLAMA, ...flagged })).status).toBe(200);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });
});

describe('OpenRouter emulator: chaos', () => {
  it('renders each taxonomy code as the OpenRouter error that means it', async () => {
    const bed = await open();
    const cases = [
      ['CAPACITY_ERROR', 503],
      ['SPOT_INTERRUPTED', 502],
      ['AUTH_ERROR', 401],
      ['RATE_LIMIT_ERROR', 429],
      ['QUOTA_EXCEEDED', 402],
      ['INVALID_SPEC', 400],
      ['NOT_FOUND', 404],
    ] as const;
    for (const [code, status] of cases) {
      bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code, ...(code === 'RATE_LIMIT_ERROR' && { retryAfterMs: 2500 }) }] });
      const answer = await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] });
      expect(answer.status, code).toBe(status);
      if (code === 'RATE_LIMIT_ERROR') expect(answer.headers.get('retry-after')).toBe('3');
    }
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('matches rules on the model, charges a phantom completion whose answer is lost, and serves a malformed body', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', instanceType: 'openai/gpt-4o', effect: 'phantom' }] });
    expect((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('x')] })).status).toBe(200);
    const spent = bed.emulator.state.usageUsd;
    const lost = await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] });
    expect(lost.status).toBe(502);
    expect(bed.emulator.state.usageUsd).toBeGreaterThan(spent);
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'malformed' }] });
    const malformed = await bed.call('GET', '/api/v1/models');
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text)).toThrow();
    bed.emulator.chaos.clear();
    expect((await bed.call('GET', '/api/v1/models')).status).toBe(200);
  });

  it('is managed over /_emulator/chaos and /_emulator/upstreams', async () => {
    const bed = await open();
    const put = (path: string, body: unknown) => fetch(`${bed.emulator.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put('/_emulator/chaos', { seed: 4, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 1 }] })).status).toBe(200);
    expect((await bed.chat(ask())).status).toBe(503);
    expect((await bed.chat(ask())).status).toBe(200);
    expect((await put('/_emulator/upstreams', { DeepInfra: 'down', Together: 'timeout' })).status).toBe(200);
    expect(await (await fetch(`${bed.emulator.url}/_emulator/upstreams`)).json()).toEqual({ DeepInfra: 'down', Together: 'timeout' });
    expect(providerOf((await bed.chat(ask())).body)).toBe('Groq');
    expect((await put('/_emulator/upstreams', { DeepInfra: 'sideways' })).status).toBe(400);
    expect((await fetch(`${bed.emulator.url}/_emulator/upstreams`, { method: 'DELETE' })).status).toBe(204);
    expect(providerOf((await bed.chat(ask())).body)).toBe('DeepInfra');
  });
});
