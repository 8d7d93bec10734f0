import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicEmulatorBed, API_KEY, expectError, expectExchangesMatchSpec, messagesBody, openAnthropicEmulator } from './anthropic-emulator-bed.js';

interface Message {
  id: string;
  model: string;
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> } | { type: 'thinking'; thinking: string; signature: string })[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

const WEATHER = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { type: 'string', enum: ['c', 'f'] }, hourly: { type: 'boolean' } }, required: ['city'] } };
const TIME = { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } };

let bed: AnthropicEmulatorBed;
beforeAll(async () => {
  bed = await openAnthropicEmulator({ seed: 11 });
});
afterAll(async () => {
  expectExchangesMatchSpec(bed.emulator.exchanges);
  // The planted key never comes back, in any answer or error.
  expect(JSON.stringify(bed.emulator.exchanges.map((exchange) => exchange.response))).not.toContain(API_KEY);
  await bed.close();
});

const create = async (fields: Record<string, unknown> = {}): Promise<Message> => {
  const answer = await bed.call('POST', '/v1/messages', messagesBody(fields));
  expect(answer.status, answer.text).toBe(200);
  return answer.body as Message;
};

describe('Anthropic emulator: authentication and version', () => {
  it('answers 401 authentication_error without a key, with a wrong key, and with two credentials', async () => {
    expectError(await bed.call('POST', '/v1/messages', messagesBody(), { 'x-api-key': null }), 401, 'authentication_error', 'x-api-key header is required');
    const wrong = await bed.call('POST', '/v1/messages', messagesBody(), { 'x-api-key': 'sk-ant-wrong' });
    expectError(wrong, 401, 'authentication_error', 'invalid x-api-key');
    expect(wrong.text).not.toContain('sk-ant-wrong');
    expectError(await bed.call('GET', '/v1/models', undefined, { authorization: `Bearer ${API_KEY}` }), 401, 'authentication_error', /not both/);
  });

  it('takes the key as a Bearer token too (how @anthropic-ai/sdk 1.x sends it)', async () => {
    expect((await bed.call('GET', '/v1/models', undefined, { 'x-api-key': null, authorization: `Bearer ${API_KEY}` })).status).toBe(200);
  });

  it('answers 400 without anthropic-version, and for a version it does not know', async () => {
    expectError(await bed.call('POST', '/v1/messages', messagesBody(), { 'anthropic-version': null }), 400, 'invalid_request_error', 'anthropic-version: header is required');
    expectError(await bed.call('GET', '/v1/models', undefined, { 'anthropic-version': '2099-01-01' }), 400, 'invalid_request_error', /anthropic-version/);
  });
});

describe('Anthropic emulator: text', () => {
  it('answers the same content for the same seed and request, names the dated model and counts usage', async () => {
    const first = await create();
    const second = await create();
    expect(second.content).toEqual(first.content);
    expect(second.id).not.toBe(first.id);
    expect(first.model).toBe('claude-sonnet-4-5-20250929');
    expect(first.stop_reason).toBe('end_turn');
    expect(first.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('Hello there') });
    // 'Hello there' is 11 characters (3 tokens) plus 4 for the turn.
    expect(first.usage.input_tokens).toBe(7);
    expect(first.usage.output_tokens).toBe(Math.ceil((first.content[0] as { text: string }).text.length / 4));
  });

  it('answers differently for another seed', async () => {
    const other = await openAnthropicEmulator({ seed: 12 });
    try {
      const mine = await create();
      const theirs = (await other.call('POST', '/v1/messages', messagesBody())).body as Message;
      expect(theirs.content).not.toEqual(mine.content);
    } finally {
      expectExchangesMatchSpec(other.emulator.exchanges);
      await other.close();
    }
  });

  it('stops at the first stop sequence it reaches', async () => {
    const full = (await create()).content[0] as { text: string };
    const word = full.text.split(' ').at(-3)!;
    const stopped = await create({ stop_sequences: ['never-there', word] });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(word);
    expect((stopped.content[0] as { text: string }).text).toBe(full.text.slice(0, full.text.indexOf(word)));
  });

  it('refuses with HTTP 200 and stop_reason refusal when asked to', async () => {
    const refused = await create({ messages: [{ role: 'user', content: 'Please [[refuse]] this.' }] });
    expect(refused.stop_reason).toBe('refusal');
    expect(refused.content).toEqual([{ type: 'text', text: 'I can’t help with that request.' }]);
  });

  it('cuts the answer at max_tokens', async () => {
    const short = await create({ max_tokens: 5 });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.usage.output_tokens).toBeLessThanOrEqual(5);
    expect((short.content[0] as { text: string }).text).toHaveLength(20);
  });
});

describe('Anthropic emulator: tools', () => {
  const validInput = (schema: object, input: unknown): boolean => new Ajv2020({ strict: false }).compile(schema)(input);

  it('calls an offered tool under auto, with input that fits its schema, then answers the results in text', async () => {
    const call = await create({ tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(call.stop_reason).toBe('tool_use');
    expect(call.content[0]).toEqual({ type: 'text', text: 'I will call get_weather.' });
    const use = call.content[1] as { type: string; id: string; name: string; input: Record<string, unknown> };
    expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    expect(use.id).toMatch(/^toolu_[a-zA-Z0-9_-]+$/);
    expect(validInput(WEATHER.input_schema, use.input)).toBe(true);

    const after = await create({
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: call.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '4 degrees' }] },
      ],
    });
    expect(after.stop_reason).toBe('end_turn');
    expect((after.content[0] as { text: string }).text).toContain('4 degrees');
  });

  it('honours tool_choice: any calls without a preamble, tool calls that tool, none never calls', async () => {
    const any = await create({ tools: [WEATHER, TIME], tool_choice: { type: 'any' } });
    expect(any.content).toHaveLength(1);
    expect(any.content[0]!.type).toBe('tool_use');
    const named = await create({ tools: [WEATHER, TIME], tool_choice: { type: 'tool', name: 'get_time' } });
    expect(named.content[0]).toMatchObject({ type: 'tool_use', name: 'get_time' });
    const none = await create({ tools: [WEATHER], tool_choice: { type: 'none' } });
    expect(none.stop_reason).toBe('end_turn');
    expect(none.content.every((block) => block.type === 'text')).toBe(true);
  });

  it('refuses tool_result blocks that answer nothing, tool_use left unanswered, and results after other content', async () => {
    const use = { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } };
    const turns = (userContent: unknown) => [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: [use] }, { role: 'user', content: userContent }];
    expectError(await bed.call('POST', '/v1/messages', messagesBody({ tools: [WEATHER], messages: turns([{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'x' }]) })), 400, 'invalid_request_error', /unexpected `tool_use_id`/);
    expectError(await bed.call('POST', '/v1/messages', messagesBody({ tools: [WEATHER], messages: turns('thanks') })), 400, 'invalid_request_error', /without `tool_result` blocks immediately after: toolu_1/);
    expectError(
      await bed.call('POST', '/v1/messages', messagesBody({ tools: [WEATHER], messages: turns([{ type: 'text', text: 'here' }, { type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' }]) })),
      400,
      'invalid_request_error',
      /must come before any other content/,
    );
  });
});

describe('Anthropic emulator: thinking', () => {
  const thinking = { type: 'enabled', budget_tokens: 1024 };

  it('thinks first, signs what it thought, and takes the block back only unaltered', async () => {
    const answer = await create({ max_tokens: 2000, thinking });
    const block = answer.content[0] as { type: string; thinking: string; signature: string };
    expect(block.type).toBe('thinking');
    expect(block.signature).not.toBe('');
    expect(answer.content[1]!.type).toBe('text');
    const next = (content: unknown) => messagesBody({ max_tokens: 2000, thinking, messages: [{ role: 'user', content: 'Hello there' }, { role: 'assistant', content }, { role: 'user', content: 'More' }] });
    expect((await bed.call('POST', '/v1/messages', next(answer.content))).status).toBe(200);
    expectError(await bed.call('POST', '/v1/messages', next([{ ...block, thinking: `${block.thinking} (edited)` }, answer.content[1]])), 400, 'invalid_request_error', 'messages.1.content.0: Invalid `signature` in `thinking` block');
  });

  it.each([
    ['a budget not below max_tokens', { max_tokens: 1024, thinking }, /must be greater than `thinking.budget_tokens`/],
    ['a temperature other than 1', { max_tokens: 2000, thinking, temperature: 0.5 }, /temperature/],
    ['top_k', { max_tokens: 2000, thinking, top_k: 5 }, /top_k/],
    ['a forced tool', { max_tokens: 2000, thinking, tools: [WEATHER], tool_choice: { type: 'any' } }, /forces tool use/],
    ['a model without thinking', { model: 'claude-3-5-haiku-20241022', max_tokens: 2000, thinking }, /does not support extended thinking/],
  ])('refuses thinking with %s', async (_what, fields, message) => {
    expectError(await bed.call('POST', '/v1/messages', messagesBody(fields)), 400, 'invalid_request_error', message);
  });
});

describe('Anthropic emulator: refusals in the API’s words', () => {
  it('answers 404 not_found_error for an unknown model', async () => {
    expectError(await bed.call('POST', '/v1/messages', messagesBody({ model: 'claude-sonnet-4.6' })), 404, 'not_found_error', 'model: claude-sonnet-4.6');
  });

  it('answers 400 for a prompt longer than the window (about four characters a token)', async () => {
    const answer = await bed.call('POST', '/v1/messages', messagesBody({ messages: [{ role: 'user', content: 'x'.repeat(800_100) }] }));
    expectError(answer, 400, 'invalid_request_error', 'prompt is too long: 200029 tokens > 200000 maximum');
  });

  it.each([
    ['max_tokens above the model', messagesBody({ model: 'claude-3-haiku-20240307', max_tokens: 5000 }), 'max_tokens: 5000 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307'],
    ['no max_tokens', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
    ['an unknown field', messagesBody({ reasoning_effort: 'high' }), 'reasoning_effort: Extra inputs are not permitted'],
    ['an assistant turn first', messagesBody({ messages: [{ role: 'assistant', content: 'hi' }] }), 'messages: first message must use the "user" role'],
    ['two user turns in a row', messagesBody({ messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }), 'messages: roles must alternate between "user" and "assistant"'],
    ['an empty text block', messagesBody({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }), /messages\.0\.content/],
    ['tool_choice without tools', messagesBody({ tool_choice: { type: 'any' } }), /tool_choice may only be specified while providing tools/],
    ['a temperature above 1', messagesBody({ temperature: 1.5 }), /^temperature:/],
    ['a body that is not JSON', '{"model":', /error parsing the body/],
  ])('answers 400 invalid_request_error for %s', async (_what, body, message) => {
    expectError(await bed.call('POST', '/v1/messages', body), 400, 'invalid_request_error', message);
  });

  it('answers 404 not_found_error on a path the API does not serve', async () => {
    expectError(await bed.call('GET', '/v1/nothing'), 404, 'not_found_error', 'Not Found');
  });
});

describe('Anthropic emulator: models', () => {
  const ids = ['claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929', 'claude-opus-4-1-20250805', 'claude-3-7-sonnet-20250219', 'claude-3-5-haiku-20241022', 'claude-3-haiku-20240307'];
  type Page = { data: { id: string; type: string; max_input_tokens: number }[]; has_more: boolean; first_id: string | null; last_id: string | null };

  it('lists every model newest first on one default page', async () => {
    const page = (await bed.call('GET', '/v1/models')).body as Page;
    expect(page.data.map((model) => model.id)).toEqual(ids);
    expect(page).toMatchObject({ has_more: false, first_id: ids[0], last_id: ids[6] });
    expect(page.data[0]).toMatchObject({ type: 'model', max_input_tokens: 200_000 });
  });

  it('pages forward with after_id and back with before_id', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = (await bed.call('GET', `/v1/models?limit=3${after === null ? '' : `&after_id=${after}`}`)).body as Page;
      seen.push(...page.data.map((model) => model.id));
      if (!page.has_more) break;
      after = page.last_id;
    }
    expect(seen).toEqual(ids);
    const back = (await bed.call('GET', `/v1/models?limit=2&before_id=${ids[4]}`)).body as Page;
    expect(back.data.map((model) => model.id)).toEqual([ids[2], ids[3]]);
    expect(back.has_more).toBe(true);
  });

  it('refuses a limit out of 1-1000, resolves an alias and answers 404 for an unknown id', async () => {
    expectError(await bed.call('GET', '/v1/models?limit=0'), 400, 'invalid_request_error', /limit/);
    expect(((await bed.call('GET', '/v1/models/claude-haiku-4-5')).body as { id: string }).id).toBe('claude-haiku-4-5-20251001');
    expectError(await bed.call('GET', '/v1/models/claude-9'), 404, 'not_found_error', 'model: claude-9');
  });
});
