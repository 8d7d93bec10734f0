import { describe, expect, it } from 'vitest';
import { OPENROUTER_CATALOG } from '../../../src/emulators/openrouter/openrouter-catalog.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { API_KEY, openOpenRouterEmulator, userMessage } from './openrouter-emulator-bed.js';
import { answerErrors, expectExchangesMatchSpec } from './openrouter-spec.js';

const open = useTestBed(openOpenRouterEmulator);

interface ChatResult {
  id: string;
  provider: string;
  model: string;
  choices: {
    finish_reason: string;
    native_finish_reason: string;
    message: {
      content: string | null;
      reasoning: string | null;
      reasoning_details?: { type: string; text?: string; summary?: string; signature?: string }[];
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    };
  }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost?: number;
    cost_details?: { upstream_inference_prompt_cost: number; upstream_inference_completions_cost: number };
    prompt_tokens_details: { cached_tokens: number };
    completion_tokens_details: { reasoning_tokens: number };
  };
}
const chat = (body: unknown) => body as ChatResult;
const errorOf = (body: unknown) => (body as { error: { code: number; message: string; metadata?: Record<string, unknown> } }).error;

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city'] },
  },
};

describe('OpenRouter emulator: the wire protocol', () => {
  it('answers every endpoint, success and error, as the OpenAPI document describes', async () => {
    const bed = await open({ creditsUsd: 1 });
    expect((await bed.call('GET', '/api/v1/models')).status).toBe(200);
    expect((await bed.call('GET', '/api/v1/models?offset=3&limit=4')).status).toBe(200);
    expect((await bed.call('GET', '/api/v1/key')).status).toBe(200);
    expect((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('Hello')] })).status).toBe(200);
    expect((await bed.chat({ model: 'anthropic/claude-sonnet-4.5', messages: [userMessage('Hi')], tools: [WEATHER_TOOL], reasoning: { effort: 'low' } })).status).toBe(200);
    expect((await bed.chat({ model: 'openai/o3-mini', messages: [userMessage('Think')], reasoning: { effort: 'high' } })).status).toBe(200);
    expect((await bed.chat({ model: 'nope/none', messages: [userMessage('x')] })).status).toBe(400);
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [] })).status).toBe(400);
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] }, 'sk-or-v1-wrong')).status).toBe(401);
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('hurt [flag:violence]')] })).status).toBe(403);
    expect((await bed.chat({ model: 'deepseek/deepseek-r1', messages: [userMessage('x')], tools: [WEATHER_TOOL] })).status).toBe(404);
    expect((await bed.call('GET', '/api/v1/key', undefined, null)).status).toBe(401);
    expect((await bed.call('GET', '/api/v1/models?limit=5000')).status).toBe(400);
    bed.emulator.state.creditsUsd = 0;
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] })).status).toBe(402);
    bed.emulator.state.setUpstream('OpenAI', 'timeout');
    bed.emulator.state.setUpstream('Azure', 'timeout');
    bed.emulator.state.creditsUsd = 1;
    expect((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] })).status).toBe(408);
    expect((await bed.chat({ model: 'meta-llama/llama-3.3-70b-instruct', messages: [userMessage('x')], provider: { order: ['Groq'], allow_fallbacks: false } })).status).toBe(200);
    bed.emulator.state.setUpstream('Groq', 'error');
    expect((await bed.chat({ model: 'meta-llama/llama-3.3-70b-instruct', messages: [userMessage('x')], provider: { order: ['Groq'], allow_fallbacks: false } })).status).toBe(502);
    bed.emulator.state.setUpstream('Groq', 'down');
    expect((await bed.chat({ model: 'meta-llama/llama-3.3-70b-instruct', messages: [userMessage('x')], provider: { order: ['Groq'], allow_fallbacks: false } })).status).toBe(503);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('refuses a missing or wrong key with 401 bodies that never echo the key', async () => {
    const bed = await open();
    const missing = await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('x')] }, null);
    expect(missing.status).toBe(401);
    expect(errorOf(missing.body)).toEqual({ code: 401, message: 'No auth credentials found' });
    const wrong = await bed.call('GET', '/api/v1/models', undefined, `${API_KEY}x`);
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong.body).message).toBe('User not found.');
    expect(wrong.text).not.toContain(API_KEY);
    const key = await bed.call('GET', '/api/v1/key');
    expect(key.text).not.toContain(API_KEY);
    expect(JSON.stringify(bed.emulator.exchanges)).not.toContain(API_KEY);
  });

  it('lists the catalog with prices, context lengths and the odd entries, paged by offset and limit', async () => {
    const bed = await open();
    const all = (await bed.call('GET', '/api/v1/models')).body as { data: { id: string; pricing: Record<string, string>; context_length: number | null }[]; links: { next: string | null }; total_count: number };
    expect(all.total_count).toBe(OPENROUTER_CATALOG.length);
    expect(all.links.next).toBeNull();
    const byId = new Map(all.data.map((entry) => [entry.id, entry]));
    expect(byId.get('anthropic/claude-sonnet-4.5')?.pricing).toMatchObject({ prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003' });
    expect(byId.get('meta-llama/llama-3.3-70b-instruct:free')?.pricing).toMatchObject({ prompt: '0', completion: '0' });
    expect(byId.get('openrouter/auto')?.pricing).toEqual({ prompt: '-1', completion: '-1' });
    expect(new Set(all.data.map((entry) => entry.id.split('/')[0])).size).toBeGreaterThanOrEqual(6);
    const page = (await bed.call('GET', '/api/v1/models?offset=2&limit=3')).body as typeof all;
    expect(page.data.map((entry) => entry.id)).toEqual(all.data.slice(2, 5).map((entry) => entry.id));
    expect(page.links.next).toBe('/api/v1/models?offset=5&limit=3');
  });

  it('answers the same request with the same bytes for the same seed, and differently for another seed', async () => {
    const request = { model: 'google/gemini-2.5-flash', messages: [userMessage('Describe the fleet.')], seed: 3 };
    const first = await open({ seed: 11 });
    const a = chat((await first.chat(request)).body);
    const again = chat((await first.chat({ ...request })).body);
    expect(again.choices).toEqual(a.choices);
    await first.close();
    const second = await open({ seed: 11 });
    expect(JSON.stringify(chat((await second.chat(request)).body))).toBe(JSON.stringify(a));
    await second.close();
    const third = await open({ seed: 12 });
    expect(chat((await third.chat(request)).body).choices[0]?.message.content).not.toBe(a.choices[0]?.message.content);
  });

  it('calls a tool when tools are offered, with arguments that fit its schema, and answers in text after the tool result', async () => {
    const bed = await open();
    const called = chat((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('Weather in Oslo?')], tools: [WEATHER_TOOL] })).body);
    const call = called.choices[0]?.message.tool_calls?.[0];
    expect(called.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.function.name).toBe('get_weather');
    const args = JSON.parse(call?.function.arguments ?? '') as { city: unknown; unit: unknown; days: number };
    expect(typeof args.city).toBe('string');
    expect(['c', 'f']).toContain(args.unit);
    expect(args.days).toBeGreaterThanOrEqual(1);
    expect(args.days).toBeLessThanOrEqual(7);

    const answered = chat(
      (
        await bed.chat({
          model: 'openai/gpt-4o',
          messages: [userMessage('Weather in Oslo?'), { role: 'assistant', content: null, tool_calls: [{ id: call?.id, type: 'function', function: call?.function }] }, { role: 'tool', tool_call_id: call?.id, content: '{"temp_c": 4}' }],
          tools: [WEATHER_TOOL],
        })
      ).body,
    );
    expect(answered.choices[0]?.finish_reason).toBe('stop');
    expect(answered.choices[0]?.message.content).toMatch(/\w+/);

    const none = chat((await bed.chat({ model: 'openai/gpt-4o', messages: [userMessage('Weather?')], tools: [WEATHER_TOOL], tool_choice: 'none' })).body);
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
    const anthropic = chat((await bed.chat({ model: 'anthropic/claude-3.5-haiku', messages: [userMessage('Weather?')], tools: [WEATHER_TOOL] })).body);
    expect(anthropic.choices[0]?.native_finish_reason).toBe('tool_use');
    expect(anthropic.choices[0]?.message.tool_calls?.[0]?.id).toMatch(/^toolu_/);
  });

  it('answers JSON that fits the schema for json_schema, and an object for json_object', async () => {
    const bed = await open();
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } }, required: ['city', 'population', 'tags'] };
    const structured = chat((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('A city.')], response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } } })).body);
    const value = JSON.parse(structured.choices[0]?.message.content ?? '') as { city: unknown; population: number; tags: unknown[] };
    expect(Object.keys(value).sort()).toEqual(['city', 'population', 'tags']);
    expect(typeof value.city).toBe('string');
    expect(Number.isInteger(value.population) && value.population >= 1).toBe(true);
    expect(value.tags.every((tag) => typeof tag === 'string')).toBe(true);
    const object = chat((await bed.chat({ model: 'meta-llama/llama-3.3-70b-instruct', messages: [userMessage('JSON please')], response_format: { type: 'json_object' } })).body);
    expect(JSON.parse(object.choices[0]?.message.content ?? '')).toEqual({ answer: expect.any(String) });
  });

  it('reasons when asked: text with a signature for Anthropic, a summary and encrypted reasoning for OpenAI, nothing when excluded', async () => {
    const bed = await open();
    const plain = chat((await bed.chat({ model: 'anthropic/claude-sonnet-4.5', messages: [userMessage('Is 91 prime?')] })).body);
    expect(plain.choices[0]?.message.reasoning).toBeNull();
    expect(plain.usage.completion_tokens_details.reasoning_tokens).toBe(0);
    const anthropic = chat((await bed.chat({ model: 'anthropic/claude-sonnet-4.5', messages: [userMessage('Is 91 prime?')], reasoning: { max_tokens: 24 } })).body);
    expect(anthropic.choices[0]?.message.reasoning).toMatch(/\w+/);
    expect(anthropic.choices[0]?.message.reasoning_details?.[0]).toMatchObject({ type: 'reasoning.text', signature: expect.any(String) });
    expect(anthropic.usage.completion_tokens_details.reasoning_tokens).toBe(24);
    const openai = chat((await bed.chat({ model: 'openai/o3-mini', messages: [userMessage('Plan')], reasoning: { effort: 'low' } })).body);
    expect(openai.choices[0]?.message.reasoning_details?.map((detail) => detail.type)).toEqual(['reasoning.summary', 'reasoning.encrypted']);
    expect(openai.usage.completion_tokens_details.reasoning_tokens).toBe(16);
    const excluded = chat((await bed.chat({ model: 'deepseek/deepseek-r1', messages: [userMessage('Plan')], reasoning: { exclude: true } })).body);
    expect(excluded.choices[0]?.message.reasoning).toBeNull();
    expect(excluded.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it('cuts the answer at the output budget (length, in the upstream\'s own word) and at a stop sequence', async () => {
    const bed = await open();
    const cut = chat((await bed.chat({ model: 'anthropic/claude-3.5-haiku', messages: [userMessage('Essay')], max_tokens: 3 })).body);
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', native_finish_reason: 'max_tokens' });
    expect(cut.choices[0]?.message.content?.split(' ')).toHaveLength(3);
    expect(cut.usage.completion_tokens).toBe(3);
    const full = chat((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('Stop me')] })).body);
    const word = full.choices[0]?.message.content?.split(' ')[2] ?? '';
    const stopped = chat((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('Stop me')], stop: [` ${word}`] })).body);
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
    expect(full.choices[0]?.message.content?.startsWith(stopped.choices[0]?.message.content ?? 'x')).toBe(true);
    expect(stopped.choices[0]?.message.content?.length).toBeLessThan(full.choices[0]?.message.content?.length ?? 0);
  });

  it('prices usage at the model\'s list price, charges the account, and reads cached prompts at the cache price', async () => {
    const bed = await open({ creditsUsd: 10 });
    const messages = [{ role: 'system', content: 'You are a careful assistant. '.repeat(20) }, userMessage('First question')];
    const first = chat((await bed.chat({ model: 'openai/gpt-4o', messages })).body);
    const { usage } = first;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.prompt_tokens_details.cached_tokens).toBe(0);
    expect(usage.cost).toBeCloseTo(usage.prompt_tokens * 0.0000025 + usage.completion_tokens * 0.00001, 12);
    expect((usage.cost_details?.upstream_inference_prompt_cost ?? 0) + (usage.cost_details?.upstream_inference_completions_cost ?? 0)).toBeCloseTo(usage.cost ?? -1, 12);
    const second = chat((await bed.chat({ model: 'openai/gpt-4o', messages: [...messages, { role: 'assistant', content: first.choices[0]?.message.content }, userMessage('Second')] })).body);
    const cached = second.usage.prompt_tokens_details.cached_tokens;
    expect(cached).toBeGreaterThan(0);
    expect(second.usage.cost).toBeCloseTo((second.usage.prompt_tokens - cached) * 0.0000025 + cached * 0.00000125 + second.usage.completion_tokens * 0.00001, 12);
    const key = (await bed.call('GET', '/api/v1/key')).body as { data: { usage: number; limit_remaining: number; limit: number } };
    expect(key.data.usage).toBeCloseTo((usage.cost ?? 0) + (second.usage.cost ?? 0), 12);
    expect(key.data.limit_remaining).toBeCloseTo(10 - key.data.usage, 12);
    const free = chat((await bed.chat({ model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [userMessage('Free?')] })).body);
    expect(free.usage.cost).toBe(0);
  });

  it('reports the cost only when asked in on-request mode (OpenRouter before usage accounting became automatic)', async () => {
    const bed = await open({ usageAccounting: 'on-request' });
    const silent = chat((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('x')] })).body);
    expect(silent.usage.cost).toBeUndefined();
    expect(silent.usage.prompt_tokens).toBeGreaterThan(0);
    const asked = chat((await bed.chat({ model: 'openai/gpt-4o-mini', messages: [userMessage('x')], usage: { include: true } })).body);
    expect(asked.usage.cost).toBeGreaterThan(0);
  });

  it('answers openrouter/auto with the model it picked, and refuses what it cannot do with 400s', async () => {
    const bed = await open();
    const auto = chat((await bed.chat({ model: 'openrouter/auto', messages: [userMessage('Pick one')] })).body);
    expect(['openai/gpt-4o-mini', 'anthropic/claude-3.5-haiku', 'meta-llama/llama-3.3-70b-instruct']).toContain(auto.model);
    const refusals = [
      [{ model: 'openai/gpt-4o', messages: [userMessage('x')], stream: true }, 'Streaming is not emulated'],
      [{ model: 'openai/gpt-4o', messages: [userMessage('x')], tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'other' } } }, 'tool_choice names "other"'],
      [{ model: 'openai/gpt-4o', messages: [userMessage('x')], provider: { order: ['OpenAI'], favourite: true } }, 'provider'],
      [{ model: 'openai/gpt-4o', messages: [userMessage('x')], temperature: 3 }, 'temperature'],
      [{ messages: [userMessage('x')] }, 'No model specified'],
      [{ model: 'openai/gpt-4o', messages: [{ role: 'tool', content: 'x' }] }, 'messages.0'],
    ] as const;
    for (const [body, says] of refusals) {
      const answer = await bed.chat(body as Record<string, unknown>);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer.body).message).toContain(says);
      expect(answerErrors('/api/v1/chat/completions', 'post', 400, answer.body)).toEqual([]);
    }
    const notJson = await bed.call('POST', '/api/v1/chat/completions', '{"model": ');
    expect(notJson.status).toBe(400);
  });

  it('refuses a prompt longer than the context window with OpenRouter\'s context-length message', async () => {
    const bed = await open();
    const answer = await bed.chat({ model: 'mistralai/mistral-7b-instruct', messages: [userMessage('word '.repeat(30_000))], max_tokens: 1000 });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body).message).toMatch(/^This endpoint's maximum context length is 32768 tokens\. However, you requested about \d+ tokens/);
  });
});
