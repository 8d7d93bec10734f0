import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../../src/llm/catalog/bundled-catalog.js';
import { findModel, resolveModelProvider } from '../../../src/llm/catalog/model-resolution.js';
import type { ModelCatalog, ModelInfo } from '../../../src/llm/core/canonical-types.js';
import { RoutingError } from '../../../src/llm/core/runtime-errors.js';

const entry = (provider: string, model: string): ModelInfo => ({
  provider,
  model,
  displayName: null,
  contextWindow: null,
  maxOutputTokens: null,
  capabilities: { tools: false, vision: false, jsonSchema: false, reasoning: false },
  prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
  sources: { limits: null, capabilities: null, prices: null },
  origin: 'static',
});

const CATALOG: ModelCatalog = {
  models: [entry('openai', 'gpt-4o'), entry('openai', 'shared-model'), entry('acme', 'shared-model'), entry('openrouter', 'openai/gpt-4o'), entry('openrouter', 'deepseek/deepseek-r1')],
  sources: {},
};

function routingMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RoutingError);
    return (error as Error).message;
  }
  throw new Error('expected a RoutingError');
}

describe('resolveModelProvider', () => {
  it('reads provider/model when the prefix is a provider, the rest whole (OpenRouter ids keep their slash)', () => {
    expect(resolveModelProvider('openai/gpt-4o', CATALOG)).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(resolveModelProvider('openrouter/openai/gpt-4o', CATALOG)).toEqual({ provider: 'openrouter', model: 'openai/gpt-4o' });
    expect(resolveModelProvider('anthropic/claude-not-yet-listed', CATALOG)).toEqual({ provider: 'anthropic', model: 'claude-not-yet-listed' });
    expect(resolveModelProvider('acme/shared-model', CATALOG)).toEqual({ provider: 'acme', model: 'shared-model' });
    expect(resolveModelProvider('custom/x', CATALOG, ['custom'])).toEqual({ provider: 'custom', model: 'x' });
  });

  it('looks a bare id up in the catalog (a slash that is not a provider is part of the id)', () => {
    expect(resolveModelProvider('gpt-4o', CATALOG)).toEqual({ provider: 'openai', model: 'gpt-4o' });
    expect(resolveModelProvider(' deepseek/deepseek-r1 ', CATALOG)).toEqual({ provider: 'openrouter', model: 'deepseek/deepseek-r1' });
  });

  it('refuses an ambiguous bare id, naming the candidates', () => {
    const message = routingMessage(() => resolveModelProvider('shared-model', CATALOG));
    expect(message).toContain('openai/shared-model');
    expect(message).toContain('acme/shared-model');
  });

  it('refuses an unknown bare id, naming close ids or the providers', () => {
    expect(routingMessage(() => resolveModelProvider('4o', CATALOG))).toContain('openai/gpt-4o');
    expect(routingMessage(() => resolveModelProvider('zzz-unknown', CATALOG))).toContain('openrouter');
    expect(routingMessage(() => resolveModelProvider('', CATALOG))).toContain('empty');
    expect(routingMessage(() => resolveModelProvider('openai/', CATALOG))).toContain('no model');
  });

  it('resolves the bundled catalog’s models', () => {
    expect(resolveModelProvider('gpt-4o-mini', bundledCatalog())).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(resolveModelProvider('claude-sonnet-4-5', bundledCatalog())).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(resolveModelProvider('mock-echo', bundledCatalog())).toEqual({ provider: 'mock', model: 'mock-echo' });
    expect(findModel(bundledCatalog(), { provider: 'openrouter', model: 'openai/gpt-4o-mini' })?.capabilities.vision).toBe(true);
  });
});
