import { KNOWN_LLM_PROVIDERS, type ModelCatalog, type ModelInfo, type ModelRef } from '../core/canonical-types.js';
import { RoutingError } from '../core/runtime-errors.js';

interface CatalogIndex {
  byId: Map<string, ModelInfo[]>;
  byRef: Map<string, ModelInfo>;
  providers: Set<string>;
}

const indexes = new WeakMap<ModelCatalog, CatalogIndex>();

/** Lookup maps for a catalog, built once per catalog object (catalogs are treated as immutable). */
function indexOf(catalog: ModelCatalog): CatalogIndex {
  let index = indexes.get(catalog);
  if (index === undefined) {
    index = { byId: new Map(), byRef: new Map(), providers: new Set(KNOWN_LLM_PROVIDERS) };
    for (const model of catalog.models) {
      const list = index.byId.get(model.model) ?? [];
      list.push(model);
      index.byId.set(model.model, list);
      index.byRef.set(`${model.provider}\u0000${model.model}`, model);
      index.providers.add(model.provider);
    }
    indexes.set(catalog, index);
  }
  return index;
}

/** The catalog's entry for a model, if it has one. */
export function findModel(catalog: ModelCatalog, ref: ModelRef): ModelInfo | undefined {
  return indexOf(catalog).byRef.get(`${ref.provider}\u0000${ref.model}`);
}

/**
 * A model reference from what a person writes:
 * - `provider/model` when the part before the first slash is a provider (a known one, one the
 *   catalog lists, or one of `extraProviders`): `openai/gpt-4o` → openai's gpt-4o, and
 *   `openrouter/openai/gpt-4o` → OpenRouter's `openai/gpt-4o`. The model need not be in the catalog
 *   (the vendor may know models the catalog does not yet).
 * - anything else is a bare id looked up in the catalog: `gpt-4o` → openai, `deepseek/deepseek-r1`
 *   → openrouter (no provider is called deepseek). Unknown → RoutingError with the closest ids;
 *   listed by several providers → RoutingError naming each candidate as `provider/model`.
 */
export function resolveModelProvider(id: string, catalog: ModelCatalog, extraProviders: readonly string[] = []): ModelRef {
  const text = id.trim();
  if (text.length === 0) throw new RoutingError('an empty model id names no model');
  const index = indexOf(catalog);
  const slash = text.indexOf('/');
  if (slash > 0) {
    const prefix = text.slice(0, slash);
    if (index.providers.has(prefix) || extraProviders.includes(prefix)) {
      const model = text.slice(slash + 1);
      if (model.length === 0) throw new RoutingError(`"${text}" names provider ${prefix} but no model`);
      return { provider: prefix, model };
    }
  }
  const candidates = index.byId.get(text) ?? [];
  const [only] = candidates;
  if (candidates.length === 1 && only !== undefined) return { provider: only.provider, model: only.model };
  if (candidates.length > 1) {
    throw new RoutingError(`model "${text}" is listed by ${candidates.length} providers; write one of ${candidates.map((model) => `${model.provider}/${model.model}`).join(', ')}`);
  }
  const lowered = text.toLowerCase();
  const near = [...index.byRef.values()]
    .filter((model) => model.model.toLowerCase().includes(lowered))
    .slice(0, 5)
    .map((model) => `${model.provider}/${model.model}`);
  const hint = near.length > 0 ? `; did you mean ${near.join(', ')}?` : `; write provider/model (providers: ${[...index.providers].sort().join(', ')})`;
  throw new RoutingError(`no provider's catalog lists model "${text}"${hint}`);
}
