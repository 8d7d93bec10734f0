import { describe, expect, it } from 'vitest';
import { ANTHROPIC_EFFORT_BUDGETS as EFFORT_BUDGETS, anthropicModelProfile, encodeAnthropicRequest } from '../../../../src/llm/adapters/anthropic/index.js';
import { type Message, ProviderError, type ProviderRequest } from '../../../../src/llm/core/index.js';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): Message => ({ role: 'assistant', content: [{ type: 'text', text }] });
const request = (fields: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: { provider: 'anthropic', model: 'claude-sonnet-4-5' },
  messages: [user('hi')],
  maxOutputTokens: 1000,
  ...fields,
});
const codes = (fields: Partial<ProviderRequest>) => encodeAnthropicRequest(request(fields)).warnings.map((warning) => warning.code);

function refusal(fields: Partial<ProviderRequest>): ProviderError {
  try {
    encodeAnthropicRequest(request(fields));
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('the encoder accepted the request');
}

describe('encodeAnthropicRequest: conversations the API cannot take', () => {
  it('refuses a conversation that begins with the assistant, or has no turn at all', () => {
    expect(refusal({ messages: [assistant('hello'), user('hi')] })).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
    expect(refusal({ messages: [{ role: 'system', content: [{ type: 'text', text: 'rules' }] }] }).message).toMatch(/no user or assistant message/);
  });

  it('refuses images it cannot send: not base64, an unsupported media type, a scheme the API cannot fetch', () => {
    const image = (url: string, mediaType?: string): Partial<ProviderRequest> => ({ messages: [{ role: 'user', content: [{ type: 'image', url, ...(mediaType !== undefined && { mediaType }) }] }] });
    expect(refusal(image('data:image/png,abc')).message).toMatch(/base64/);
    expect(refusal(image('data:image/bmp;base64,Qk0=')).message).toMatch(/image\/bmp/);
    expect(refusal(image('ftp://example.com/a.png')).message).toMatch(/https:, http: or a base64 data: URL/);
    // The part's mediaType stands in when the data: URL names none.
    const body = encodeAnthropicRequest(request(image('data:;base64,R0lGOD==', 'image/gif'))).body;
    expect(body.messages[0]!.content[0]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lGOD==' } });
  });

  it('refuses a tool schema that is not an object schema, and a response format named like a tool', () => {
    expect(refusal({ tools: [{ name: 'list', parameters: { type: 'array' } }] }).message).toMatch(/must describe an object/);
    expect(refusal({ tools: [{ name: 'answer', parameters: { type: 'object' } }], responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } } }).message).toMatch(/also a tool's name/);
  });
});

describe('encodeAnthropicRequest: the conversation', () => {
  it('merges consecutive turns of one role, as the API wants them alternating', () => {
    const body = encodeAnthropicRequest(request({ messages: [user('a'), user('b'), assistant('c'), assistant('d'), user('e')] })).body;
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }, { type: 'text', text: 'd' }] },
      { role: 'user', content: [{ type: 'text', text: 'e' }] },
    ]);
  });

  it('joins the parts of a system message with newlines and system messages with blank lines', () => {
    const body = encodeAnthropicRequest(
      request({ messages: [{ role: 'system', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }, { role: 'system', content: [{ type: 'text', text: 'three' }] }, user('hi')] }),
    ).body;
    expect(body.system).toBe('one\ntwo\n\nthree');
  });

  it('says a repeated drop once, with the count', () => {
    const unsigned: Message = { role: 'assistant', content: [{ type: 'reasoning', text: 'x' }, { type: 'text', text: 'y' }] };
    const warnings = encodeAnthropicRequest(request({ messages: [user('a'), unsigned, user('b'), unsigned, user('c'), unsigned, user('d')] })).warnings;
    expect(warnings).toEqual([{ code: 'message_part_dropped', message: 'reasoning without a signature was left out (the Messages API takes back only the thinking it signed) (3 times)' }]);
  });
});

describe('encodeAnthropicRequest: max_tokens', () => {
  it('clamps maxOutputTokens to the family ceiling and says so', () => {
    const encoded = encodeAnthropicRequest(request({ model: { provider: 'anthropic', model: 'claude-3-haiku-20240307' }, maxOutputTokens: 10_000 }));
    expect(encoded.body.max_tokens).toBe(4096);
    expect(encoded.warnings.map((warning) => warning.code)).toEqual(['setting_clamped']);
  });

  it('defaults to 4096 plus the thinking budget, never above the ceiling', () => {
    const { maxOutputTokens: _omit, ...rest } = request();
    const withBudget = encodeAnthropicRequest({ ...rest, reasoning: { budgetTokens: 3000 } });
    expect(withBudget.body.max_tokens).toBe(7096);
    expect(withBudget.body.thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
    const capped = encodeAnthropicRequest({ ...rest, model: { provider: 'anthropic', model: 'claude-3-7-sonnet-20250219' }, reasoning: { budgetTokens: 62_000 } });
    expect(capped.body.max_tokens).toBe(64_000);
    expect(capped.body.thinking).toEqual({ type: 'enabled', budget_tokens: 62_000 });
  });

  it('drops thinking when max_tokens leaves no room for the smallest budget, raises a budget under the minimum', () => {
    const tight = encodeAnthropicRequest(request({ maxOutputTokens: 1000, reasoning: { budgetTokens: 2000 } }));
    expect(tight.body.thinking).toBeUndefined();
    expect(tight.warnings.map((warning) => warning.code)).toEqual(['reasoning_dropped']);
    const small = encodeAnthropicRequest(request({ maxOutputTokens: 5000, reasoning: { budgetTokens: 100 } }));
    expect(small.body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(small.warnings.map((warning) => warning.code)).toEqual(['setting_clamped']);
  });
});

describe('encodeAnthropicRequest: reasoning', () => {
  it.each(Object.entries(EFFORT_BUDGETS))('maps effort %s to a budget of %i tokens, with a warning', (effort, budget) => {
    const encoded = encodeAnthropicRequest(request({ maxOutputTokens: 32_000, reasoning: { effort: effort as keyof typeof EFFORT_BUDGETS } }));
    expect(encoded.body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(encoded.warnings).toEqual([{ code: 'reasoning_mapped', message: `reasoning effort "${effort}" was sent as a thinking budget of ${budget} tokens` }]);
  });

  it('keeps top_p at 0.95 or above, and temperature 1 as it is, while thinking', () => {
    const encoded = encodeAnthropicRequest(request({ maxOutputTokens: 4000, reasoning: { budgetTokens: 1024 }, temperature: 1, topP: 0.97 }));
    expect(encoded.body).toMatchObject({ temperature: 1, top_p: 0.97 });
    expect(encoded.warnings).toEqual([]);
  });
});

describe('encodeAnthropicRequest: tools and structured output', () => {
  const tools = [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }];
  const format = { type: 'json_schema' as const, name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } };

  it('drops a toolChoice that comes without tools', () => {
    const encoded = encodeAnthropicRequest(request({ toolChoice: 'required' }));
    expect(encoded.body.tool_choice).toBeUndefined();
    expect(encoded.warnings.map((warning) => warning.code)).toEqual(['setting_dropped']);
  });

  it('forces the stand-in tool when the caller forbade its own tools, keeps a tool the caller forced', () => {
    expect(encodeAnthropicRequest(request({ tools, toolChoice: 'none', responseFormat: format })).body.tool_choice).toEqual({ type: 'tool', name: 'answer' });
    expect(encodeAnthropicRequest(request({ tools, toolChoice: { type: 'tool', name: 'lookup' }, responseFormat: format })).body.tool_choice).toEqual({ type: 'tool', name: 'lookup' });
  });

  it('asks for structured output without forcing a tool while thinking, and says both', () => {
    const encoded = encodeAnthropicRequest(request({ maxOutputTokens: 4000, reasoning: { budgetTokens: 1024 }, responseFormat: format }));
    expect(encoded.body.tool_choice).toEqual({ type: 'auto' });
    expect(encoded.jsonTool).toBe('answer');
    expect(encoded.warnings.map((warning) => warning.code)).toEqual(['response_format_emulated', 'tool_choice_relaxed']);
  });

  it('sends a text response format as nothing at all', () => {
    const encoded = encodeAnthropicRequest(request({ responseFormat: { type: 'text' } }));
    expect(encoded.body.tools).toBeUndefined();
    expect(encoded.jsonTool).toBeNull();
    expect(encoded.warnings).toEqual([]);
  });
});

describe('encodeAnthropicRequest: settings', () => {
  it('passes providerOptions.anthropic.top_k, refuses a bad one, ignores other providers’ options', () => {
    expect(encodeAnthropicRequest(request({ providerOptions: { anthropic: { top_k: 3 } } })).body.top_k).toBe(3);
    expect(codes({ providerOptions: { anthropic: { top_k: -1 } } })).toEqual(['provider_option_dropped']);
    expect(codes({ providerOptions: { openrouter: { provider: { order: ['x'] } } } })).toEqual([]);
  });

  it('leaves out empty stop sequences lists and keeps user ids as metadata', () => {
    const body = encodeAnthropicRequest(request({ stopSequences: [], user: 'u-1' })).body;
    expect(body.stop_sequences).toBeUndefined();
    expect(body.metadata).toEqual({ user_id: 'u-1' });
  });
});

describe('anthropicModelProfile', () => {
  it.each([
    ['claude-opus-4-8', 'claude-opus-4-7+', 'adaptive', false, null],
    ['claude-fable-5-2', 'claude-fable-5', 'adaptive', false, null],
    ['claude-opus-4-6', 'claude-opus-4-5', 'budget', true, 64_000],
    ['claude-opus-4-1-20250805', 'claude-opus-4', 'budget', true, 32_000],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4', 'budget', true, 64_000],
    ['claude-haiku-4-5', 'claude-haiku-4', 'budget', true, 64_000],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet', 'budget', true, 64_000],
    ['claude-3-5-haiku-20241022', 'claude-3-5', 'none', true, 8192],
    ['claude-3-opus-20240229', 'claude-3', 'none', true, 4096],
    ['claude-nova-9', 'unknown', 'budget', true, null],
  ])('%s is %s', (model, family, thinking, samplingParams, maxOutputTokens) => {
    expect(anthropicModelProfile(model)).toMatchObject({ family, thinking, samplingParams, maxOutputTokens, known: family !== 'unknown' });
  });
});
