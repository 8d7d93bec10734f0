import { describe, expect, it } from 'vitest';
import { decodeAnthropicResponse } from '../../../../src/llm/adapters/anthropic/index.js';
import { ProviderError, ProviderResponseSchema } from '../../../../src/llm/core/index.js';

const model = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
const message = (fields: Record<string, unknown> = {}) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  content: [{ type: 'text', text: 'hi' }],
  model: 'claude-sonnet-4-5-20250929',
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 2 },
  ...fields,
});

function unreadable(body: unknown): ProviderError {
  try {
    decodeAnthropicResponse(body, { model });
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('the decoder read it');
}

describe('decodeAnthropicResponse: answers it cannot read', () => {
  it.each([
    ['not an object', 'oops'],
    ['not a message', { type: 'error', error: { type: 'api_error', message: 'x' } }],
    ['content not a list', message({ content: 'hi' })],
    ['a block that is not an object', message({ content: [7] })],
    ['a text block without text', message({ content: [{ type: 'text' }] })],
    ['a tool_use without an id', message({ content: [{ type: 'tool_use', name: 'x', input: {} }] })],
    ['a thinking block without text', message({ content: [{ type: 'thinking', signature: 's' }] })],
    ['a redacted_thinking block without data', message({ content: [{ type: 'redacted_thinking' }] })],
  ])('%s is BAD_RESPONSE, not retried', (_what, body) => {
    const error = unreadable(body);
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.retryable).toBe(false);
  });
});

describe('decodeAnthropicResponse: what it reads', () => {
  it('leaves out a block it does not know, with a warning, and keeps the rest', () => {
    const decoded = decodeAnthropicResponse(message({ content: [{ type: 'server_tool_use', id: 's1', name: 'web_search', input: {} }, { type: 'text', text: 'found it' }] }), { model });
    expect(decoded.output.content).toEqual([{ type: 'text', text: 'found it' }]);
    expect(decoded.warnings).toEqual([{ code: 'output_dropped', message: 'a "server_tool_use" content block was left out (the adapter does not read it)' }]);
  });

  it('keeps tool input that is not an object as rawArguments', () => {
    const decoded = decodeAnthropicResponse(message({ content: [{ type: 'tool_use', id: 't1', name: 'x', input: [1, 2] }], stop_reason: 'tool_use' }), { model });
    expect(decoded.output.content).toEqual([{ type: 'tool-call', id: 't1', name: 'x', arguments: {}, rawArguments: '[1,2]' }]);
    expect(ProviderResponseSchema.safeParse(decoded).success).toBe(true);
  });

  it('reads thinking without a signature as unsigned reasoning', () => {
    const decoded = decodeAnthropicResponse(message({ content: [{ type: 'thinking', thinking: 'hmm' }] }), { model });
    expect(decoded.output.content).toEqual([{ type: 'reasoning', text: 'hmm' }]);
  });

  it.each([
    ['an unknown word', 'model_context_window_exceeded', { unified: 'other', raw: 'model_context_window_exceeded' }],
    ['null', null, { unified: 'other', raw: null }],
  ])('maps a stop_reason of %s to other', (_what, stopReason, finish) => {
    expect(decodeAnthropicResponse(message({ stop_reason: stopReason }), { model }).finishReason).toEqual(finish);
  });
});

describe('decodeAnthropicResponse: usage', () => {
  it('gives nulls, never zeros, for what the answer does not say', () => {
    const { usage: _omit, ...noUsage } = message();
    expect(decodeAnthropicResponse(noUsage, { model }).usage).toEqual({ inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null, totalTokens: null });
    expect(decodeAnthropicResponse(message({ usage: { input_tokens: 10 } }), { model }).usage).toEqual({
      inputTokens: 10,
      outputTokens: null,
      cachedInputTokens: null,
      reasoningTokens: null,
      totalTokens: null,
      raw: { input_tokens: 10 },
    });
  });

  it('reads cache reads, thinking tokens, and keeps cache writes in raw', () => {
    const raw = { input_tokens: 10, output_tokens: 50, cache_read_input_tokens: 900, cache_creation_input_tokens: 40, output_tokens_details: { thinking_tokens: 30 } };
    expect(decodeAnthropicResponse(message({ usage: raw }), { model }).usage).toEqual({ inputTokens: 10, outputTokens: 50, cachedInputTokens: 900, reasoningTokens: 30, totalTokens: 60, raw });
  });

  it('does not take a negative or fractional count', () => {
    expect(decodeAnthropicResponse(message({ usage: { input_tokens: -1, output_tokens: 2.5 } }), { model }).usage).toMatchObject({ inputTokens: null, outputTokens: null, totalTokens: null });
  });
});

describe('decodeAnthropicResponse: the structured-output stand-in', () => {
  const context = { model, jsonTool: 'answer' };

  it('says so when the model did not call it', () => {
    const decoded = decodeAnthropicResponse(message(), context);
    expect(decoded.output.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(decoded.warnings.map((warning) => warning.code)).toEqual(['json_response_missing']);
  });

  it('drops words around the JSON answer, and stays tool_calls beside a real tool call', () => {
    const decoded = decodeAnthropicResponse(
      message({
        content: [
          { type: 'text', text: 'Here you go:' },
          { type: 'tool_use', id: 't1', name: 'answer', input: { a: 1 } },
          { type: 'tool_use', id: 't2', name: 'lookup', input: { q: 'x' } },
        ],
        stop_reason: 'tool_use',
      }),
      context,
    );
    expect(decoded.output.content).toEqual([
      { type: 'text', text: '{"a":1}' },
      { type: 'tool-call', id: 't2', name: 'lookup', arguments: { q: 'x' } },
    ]);
    expect(decoded.finishReason).toEqual({ unified: 'tool_calls', raw: 'tool_use' });
    expect(decoded.warnings).toEqual([{ code: 'output_dropped', message: '1 text block(s) beside the structured answer were left out' }]);
  });
});
