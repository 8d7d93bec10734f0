import { describe, expect, it } from 'vitest';
import type { Message, ProviderRequest } from '../../../../src/llm/core/canonical-types.js';
import { encodeOpenAiRequest } from '../../../../src/llm/adapters/openai/openai-encoder.js';
import { nearestEffort, openAiModelProfile } from '../../../../src/llm/adapters/openai/openai-model-rules.js';
import { componentErrors } from './openai-spec.js';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const request = (model: string, extra: Partial<ProviderRequest> = {}): ProviderRequest => ({ model: { provider: 'openai', model }, messages: [user('hi')], ...extra });
const codes = (warnings: { code: string }[]) => warnings.map((warning) => warning.code);

describe('encodeOpenAiRequest', () => {
  it('sends an effort with a budget as the effort, and says the budget was ignored', () => {
    const { body, warnings } = encodeOpenAiRequest(request('o4-mini', { reasoning: { effort: 'high', budgetTokens: 1000 } }));
    expect(body.reasoning_effort).toBe('high');
    expect(warnings).toEqual([expect.objectContaining({ code: 'setting_dropped', message: expect.stringContaining('budgetTokens') })]);
  });

  it.each([
    [100, 'minimal'],
    [1_024, 'minimal'],
    [1_100, 'low'],
    [4_000, 'low'],
    [5_000, 'medium'],
    [20_000, 'high'],
    [1_000_000, 'high'],
  ] as const)('maps a budget of %i tokens to %s on gpt-5', (budgetTokens, effort) => {
    const { body, warnings } = encodeOpenAiRequest(request('gpt-5', { reasoning: { budgetTokens } }));
    expect(body.reasoning_effort).toBe(effort);
    expect(codes(warnings)).toEqual(['reasoning_mapped']);
  });

  it('maps minimal to low on a model that does not take minimal, with a warning', () => {
    const { body, warnings } = encodeOpenAiRequest(request('o3', { reasoning: { effort: 'minimal' } }));
    expect(body.reasoning_effort).toBe('low');
    expect(codes(warnings)).toEqual(['reasoning_mapped']);
    expect(nearestEffort(500, ['high'])).toBe('high');
  });

  it('drops reasoning on a model that takes none, with a warning', () => {
    const { body, warnings } = encodeOpenAiRequest(request('gpt-4o', { reasoning: { effort: 'low' } }));
    expect(body).not.toHaveProperty('reasoning_effort');
    expect(codes(warnings)).toEqual(['setting_dropped']);
  });

  it('drops toolChoice without tools, with a warning (OpenAI refuses it)', () => {
    const { body, warnings } = encodeOpenAiRequest(request('gpt-4o', { toolChoice: 'required' }));
    expect(body).not.toHaveProperty('tool_choice');
    expect(codes(warnings)).toEqual(['setting_dropped']);
  });

  it('on o1-mini: the system message becomes a user message, tools and JSON mode are dropped, each said', () => {
    const { body, warnings } = encodeOpenAiRequest({
      ...request('o1-mini', {
        tools: [{ name: 'f', parameters: { type: 'object' } }],
        toolChoice: 'auto',
        responseFormat: { type: 'json_object' },
      }),
      messages: [{ role: 'system', content: [{ type: 'text', text: 'rules' }] }, user('hi')],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'rules' },
      { role: 'user', content: 'hi' },
    ]);
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body).not.toHaveProperty('response_format');
    expect(codes(warnings).sort()).toEqual(['role_changed', 'setting_dropped', 'setting_dropped', 'setting_dropped']);
  });

  it('passes everything through for a model no rule knows (the vendor judges), and reads a fine-tune by its base model', () => {
    const unknown = encodeOpenAiRequest(request('acme-7', { reasoning: { effort: 'minimal' }, temperature: 0.3, stopSequences: ['x'] }));
    expect(unknown.body).toMatchObject({ reasoning_effort: 'minimal', temperature: 0.3, stop: ['x'] });
    expect(unknown.warnings).toEqual([]);
    expect(openAiModelProfile('ft:gpt-4o-mini-2024-07-18:acme::abc123').family).toBe('gpt-4o');
    expect(openAiModelProfile('ft:o4-mini-2025-04-16:acme::abc').family).toBe('o-series');
    expect(openAiModelProfile('gpt-5-chat-latest').reasoningEfforts).toBeNull();
    expect(openAiModelProfile('gpt-5.1').reasoningEfforts).toEqual(['low', 'medium', 'high']);
  });

  it('drops an assistant message that held only reasoning, and counts repeated warnings once', () => {
    const reasoningOnly: Message = { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking' }] };
    const { body, warnings } = encodeOpenAiRequest({ ...request('gpt-4.1'), messages: [user('a'), reasoningOnly, user('b'), reasoningOnly, user('c')] });
    expect(body.messages.map((message) => message.role)).toEqual(['user', 'user', 'user']);
    expect(warnings).toEqual([{ code: 'message_part_dropped', message: expect.stringMatching(/\(2 times\)$/) }]);
  });

  it('sends several system texts as text parts, and an assistant tool call without text with null content', () => {
    const { body } = encodeOpenAiRequest({
      ...request('gpt-4o'),
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
        user('go'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: { a: 1 } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: 'ok' }] },
      ],
    });
    expect(body.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] });
    expect(body.messages[2]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] });
    expect(componentErrors('CreateChatCompletionRequest', body)).toEqual([]);
  });

  it('the spec check bites: a body with a bad role or a missing model is refused', () => {
    expect(componentErrors('CreateChatCompletionRequest', { model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] })).not.toEqual([]);
    expect(componentErrors('CreateChatCompletionRequest', { messages: [{ role: 'user', content: 'x' }] })).not.toEqual([]);
  });

  it('drops sampling provider options on a reasoning model and parallel_tool_calls without tools', () => {
    const { body, warnings } = encodeOpenAiRequest(request('o4-mini', { providerOptions: { openai: { presence_penalty: 1, parallel_tool_calls: true, service_tier: 'flex' } } }));
    expect(body).toMatchObject({ service_tier: 'flex' });
    expect(body).not.toHaveProperty('presence_penalty');
    expect(body).not.toHaveProperty('parallel_tool_calls');
    expect(codes(warnings)).toEqual(['setting_dropped', 'setting_dropped']);
  });
});
