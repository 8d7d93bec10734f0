import { describe, expect, it } from 'vitest';
import { exportCatalogJson } from '../../../src/llm/catalog/catalog-export.js';
import { mergeRemoteModels } from '../../../src/llm/catalog/catalog-merge.js';
import type { ModelCatalog, ModelInfo } from '../../../src/llm/core/canonical-types.js';

function model(provider: string, id: string, fields: Partial<ModelInfo> = {}): ModelInfo {
  return {
    provider,
    model: id,
    displayName: null,
    contextWindow: null,
    maxOutputTokens: null,
    capabilities: { tools: false, vision: false, jsonSchema: false, reasoning: false },
    prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
    sources: { limits: null, capabilities: null, prices: null },
    origin: 'static',
    ...fields,
  };
}

const STATIC_SOURCE = { source: '@pydantic/genai-prices@0.1.8', asOf: '2026-12-01' };
const REMOTE_SOURCE = { source: 'openrouter GET /api/v1/models', asOf: '2026-12-03' };

const STATIC: ModelCatalog = {
  models: [
    model('openrouter', 'openai/gpt-4o', {
      contextWindow: 128000,
      prices: { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: null, reasoningPerMillion: null },
      sources: { limits: STATIC_SOURCE, capabilities: null, prices: STATIC_SOURCE },
    }),
    model('openai', 'gpt-4o', { sources: { limits: null, capabilities: null, prices: null } }),
  ],
  sources: { '@pydantic/genai-prices': '0.1.8' },
};

describe('mergeRemoteModels', () => {
  const remote = [
    model('openrouter', 'openai/gpt-4o', {
      origin: 'remote',
      displayName: 'OpenAI: GPT-4o',
      contextWindow: 64000,
      capabilities: { tools: true, vision: true, jsonSchema: true, reasoning: false },
      prices: { inputPerMillion: 99, outputPerMillion: 99, cachedInputPerMillion: 1, reasoningPerMillion: null },
      sources: { limits: REMOTE_SOURCE, capabilities: REMOTE_SOURCE, prices: REMOTE_SOURCE },
    }),
    model('openrouter', 'new/model-x', { origin: 'static', prices: { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: null, reasoningPerMillion: null }, sources: { limits: null, capabilities: null, prices: REMOTE_SOURCE } }),
    model('openrouter', 'new/model-x', { displayName: 'a duplicate: the first wins' }),
  ];
  const merged = mergeRemoteModels(STATIC, remote, { providers: ['openrouter'], asOf: '2026-12-03' });
  const find = (provider: string, id: string) => merged.models.find((entry) => entry.provider === provider && entry.model === id);

  it('keeps the static figures on conflict, and fills only the groups the static catalog has no source for', () => {
    const known = find('openrouter', 'openai/gpt-4o');
    expect(known).toMatchObject({ origin: 'static', contextWindow: 128000, prices: { inputPerMillion: 2.5, outputPerMillion: 10 }, displayName: 'OpenAI: GPT-4o' });
    expect(known?.sources.prices).toEqual(STATIC_SOURCE);
    expect(known?.capabilities).toEqual({ tools: true, vision: true, jsonSchema: true, reasoning: false });
    expect(known?.sources.capabilities).toEqual(REMOTE_SOURCE);
  });

  it('adds the models only the vendor lists, as remote, once', () => {
    expect(find('openrouter', 'new/model-x')).toMatchObject({ origin: 'remote', displayName: null, prices: { inputPerMillion: 1 } });
    expect(merged.models.filter((entry) => entry.model === 'new/model-x')).toHaveLength(1);
  });

  it('records the discovery in sources, sorts, and leaves its inputs alone', () => {
    expect(merged.sources).toEqual({ '@pydantic/genai-prices': '0.1.8', 'remote:openrouter': '2026-12-03' });
    expect(merged.models.map((entry) => `${entry.provider}/${entry.model}`)).toEqual(['openai/gpt-4o', 'openrouter/new/model-x', 'openrouter/openai/gpt-4o']);
    expect(STATIC.models[0]?.sources.capabilities).toBeNull();
    expect(STATIC.sources).toEqual({ '@pydantic/genai-prices': '0.1.8' });
  });
});

describe('exportCatalogJson', () => {
  it('sorts keys recursively, indents by 2, ends with a newline, and ignores model order', () => {
    const json = exportCatalogJson(STATIC);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "models": [');
    const [first, second] = JSON.parse(json).models;
    expect(Object.keys(first)).toEqual([...Object.keys(first)].sort());
    expect(Object.keys(second.sources)).toEqual(['capabilities', 'limits', 'prices']);
    expect(Object.keys(second.sources.prices)).toEqual(['asOf', 'source']);
    expect(json.indexOf('"provider": "openai"')).toBeLessThan(json.indexOf('"provider": "openrouter"'));
    const shuffled: ModelCatalog = { sources: { ...STATIC.sources }, models: [...STATIC.models].reverse().map((entry) => Object.fromEntries(Object.entries(entry).reverse()) as ModelInfo) };
    expect(exportCatalogJson(shuffled)).toBe(json);
  });
});
