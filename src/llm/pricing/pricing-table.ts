import type { CostBreakdown, ModelInfo, ModelPrices, ModelRef, PricingSource, Usage } from '../core/canonical-types.js';
import { type CostEstimate, type CostEstimateOptions, estimateCostFromPrices } from './cost-estimate.js';
import { globMatcher, isGlob } from './model-glob.js';
import { PRICE_FIELDS, type PriceRule, PriceRuleSchema } from './price-rule.js';
import { usageConvention } from './usage-conventions.js';

/** A model's resolved prices and where they came from. */
export interface PriceEntry {
  prices: ModelPrices;
  source: PricingSource;
}

export interface PricingEstimateOptions extends CostEstimateOptions {
  /** The cost the adapter read from the vendor (OpenRouter's usage accounting): when its source is `vendor` and it has a total, it wins over the table. */
  vendorCost?: CostBreakdown | null;
  /** The id the vendor says answered (a dated snapshot of the requested alias): tried when the requested id has no price. */
  responseModel?: string | null;
}

interface CompiledRule {
  rule: PriceRule;
  matches: (model: string) => boolean;
}

/** The counting options the caller set (an explicit option beats the vendor's convention). */
const definedOnly = (options: CostEstimateOptions): CostEstimateOptions => ({
  ...(options.cachedInInput !== undefined && { cachedInInput: options.cachedInInput }),
  ...(options.reasoningInOutput !== undefined && { reasoningInOutput: options.reasoningInOutput }),
});

const NO_PRICES: ModelPrices = { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null };
const key = (provider: string, model: string) => `${provider}\u0000${model}`;
/** `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`, `gpt-4o-2024-08-06` → `gpt-4o`: a dated snapshot priced as its alias. */
const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * The prices the runtime charges by: the catalog's prices as defaults, operators' rules on top.
 *
 * Rule precedence: the rules matching a model apply in two passes, globs first then exact ids, each
 * pass in declaration order; each rule replaces only the fields it sets, so a later or more exact
 * rule wins field by field. A model the catalog lacks is priced by rules alone. A requested id with
 * no catalog entry falls back to the same id without its date suffix (`…-20250929`, `…-2024-08-06`).
 * Immutable; lookups are memoized.
 */
export class PricingTable {
  private readonly defaults = new Map<string, PriceEntry>();
  private readonly exactRules = new Map<string, CompiledRule[]>();
  private readonly globRules = new Map<string, CompiledRule[]>();
  private readonly memo = new Map<string, PriceEntry | null>();

  private constructor(models: readonly ModelInfo[], rules: readonly PriceRule[]) {
    for (const model of models) {
      const detail = model.sources.prices === null ? `${model.provider}/${model.model}: no price source` : `${model.sources.prices.source} as of ${model.sources.prices.asOf}`;
      this.defaults.set(key(model.provider, model.model), { prices: model.prices, source: { kind: 'catalog', detail } });
    }
    for (const rule of rules) {
      const bucket = isGlob(rule.model) ? this.globRules : this.exactRules;
      const list = bucket.get(rule.provider) ?? [];
      list.push({ rule, matches: globMatcher(rule.model) });
      bucket.set(rule.provider, list);
    }
  }

  /** The catalog's models as defaults and validated rules on top (a bad rule throws the zod error naming its field). */
  static fromCatalog(models: readonly ModelInfo[], rules: readonly unknown[] = []): PricingTable {
    return new PricingTable(models, rules.map((rule) => PriceRuleSchema.parse(rule)));
  }

  /** The prices for a model, or null when neither the catalog nor a rule knows it. */
  lookup(ref: ModelRef): PriceEntry | null {
    const memoKey = key(ref.provider, ref.model);
    const cached = this.memo.get(memoKey);
    if (cached !== undefined) return cached;
    const entry = this.resolve(ref);
    this.memo.set(memoKey, entry);
    return entry;
  }

  /**
   * The call's cost: the vendor's own figure when it gave one (source `vendor`), else the table's
   * prices applied to the usage, counted the way the model's vendor counts (usage-conventions.ts;
   * options override). See cost-estimate.ts for the conventions. Never throws for a missing price
   * or usage field: those are warnings.
   */
  estimateCost(usage: Usage, model: ModelRef, options: PricingEstimateOptions = {}): CostEstimate {
    const vendor = options.vendorCost;
    if (vendor && vendor.source.kind === 'vendor' && vendor.total !== null) return { cost: vendor, warnings: [] };
    let entry = this.lookup(model);
    if (entry === null && options.responseModel && options.responseModel !== model.model) {
      entry = this.lookup({ provider: model.provider, model: options.responseModel });
    }
    const estimate = estimateCostFromPrices(
      usage,
      model,
      entry?.prices ?? NO_PRICES,
      entry?.source ?? { kind: 'none', detail: `no price for ${model.provider}/${model.model} in the catalog or the pricing rules` },
      { ...usageConvention(model.provider), ...definedOnly(options) },
    );
    if (vendor && vendor.source.kind === 'vendor') {
      estimate.warnings.unshift({ code: 'vendor_cost_missing', message: `${model.provider}/${model.model}: the vendor reported no total cost; priced from the table instead` });
    }
    return estimate;
  }

  private resolve(ref: ModelRef): PriceEntry | null {
    const stripped = ref.model.replace(DATE_SUFFIX, '');
    const base = this.defaults.get(key(ref.provider, ref.model)) ?? (stripped === ref.model ? undefined : this.defaults.get(key(ref.provider, stripped)));
    const applied = [...(this.globRules.get(ref.provider) ?? []), ...(this.exactRules.get(ref.provider) ?? [])].filter((compiled) => compiled.matches(ref.model));
    if (applied.length === 0) {
      if (base === undefined) return null;
      if (stripped === ref.model || this.defaults.has(key(ref.provider, ref.model))) return base;
      return { prices: base.prices, source: { kind: base.source.kind, detail: `${base.source.detail} (priced as ${ref.provider}/${stripped})` } };
    }
    const prices: ModelPrices = { ...(base?.prices ?? NO_PRICES) };
    const described: string[] = [];
    for (const { rule } of applied) {
      const fields = PRICE_FIELDS.filter((field) => rule[field] !== undefined);
      for (const field of fields) prices[field] = rule[field] ?? null;
      described.push(`${rule.provider}/${rule.model} (${fields.join(', ')})${rule.note ? ` "${rule.note}"` : ''}`);
    }
    const over = base === undefined ? '' : `; other fields from ${base.source.detail}`;
    return { prices, source: { kind: 'config', detail: `config rule ${described.join(', then ')}${over}` } };
  }
}
