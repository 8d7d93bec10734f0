import { describe, expect, it } from 'vitest';
import { decodeOpenRouterError, decodeOpenRouterResponse } from '../../../../src/llm/adapters/openrouter/index.js';
import { ProviderError, ProviderResponseSchema } from '../../../../src/llm/core/index.js';

const model = { provider: 'openrouter', model: 'openai/gpt-4o' };
const completion = (message: Record<string, unknown>, choice: Record<string, unknown> = {}, usage?: unknown) => ({
  id: 'gen-1',
  model: 'openai/gpt-4o',
  object: 'chat.completion',
  created: 1,
  system_fingerprint: null,
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', ...message }, ...choice }],
  ...(usage !== undefined && { usage }),
});

function thrown(body: unknown): ProviderError {
  try {
    decodeOpenRouterResponse(body, { model });
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the body to be refused');
}

describe('decodeOpenRouterResponse', () => {
  it('refuses a body that is not a chat completion as BAD_RESPONSE, keeping it raw', () => {
    for (const body of [null, 'text', {}, { choices: [] }, { choices: [{ index: 0 }] }, completion({ tool_calls: [{ id: 'c', type: 'function', function: { arguments: '{}' } }] })]) {
      const error = thrown(body);
      expect(error.code, JSON.stringify(body)).toBe('BAD_RESPONSE');
      expect(error.retryable).toBe(false);
      expect(error.raw).toBe(body);
    }
  });

  it('reads an unknown or missing finish reason as other, keeping the word', () => {
    expect(decodeOpenRouterResponse(completion({ content: 'x' }, { finish_reason: 'eos' }), { model }).finishReason).toEqual({ unified: 'other', raw: 'eos' });
    expect(decodeOpenRouterResponse(completion({ content: 'x' }, { finish_reason: null }), { model }).finishReason).toEqual({ unified: 'other', raw: null });
    expect(decodeOpenRouterResponse(completion({ content: 'x' }, { finish_reason: 'error', native_finish_reason: 'upstream_error', error: { message: 'connection reset' } }), { model })).toMatchObject({
      finishReason: { unified: 'error', raw: 'upstream_error' },
      warnings: [{ code: 'openrouter_choice_error', message: expect.stringContaining('connection reset') }],
    });
  });

  it('reads counts that are not non-negative integers as null, never as a made-up number, and a cost that is not a number as no cost', () => {
    const decoded = decodeOpenRouterResponse(
      completion({ content: 'x' }, {}, { prompt_tokens: -1, completion_tokens: 2.5, total_tokens: '7', prompt_tokens_details: null, completion_tokens_details: { reasoning_tokens: null }, cost: 'cheap' }),
      { model },
    );
    expect(decoded.usage).toMatchObject({ inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null, totalTokens: null });
    expect(decoded.cost).toBeNull();
    expect(ProviderResponseSchema.safeParse(decoded).success).toBe(true);
  });

  it('keeps a zero cost (free models) as a vendor cost of 0', () => {
    const decoded = decodeOpenRouterResponse(completion({ content: 'x' }, {}, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, cost: 0, is_byok: false }), { model });
    expect(decoded.cost).toMatchObject({ total: 0, source: { kind: 'vendor' } });
  });

  it('drops what has no canonical form with a warning: non-text content parts, generated images', () => {
    const decoded = decodeOpenRouterResponse(
      completion({ content: [{ type: 'text', text: 'Here:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }], images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }),
      { model },
    );
    expect(decoded.output.content).toEqual([{ type: 'text', text: 'Here:' }]);
    expect(decoded.warnings.map((warning) => warning.code)).toEqual(['openrouter_content_dropped', 'openrouter_images_dropped']);
  });

  it('names a tool call that came without an id, and reads arguments that are JSON but not an object as raw', () => {
    const decoded = decodeOpenRouterResponse(completion({ content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }, { finish_reason: 'tool_calls' }), { model });
    expect(decoded.output.content).toEqual([{ type: 'tool-call', id: 'openrouter-call-0', name: 'f', arguments: {}, rawArguments: '[1,2]' }]);
    expect(ProviderResponseSchema.safeParse(decoded).success).toBe(true);
  });
});

describe('decodeOpenRouterError', () => {
  it('classes each status, and says whether a retry may help', () => {
    const table: [number, string, boolean][] = [
      [400, 'INVALID_REQUEST', false],
      [401, 'AUTH', false],
      [402, 'AUTH', false],
      [403, 'AUTH', false],
      [404, 'NOT_FOUND', false],
      [408, 'TIMEOUT', true],
      [413, 'INVALID_REQUEST', false],
      [418, 'INVALID_REQUEST', false],
      [422, 'INVALID_REQUEST', false],
      [429, 'RATE_LIMIT', true],
      [500, 'SERVER', true],
      [502, 'SERVER', true],
      [503, 'OVERLOADED', true],
      [504, 'SERVER', true],
      [524, 'TIMEOUT', true],
      [529, 'OVERLOADED', true],
    ];
    for (const [status, code, retryable] of table) {
      const error = decodeOpenRouterError(status, new Headers(), { error: { code: status, message: 'something' } });
      expect([status, error.code, error.retryable]).toEqual([status, code, retryable]);
      expect(error.status).toBe(status);
    }
  });

  it('lets metadata.error_type refine the class, whatever the status', () => {
    const typed = (status: number, errorType: string) => decodeOpenRouterError(status, new Headers(), { error: { code: status, message: 'x', metadata: { error_type: errorType } } }).code;
    expect(typed(400, 'max_tokens_exceeded')).toBe('CONTEXT_LENGTH_EXCEEDED');
    expect(typed(400, 'content_policy_violation')).toBe('CONTENT_FILTER');
    expect(typed(502, 'provider_overloaded')).toBe('OVERLOADED');
    expect(typed(500, 'timeout')).toBe('TIMEOUT');
    expect(typed(403, 'permission_denied')).toBe('AUTH');
    expect(typed(400, 'invalid_prompt')).toBe('INVALID_REQUEST');
  });

  it('never puts the flagged input in the message, only in raw', () => {
    const body = { error: { code: 403, message: 'Flagged.', metadata: { reasons: ['self-harm'], flagged_input: 'SECRET-USER-TEXT', provider_name: 'OpenAI' } } };
    const error = decodeOpenRouterError(403, new Headers(), body);
    expect(error.code).toBe('CONTENT_FILTER');
    expect(error.message).not.toContain('SECRET-USER-TEXT');
    expect(error.message).toContain('self-harm');
    expect(error.raw).toBe(body);
    expect(error.computeErrorClass).toBe('INVALID_SPEC');
  });

  it('reads a wait an upstream states in its body, and none from a header-only answer (the transport reads the header)', () => {
    const stated = decodeOpenRouterError(429, new Headers({ 'retry-after': '9' }), { error: { code: 429, message: 'x', metadata: { headers: { 'Retry-After': '4' } } } });
    expect(stated.retryAfterMs).toBe(4000);
    expect(decodeOpenRouterError(429, new Headers({ 'retry-after': '9' }), { error: { code: 429, message: 'x' } }).retryAfterMs).toBeUndefined();
    expect(decodeOpenRouterError(429, new Headers(), { error: { code: 429, message: 'x', metadata: { headers: { 'Retry-After': null } } } }).retryAfterMs).toBeUndefined();
  });

  it('reads an empty or odd body without failing', () => {
    expect(decodeOpenRouterError(503, new Headers(), '').message).toBe('openrouter 503: no error message');
    expect(decodeOpenRouterError(400, new Headers(), { error: 'bad' }).code).toBe('INVALID_REQUEST');
    expect(decodeOpenRouterError(500, new Headers(), [1, 2]).code).toBe('SERVER');
  });
});
