import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { API_KEY, openOpenRouterEmulator } from './openrouter-emulator-bed.js';
import { expectExchangesMatchSpec } from './openrouter-spec.js';

const open = useTestBed(openOpenRouterEmulator);

/** The official SDK pointed at the emulator as at OpenRouter (`baseURL` `<url>/api/v1`), unchanged otherwise. */
function client(url: string, options: { apiKey?: string; maxRetries?: number } = {}): OpenAI {
  return new OpenAI({
    baseURL: `${url}/api/v1`,
    apiKey: options.apiKey ?? API_KEY,
    maxRetries: options.maxRetries ?? 0,
    defaultHeaders: { 'HTTP-Referer': 'https://hangar.example', 'X-Title': 'Hangar tests' },
  });
}

describe('OpenRouter emulator: the official openai SDK works unchanged', () => {
  it('creates a chat completion and reads its text, model and usage', async () => {
    const bed = await open();
    const completion = await client(bed.emulator.url).chat.completions.create({
      model: 'anthropic/claude-sonnet-4.5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello.' },
      ],
      max_tokens: 64,
      temperature: 0.3,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('anthropic/claude-sonnet-4.5');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.message.content).toMatch(/\w+/);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
    // OpenRouter's extras ride along on the SDK's objects.
    expect((completion.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    const [exchange] = bed.emulator.exchanges;
    expect(exchange?.headers['http-referer']).toBe('https://hangar.example');
    expect(exchange?.headers['x-title']).toBe('Hangar tests');
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('gets tool calls back and sends the tool result on the next turn', async () => {
    const bed = await open();
    const sdk = client(bed.emulator.url);
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'lookup', description: 'Look a word up', parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } } },
    ];
    const first = await sdk.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'Define ephemeral.' }], tools, tool_choice: 'required' });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ word: expect.any(String) });
    const second = await sdk.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'Define ephemeral.' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'lasting a very short time' }],
      tools,
    });
    expect(second.choices[0]?.message.content).toMatch(/\w+/);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('parses structured output with response_format json_schema', async () => {
    const bed = await open();
    const completion = await client(bed.emulator.url).chat.completions.create({
      model: 'google/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'A colour.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'colour', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, hex: { type: 'string' } }, required: ['name', 'hex'], additionalProperties: false } } },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ name: expect.any(String), hex: expect.any(String) });
  });

  it('throws the SDK\'s own error classes for 401, 429 (with Retry-After) and 402', async () => {
    const bed = await open({ freeModelRequestsPerMinute: 1, creditsUsd: 0 });
    const unauthorized = await client(bed.emulator.url, { apiKey: 'sk-or-v1-not-a-key' })
      .chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauthorized as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);

    const sdk = client(bed.emulator.url);
    const free = { model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [{ role: 'user' as const, content: 'x' }] };
    await sdk.chat.completions.create(free);
    const limited = await sdk.chat.completions.create(free).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('60');

    const broke = await sdk.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(broke).toBeInstanceOf(OpenAI.APIError);
    expect((broke as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((broke as InstanceType<typeof OpenAI.APIError>).message).toContain('Insufficient credits');
  });

  it('retries a 503 itself and then succeeds, as it would against OpenRouter', async () => {
    const bed = await open({ chaos: { seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 1 }] } });
    const completion = await client(bed.emulator.url, { maxRetries: 1 }).chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0]?.message.content).toMatch(/\w+/);
    expect(bed.emulator.exchanges.map((exchange) => exchange.status)).toEqual([503, 200]);
  });

  it('lists the models', async () => {
    const bed = await open();
    const ids: string[] = [];
    for await (const model of client(bed.emulator.url).models.list()) ids.push(model.id);
    expect(ids).toContain('openai/gpt-4o');
    expect(ids).toContain('openrouter/auto');
  });
});
