import { describe, expect, it } from 'vitest';
import type { CostBreakdown, ModelInfo, ModelPrices, Usage } from '../../../src/llm/core/canonical-types.js';
import { globMatcher } from '../../../src/llm/pricing/model-glob.js';
import { PricingTable } from '../../../src/llm/pricing/pricing-table.js';

function info(provider: string, model: string, prices: Partial<ModelPrices>): ModelInfo {
  return {
    provider,
    model,
    displayName: null,
    contextWindow: null,
    maxOutputTokens: null,
    capabilities: { tools: true, vision: false, jsonSchema: false, reasoning: true },
    prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null, ...prices },
    sources: { limits: null, capabilities: null, prices: { source: 'test-prices@1', asOf: '2026-12-01' } },
    origin: 'static',
  };
}

const usage = (fields: Partial<Usage>): Usage => ({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: null, ...fields });
const codes = (warnings: readonly { code: string }[]) => warnings.map((warning) => warning.code);

const CATALOG = [
  info('openai', 'gpt-test', { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 }),
  info('openai', 'o-think', { inputPerMillion: 1, outputPerMillion: 4, cachedInputPerMillion: 0.25, reasoningPerMillion: 10 }),
  info('openai', 'no-output-price', { inputPerMillion: 1 }),
  info('anthropic', 'claude-test', { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 }),
];
const table = PricingTable.fromCatalog(CATALOG);

describe('PricingTable.estimateCost: the parts and the conventions', () => {
  it('prices disjoint parts: cached inside input, reasoning inside output (at the output price: no double count)', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, cachedInputTokens: 200_000, outputTokens: 500_000, reasoningTokens: 100_000 }), { provider: 'openai', model: 'gpt-test' });
    expect(warnings).toEqual([]);
    expect(cost).toEqual({
      input: 1.6, // 800k × $2
      cachedInput: 0.1, // 200k × $0.5
      output: 3.2, // 400k × $8
      reasoning: 0.8, // 100k × $8: the output price, reasoning being output tokens
      total: 5.7,
      currency: 'USD',
      source: { kind: 'catalog', detail: 'test-prices@1 as of 2026-12-01' },
    });
    // The same call without the reasoning split costs the same: nothing counted twice.
    expect(table.estimateCost(usage({ inputTokens: 1_000_000, cachedInputTokens: 200_000, outputTokens: 500_000, reasoningTokens: null }), { provider: 'openai', model: 'gpt-test' }).cost?.total).toBe(5.7);
  });

  it('counts the way the vendor counts: Anthropic’s input tokens leave cache reads out, so both are priced in full', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0 }), { provider: 'anthropic', model: 'claude-test' });
    expect(warnings).toEqual([]);
    expect(cost).toMatchObject({ input: 3, cachedInput: 0.3, total: 3.3 });
    // The same counts read the OpenAI way: the cached million is inside the input million.
    expect(table.estimateCost(usage({ inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0 }), { provider: 'anthropic', model: 'claude-test' }, { cachedInInput: true }).cost).toMatchObject({ input: 0, cachedInput: 0.3, total: 0.3 });
    const unknown = table.estimateCost(usage({ inputTokens: 1_000_000, cachedInputTokens: null, outputTokens: 0 }), { provider: 'anthropic', model: 'claude-test' });
    expect(unknown.cost).toMatchObject({ input: 3, cachedInput: null, total: null });
    expect(codes(unknown.warnings)).toEqual(['usage_missing']);
  });

  it('prices reasoning at the reasoning price when the model has one', () => {
    const { cost } = table.estimateCost(usage({ inputTokens: 0, outputTokens: 1_000_000, reasoningTokens: 600_000 }), { provider: 'openai', model: 'o-think' });
    expect(cost).toMatchObject({ output: 1.6, reasoning: 6, total: 7.6 });
  });

  it('adds reasoning counted outside the output, at the output price with a warning when there is no reasoning price', () => {
    const outside = table.estimateCost(usage({ outputTokens: 1_000_000, reasoningTokens: 500_000 }), { provider: 'openai', model: 'gpt-test' }, { reasoningInOutput: false });
    expect(outside.cost).toMatchObject({ output: 8, reasoning: 4, total: 12 });
    expect(codes(outside.warnings)).toEqual(['reasoning_priced_as_output']);
    const unknown = table.estimateCost(usage({ outputTokens: 1_000_000, reasoningTokens: null }), { provider: 'openai', model: 'gpt-test' }, { reasoningInOutput: false });
    expect(unknown.cost).toMatchObject({ output: 8, reasoning: null, total: null });
    expect(codes(unknown.warnings)).toEqual(['usage_missing']);
  });
});

describe('PricingTable.estimateCost: missing prices and usage are warnings, never a made-up $0', () => {
  it('a model with no price anywhere: every part and the total null, source none, one warning', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 10, outputTokens: 5 }), { provider: 'openai', model: 'gpt-unknown' });
    expect(cost).toMatchObject({ input: null, output: null, total: null, source: { kind: 'none' } });
    expect(codes(warnings)).toEqual(['price_missing']);
    expect(warnings[0]?.message).toContain('openai/gpt-unknown');
  });

  it('a missing output price: that part and the total null, the known parts kept', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: 10 }), { provider: 'openai', model: 'no-output-price' });
    expect(cost).toMatchObject({ input: 1, output: null, total: null });
    expect(warnings.map((warning) => warning.message).join()).toContain('outputPerMillion');
  });

  it('a missing price for a part with no tokens hides nothing', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 0 }), { provider: 'openai', model: 'no-output-price' });
    expect(cost).toMatchObject({ input: 1, output: null, cachedInput: null, total: 1 });
    expect(warnings).toEqual([]);
  });

  it('a missing usage field: its part and the total null, with a warning naming the field', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: null }), { provider: 'openai', model: 'gpt-test' });
    expect(cost).toMatchObject({ input: 2, output: null, total: null });
    expect(codes(warnings)).toEqual(['usage_missing']);
    expect(warnings[0]?.message).toContain('outputTokens');
  });

  it('no usage at all: no cost and a warning', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null }), { provider: 'openai', model: 'gpt-test' });
    expect(cost).toBeNull();
    expect(codes(warnings)).toEqual(['usage_missing']);
  });

  it('unreported cached tokens: input priced in full (an upper bound), said in a warning', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, cachedInputTokens: null, outputTokens: 0 }), { provider: 'openai', model: 'gpt-test' });
    expect(cost).toMatchObject({ input: 2, cachedInput: null, total: 2 });
    expect(codes(warnings)).toEqual(['usage_missing']);
  });

  it('inconsistent usage (more cached than input) is clamped with a warning', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 100, cachedInputTokens: 300, outputTokens: 0 }), { provider: 'openai', model: 'gpt-test' });
    expect(cost).toMatchObject({ input: 0, cachedInput: 0.00005 });
    expect(codes(warnings)).toEqual(['usage_inconsistent']);
  });
});

describe('PricingTable: vendor cost and operator rules', () => {
  const vendorCost: CostBreakdown = { input: null, output: null, cachedInput: null, reasoning: null, total: 0.0123, currency: 'USD', source: { kind: 'vendor', detail: 'openrouter usage.cost' } };

  it('a vendor-reported cost wins over the table and says so', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), { provider: 'openai', model: 'gpt-test' }, { vendorCost });
    expect(cost).toBe(vendorCost);
    expect(cost?.source.kind).toBe('vendor');
    expect(warnings).toEqual([]);
  });

  it('a vendor cost without a total falls back to the table, with a warning', () => {
    const { cost, warnings } = table.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: 0 }), { provider: 'openai', model: 'gpt-test' }, { vendorCost: { ...vendorCost, total: null } });
    expect(cost).toMatchObject({ total: 2, source: { kind: 'catalog' } });
    expect(codes(warnings)).toEqual(['vendor_cost_missing']);
  });

  it('rules override field by field: globs first, then exact ids, each in order', () => {
    const ruled = PricingTable.fromCatalog(CATALOG, [
      { provider: 'openai', model: 'gpt-*', outputPerMillion: 6, note: 'negotiated' },
      { provider: 'openai', model: 'gpt-test', inputPerMillion: 1 },
      { provider: 'openai', model: '*', outputPerMillion: 7 },
    ]);
    const entry = ruled.lookup({ provider: 'openai', model: 'gpt-test' });
    expect(entry?.prices).toEqual({ inputPerMillion: 1, outputPerMillion: 7, cachedInputPerMillion: 0.5, reasoningPerMillion: null });
    expect(entry?.source.kind).toBe('config');
    expect(entry?.source.detail).toContain('openai/gpt-* (outputPerMillion) "negotiated"');
    expect(entry?.source.detail).toContain('test-prices@1');
    // The anthropic model is untouched: rules match their provider only.
    expect(ruled.lookup({ provider: 'anthropic', model: 'claude-test' })?.source.kind).toBe('catalog');
  });

  it('rules price a model the catalog lacks', () => {
    const ruled = PricingTable.fromCatalog(CATALOG, [{ provider: 'openai', model: 'ft:gpt-test:acme:*', inputPerMillion: 3, outputPerMillion: 12 }]);
    const { cost, warnings } = ruled.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: null, reasoningTokens: null }), { provider: 'openai', model: 'ft:gpt-test:acme:42' });
    expect(cost).toMatchObject({ input: 3, output: 12, total: 15, source: { kind: 'config' } });
    expect(warnings).toEqual([]);
  });

  it('refuses a rule that sets no price or has a bad field', () => {
    expect(() => PricingTable.fromCatalog(CATALOG, [{ provider: 'openai', model: 'x' }])).toThrow(/at least one/);
    expect(() => PricingTable.fromCatalog(CATALOG, [{ provider: 'openai', model: 'x', inputPerMillion: -1 }])).toThrow();
    expect(() => PricingTable.fromCatalog(CATALOG, [{ provider: 'openai', model: 'x', inputPerMillion: 1, typo: 2 }])).toThrow();
  });

  it('prices a dated snapshot as its alias, and falls back to the model the vendor says answered', () => {
    const dated = table.lookup({ provider: 'anthropic', model: 'claude-test-20250929' });
    expect(dated?.prices.inputPerMillion).toBe(3);
    expect(dated?.source.detail).toContain('priced as anthropic/claude-test');
    expect(table.lookup({ provider: 'openai', model: 'gpt-test-2024-08-06' })?.prices.outputPerMillion).toBe(8);
    const { cost } = table.estimateCost(usage({ inputTokens: 1_000_000, outputTokens: 0 }), { provider: 'openai', model: 'my-alias' }, { responseModel: 'gpt-test' });
    expect(cost?.total).toBe(2);
  });
});

describe('globMatcher', () => {
  it('matches * across slashes, ? as one character, everything else literally', () => {
    expect(globMatcher('openai/*')('openai/gpt-4o:extended')).toBe(true);
    expect(globMatcher('gpt-4.?')('gpt-4.1')).toBe(true);
    expect(globMatcher('gpt-4.?')('gpt-4x1')).toBe(false);
    expect(globMatcher('gpt-4.1')('gpt-4x1')).toBe(false);
    expect(globMatcher('a+b*')('a+bc')).toBe(true);
    expect(globMatcher('a+b*')('aab')).toBe(false);
  });
});
