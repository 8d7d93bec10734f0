import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, expectValidAnswer, type OpenAiEmulatorBed, openOpenAiEmulator } from './openai-emulator-bed.js';

/** The official `openai` SDK, unchanged, pointed at the emulator: it must not tell the difference. */
let bed: OpenAiEmulatorBed;
let client: OpenAI;
beforeAll(async () => {
  bed = await openOpenAiEmulator({ seed: 11 });
  client = new OpenAI({ baseURL: `${bed.emulator.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(() => bed.close());

const lastExchange = () => bed.emulator.exchanges.at(-1)!;

describe('the official openai SDK against the emulator', () => {
  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello.' },
      ],
      max_completion_tokens: 200,
      temperature: 0.1,
      seed: 3,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toContain('You said: Say hello.');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expectValidAnswer('/v1/chat/completions', { status: lastExchange().status, body: lastExchange().response, headers: new Headers() });
  });

  it('runs a tool round trip', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'], additionalProperties: false }, strict: true } },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'What time is it?' }], tools });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ zone: 'UTC' });
    const second = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'What time is it?' }, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '12:00' }],
      tools,
    });
    expect(second.choices[0]!.message.content).toContain('get_time tool returned: 12:00');
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-5', 'o4-mini']));
    expect((await client.models.retrieve('gpt-5')).owned_by).toBe('system');
  });

  it("raises the SDK's own error classes for the emulator's error answers", async () => {
    const wrong = new OpenAI({ baseURL: `${bed.emulator.url}/v1`, apiKey: 'sk-not-a-real-key-000111', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const tooLong = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(600_000) }] }).catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
  });

  it('is retried by the SDK on a 429 with retry-after-ms, and then succeeds', async () => {
    const limited = await openOpenAiEmulator({ rateLimit: { requests: 1, windowMs: 400 } });
    try {
      const retrying = new OpenAI({ baseURL: `${limited.emulator.url}/v1`, apiKey: API_KEY, maxRetries: 2 });
      await retrying.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'one' }] });
      const started = Date.now();
      const second = await retrying.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'two' }] });
      expect(second.choices[0]!.message.content).toContain('two');
      expect(limited.emulator.rateLimit?.refused).toBeGreaterThanOrEqual(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      await limited.close();
    }
  });
});
