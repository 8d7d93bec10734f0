import { describe, expect, it } from 'vitest';
import { anthropicModelInfo, readAnthropicModelPage } from '../../../../src/llm/adapters/anthropic/anthropic-model-list.js';
import { ModelInfoSchema, ProviderError } from '../../../../src/llm/core/index.js';

const AS_OF = '2026-01-02T03:04:05.000Z';

describe('readAnthropicModelPage', () => {
  it('reads where the next page starts: last_id while has_more, nothing after the last page', () => {
    const page = { data: [{ type: 'model', id: 'a' }, { type: 'model', id: 'b' }], has_more: true, first_id: 'a', last_id: 'b' };
    expect(readAnthropicModelPage(page).nextAfterId).toBe('b');
    expect(readAnthropicModelPage({ ...page, last_id: null }).nextAfterId).toBe('b');
    expect(readAnthropicModelPage({ ...page, has_more: false }).nextAfterId).toBeNull();
  });

  it.each([
    ['not a page', { models: [] }],
    ['no has_more', { data: [] }],
    ['an entry without an id', { data: [{ type: 'model' }], has_more: false }],
  ])('refuses %s as BAD_RESPONSE', (_what, body) => {
    expect(() => readAnthropicModelPage(body)).toThrow(ProviderError);
    try {
      readAnthropicModelPage(body);
    } catch (error) {
      expect((error as ProviderError).code).toBe('BAD_RESPONSE');
    }
  });
});

describe('anthropicModelInfo', () => {
  it('takes limits and capabilities from the entry when it has them', () => {
    const info = anthropicModelInfo(
      { type: 'model', id: 'claude-x', display_name: 'Claude X', created_at: '2026-01-01T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000, capabilities: { image_input: { supported: false }, thinking: { supported: false } } },
      AS_OF,
    );
    expect(info).toEqual({
      provider: 'anthropic',
      model: 'claude-x',
      displayName: 'Claude X',
      contextWindow: 1_000_000,
      maxOutputTokens: 128_000,
      capabilities: { tools: true, vision: false, jsonSchema: true, reasoning: false },
      prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
      sources: { limits: { source: 'anthropic GET /v1/models', asOf: AS_OF }, capabilities: { source: 'anthropic GET /v1/models', asOf: AS_OF }, prices: null },
      origin: 'remote',
    });
    expect(ModelInfoSchema.safeParse(info).success).toBe(true);
  });

  it('falls back to the family rules, and to null limits, for a 2024-shaped entry', () => {
    const info = anthropicModelInfo({ type: 'model', id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' }, AS_OF);
    expect(info).toMatchObject({ contextWindow: null, maxOutputTokens: null, capabilities: { reasoning: false, vision: true }, sources: { limits: null, capabilities: { source: 'anthropic adapter model rules', asOf: AS_OF } } });
    expect(ModelInfoSchema.safeParse(info).success).toBe(true);
  });
});
