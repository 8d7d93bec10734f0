import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_FILTER_TRIGGER, REFUSAL_TRIGGER } from '../../../src/emulators/openai/chat-reply.js';
import { API_KEY, type Completion, expectValidAnswer, type OpenAiEmulatorBed, openOpenAiEmulator, userMessage } from './openai-emulator-bed.js';

const WEATHER = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string', minLength: 2 }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'unit', 'days'], additionalProperties: false },
  },
};
const LOOKUP = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } };

let bed: OpenAiEmulatorBed;
beforeAll(async () => {
  bed = await openOpenAiEmulator({ seed: 7 });
});
afterAll(() => bed.close());

/** A chat completion that must succeed and validate against the spec. */
async function complete(body: Record<string, unknown>): Promise<Completion> {
  const answer = await bed.chat(body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expectValidAnswer('/v1/chat/completions', answer);
  return answer.body as Completion;
}

/** An error answer that must have this status and code, and validate as OpenAI's error body. */
async function refused(body: unknown, status: number, code: string | null, key?: string | null): Promise<{ message: string; param: string | null }> {
  const answer = typeof body === 'string' ? await bed.call('POST', '/v1/chat/completions', body, key) : await bed.chat(body as Record<string, unknown>, key);
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expectValidAnswer('/v1/chat/completions', answer);
  const error = (answer.body as { error: { message: string; param: string | null; code: string | null } }).error;
  expect(error.code).toBe(code);
  return error;
}

describe('the OpenAI emulator: Chat Completions', () => {
  it('answers text deterministically from the seed and the request, with usage and a request id', async () => {
    const request = { model: 'gpt-4o', messages: [userMessage('Tell me about basalt.')] };
    const first = await complete(request);
    const second = await complete(request);
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    expect(first.choices[0]!.message.content).toContain('You said: Tell me about basalt.');
    expect(first.choices[0]!.finish_reason).toBe('stop');
    expect(first.usage.total_tokens).toBe(first.usage.prompt_tokens + first.usage.completion_tokens);
    const other = await openOpenAiEmulator({ seed: 8 });
    try {
      const answer = await other.chat(request);
      expect((answer.body as Completion).choices[0]!.message.content).not.toBe(first.choices[0]!.message.content);
      expect(answer.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    } finally {
      await other.close();
    }
  });

  it('calls a tool when tools are offered under auto (the one the user names), with arguments valid for its parameters', async () => {
    const completion = await complete({ model: 'gpt-4o-mini', messages: [userMessage('Use get_weather for Oslo')], tools: [LOOKUP, WEATHER] });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.function.name).toBe('get_weather');
    const validate = new Ajv2020({ strict: false }).compile(WEATHER.function.parameters);
    expect(validate(JSON.parse(call.function.arguments)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('answers text after a tool result under auto, and never calls with tool_choice none; a named choice calls that tool', async () => {
    const first = await complete({ model: 'gpt-4o', messages: [userMessage('weather?')], tools: [WEATHER], tool_choice: 'required' });
    const call = first.choices[0]!.message.tool_calls![0]!;
    const followUp = await complete({
      model: 'gpt-4o',
      messages: [userMessage('weather?'), { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: call.function }] }, { role: 'tool', tool_call_id: call.id, content: '{"tempC":18}' }],
      tools: [WEATHER],
    });
    expect(followUp.choices[0]!.finish_reason).toBe('stop');
    expect(followUp.choices[0]!.message.content).toContain('get_weather tool returned: {"tempC":18}');
    const none = await complete({ model: 'gpt-4o', messages: [userMessage('get_weather please')], tools: [WEATHER], tool_choice: 'none' });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    const named = await complete({ model: 'gpt-4o', messages: [userMessage('get_weather please')], tools: [WEATHER, LOOKUP], tool_choice: { type: 'function', function: { name: 'lookup' } } });
    expect(named.choices[0]!.message.tool_calls![0]!.function.name).toBe('lookup');
  });

  it('answers JSON that matches a json_schema response format, and a JSON object for json_object', async () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 2, uniqueItems: true },
        when: { type: 'string', format: 'date-time' },
        location: { $ref: '#/$defs/point' },
        note: { type: ['string', 'null'] },
      },
      required: ['city', 'tags', 'when', 'location', 'note'],
      additionalProperties: false,
      $defs: { point: { type: 'object', properties: { lat: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 } }, required: ['lat'], additionalProperties: false } },
    };
    const completion = await complete({ model: 'gpt-4o', messages: [userMessage('a city')], response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } } });
    const ajv = new Ajv2020({ strict: false });
    (addFormatsModule as unknown as (instance: Ajv2020) => Ajv2020)(ajv);
    const validate = ajv.compile(schema);
    const value = JSON.parse(completion.choices[0]!.message.content!) as unknown;
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    const object = await complete({ model: 'gpt-4o', messages: [userMessage('answer in JSON')], response_format: { type: 'json_object' } });
    expect(JSON.parse(object.choices[0]!.message.content!)).toEqual({ reply: expect.stringContaining('answer in JSON') });
  });

  it('spends the completion budget on reasoning first and cuts what does not fit (finish length)', async () => {
    const reasoning = await complete({ model: 'o4-mini', messages: [userMessage('think')], reasoning_effort: 'high' });
    expect(reasoning.usage.completion_tokens_details.reasoning_tokens).toBe(576);
    const starved = await complete({ model: 'o4-mini', messages: [userMessage('think')], max_completion_tokens: 100 });
    expect(starved.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '' } });
    expect(starved.usage.completion_tokens).toBe(100);
    const cut = await complete({ model: 'gpt-4o', messages: [userMessage('a long answer please')], max_completion_tokens: 3 });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: expect.any(String) } });
    expect(cut.choices[0]!.message.content!.length).toBeLessThanOrEqual(12);
  });

  it('refuses, or stops on the content filter, when the prompt asks it to', async () => {
    const refusal = await complete({ model: 'gpt-4o', messages: [userMessage(`please ${REFUSAL_TRIGGER}`)] });
    expect(refusal.choices[0]!.message).toMatchObject({ content: null, refusal: expect.stringContaining("can't help") });
    const filtered = await complete({ model: 'gpt-4o', messages: [userMessage(`please ${CONTENT_FILTER_TRIGGER}`)] });
    expect(filtered.choices[0]!.finish_reason).toBe('content_filter');
  });

  it('reports cached prompt tokens when a long prefix was sent before', async () => {
    const long = 'lorem ipsum dolor sit amet '.repeat(200);
    const first = await complete({ model: 'gpt-4.1', messages: [{ role: 'system', content: long }, userMessage('one')] });
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const second = await complete({ model: 'gpt-4.1', messages: [{ role: 'system', content: long }, userMessage('one'), { role: 'assistant', content: 'ok' }, userMessage('two')] });
    expect(second.usage.prompt_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1024);
    expect(second.usage.prompt_tokens_details.cached_tokens % 128).toBe(0);
  });

  it('answers n choices', async () => {
    const completion = await complete({ model: 'gpt-4o', messages: [userMessage('hi')], n: 2 });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
  });
});

describe('the OpenAI emulator: refusals in the vendor’s words', () => {
  it('401 without a key and with a wrong one (the key masked, never echoed whole)', async () => {
    await refused({ model: 'gpt-4o', messages: [userMessage('x')] }, 401, null, null);
    const wrong = 'sk-wrong-planted-key-777777';
    const error = await refused({ model: 'gpt-4o', messages: [userMessage('x')] }, 401, 'invalid_api_key', wrong);
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain(wrong);
  });

  it('404 for an unknown model, and for a model that is no chat model', async () => {
    expect((await refused({ model: 'gpt-9', messages: [userMessage('x')] }, 404, 'model_not_found')).message).toContain('`gpt-9` does not exist');
    await refused({ model: 'text-embedding-3-small', messages: [userMessage('x')] }, 404, null);
  });

  it('400 context_length_exceeded when the prompt, or prompt plus completion, overflows the window', async () => {
    const error = await refused({ model: 'gpt-4o', messages: [userMessage('x'.repeat(4 * 130_000))] }, 400, 'context_length_exceeded');
    expect(error).toMatchObject({ param: 'messages', message: expect.stringContaining('maximum context length is 128000 tokens') });
    await refused({ model: 'gpt-4o', messages: [userMessage('x'.repeat(4 * 120_000))], max_completion_tokens: 16_000 }, 400, 'context_length_exceeded');
  });

  it('400 for what the model refuses: max_tokens, temperature, stop or an effort it lacks on a reasoning model; reasoning_effort elsewhere', async () => {
    const messages = [userMessage('x')];
    expect((await refused({ model: 'o4-mini', messages, max_tokens: 10 }, 400, 'unsupported_parameter')).param).toBe('max_tokens');
    expect((await refused({ model: 'gpt-5', messages, temperature: 0.2 }, 400, 'unsupported_value')).param).toBe('temperature');
    await refused({ model: 'o3-mini', messages, stop: ['x'] }, 400, 'unsupported_parameter');
    expect((await refused({ model: 'o3-mini', messages, reasoning_effort: 'minimal' }, 400, 'unsupported_value')).message).toContain("'low', 'medium', and 'high'");
    await refused({ model: 'gpt-4o', messages, reasoning_effort: 'low' }, 400, 'unsupported_parameter');
    await refused({ model: 'gpt-4o', messages, max_completion_tokens: 100_000 }, 400, 'invalid_value');
    await refused({ model: 'gpt-4o', messages, stream: true }, 400, 'unsupported_value');
    // The default temperature is accepted by a reasoning model.
    await complete({ model: 'gpt-5', messages, temperature: 1 });
  });

  it('400 for malformed requests: bad JSON, an unknown field, a missing field, a bad role, unpaired tool calls, tool_choice without tools', async () => {
    await refused('{"model": ', 400, null);
    expect((await refused({ model: 'gpt-4o', messages: [userMessage('x')], max_output_tokens: 5 }, 400, null)).message).toBe('Unrecognized request argument supplied: max_output_tokens');
    expect((await refused({ model: 'gpt-4o' }, 400, 'missing_required_parameter')).param).toBe('messages');
    expect((await refused({ model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] }, 400, 'invalid_value')).param).toBe('messages[0].role');
    const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } };
    expect((await refused({ model: 'gpt-4o', messages: [userMessage('x'), { role: 'assistant', content: null, tool_calls: [call] }, userMessage('y')] }, 400, null)).message).toContain('call_1');
    await refused({ model: 'gpt-4o', messages: [userMessage('x'), { role: 'tool', tool_call_id: 'call_9', content: 'r' }] }, 400, null);
    await refused({ model: 'gpt-4o', messages: [userMessage('x')], tool_choice: 'auto' }, 400, null);
    await refused({ model: 'gpt-4o', messages: [userMessage('x')], tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'nope' } } }, 400, null);
  });
});

describe('the OpenAI emulator: models', () => {
  it('lists its models and reads one, as the spec says', async () => {
    const list = await bed.call('GET', '/v1/models');
    expectValidAnswer('/v1/models', list);
    expect((list.body as { data: { id: string }[] }).data.map((model) => model.id)).toContain('gpt-4o');
    const one = await bed.call('GET', '/v1/models/o4-mini');
    expectValidAnswer('/v1/models/o4-mini', one);
    expect(one.body).toMatchObject({ id: 'o4-mini', object: 'model', owned_by: 'system' });
    const missing = await bed.call('GET', '/v1/models/gpt-9');
    expect(missing.status).toBe(404);
    expectValidAnswer('/v1/models/gpt-9', missing);
  });

  it('answers an unknown path with OpenAI’s Invalid URL 404', async () => {
    const answer = await bed.call('POST', '/v1/completions-typo', {});
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { message: 'Invalid URL (POST /v1/completions-typo)', type: 'invalid_request_error', param: null, code: null } });
  });

  it('records exchanges without the Authorization header or the key', () => {
    expect(bed.emulator.exchanges.length).toBeGreaterThan(10);
    expect(JSON.stringify(bed.emulator.exchanges)).not.toContain(API_KEY);
  });
});
