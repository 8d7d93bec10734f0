import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicEmulatorBed, API_KEY, expectExchangesMatchSpec, openAnthropicEmulator } from './anthropic-emulator-bed.js';

/** The official SDK, unchanged, pointed at the emulator: it must not notice the difference. */
let bed: AnthropicEmulatorBed;
let client: Anthropic;
beforeAll(async () => {
  bed = await openAnthropicEmulator({ seed: 5, maxPageSize: 2 });
  client = new Anthropic({ baseURL: bed.emulator.url, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  expectExchangesMatchSpec(bed.emulator.exchanges);
  await bed.close();
});

const WEATHER = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

describe('@anthropic-ai/sdk against the Anthropic emulator', () => {
  it('messages.create: text', async () => {
    const message = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }] });
    expect(message.type).toBe('message');
    expect(message.model).toBe('claude-haiku-4-5-20251001');
    expect(message.stop_reason).toBe('end_turn');
    const block = message.content[0];
    expect(block?.type).toBe('text');
    expect(block?.type === 'text' && block.text).toContain('Say hello.');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('messages.create: a tool call and its result, through a whole loop', async () => {
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 300, tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Lima?' }] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use');
    expect(use?.type === 'tool_use' && use.name).toBe('get_weather');
    if (use?.type !== 'tool_use') throw new Error('no tool_use block');
    expect(typeof (use.input as { city?: unknown }).city).toBe('string');
    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather in Lima?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '19 degrees' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
  });

  it('messages.create: extended thinking, sent back on the next turn', async () => {
    const first = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Think.' }] });
    expect(first.content[0]?.type).toBe('thinking');
    const second = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Think.' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'Again.' }],
    });
    expect(second.content[0]?.type).toBe('thinking');
  });

  it('models.list pages through every model (two a page), models.retrieve resolves an alias', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    expect(ids[0]).toBe('claude-opus-4-5-20251101');
    expect(bed.emulator.exchanges.filter((exchange) => exchange.path === '/v1/models').length).toBeGreaterThanOrEqual(4);
    expect((await client.models.retrieve('claude-sonnet-4-5')).id).toBe('claude-sonnet-4-5-20250929');
  });

  it('raises the SDK’s own error classes for the emulator’s errors', async () => {
    const wrong = new Anthropic({ baseURL: bed.emulator.url, apiKey: 'sk-ant-wrong', maxRetries: 0 });
    await expect(wrong.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const missing = client.messages.create({ model: 'claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    await expect(missing).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(missing).rejects.toMatchObject({ status: 404, type: 'not_found_error' });
  });

  it('retries a 529 overloaded_error itself and then succeeds', async () => {
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 1 }] });
    try {
      const retrying = new Anthropic({ baseURL: bed.emulator.url, apiKey: API_KEY, maxRetries: 2 });
      const message = await retrying.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'Busy?' }] });
      expect(message.type).toBe('message');
      const statuses = bed.emulator.exchanges.filter((exchange) => exchange.path === '/v1/messages').slice(-2).map((exchange) => exchange.status);
      expect(statuses).toEqual([529, 200]);
    } finally {
      bed.emulator.chaos.clear();
    }
  });
});
