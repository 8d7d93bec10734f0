import type { ModelCatalog, ModelInfo } from '../core/canonical-types.js';

/** Objects with their keys sorted, recursively (undefined values dropped); arrays keep their order. Deterministic JSON starts here. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined)
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}

const byProviderThenModel = (a: ModelInfo, b: ModelInfo) =>
  a.provider === b.provider ? (a.model < b.model ? -1 : a.model > b.model ? 1 : 0) : a.provider < b.provider ? -1 : 1;

/**
 * The catalog as deterministic JSON: models ordered by provider then id, every object's keys sorted
 * (recursively), 2-space indent, a trailing newline. The same catalog always gives the same bytes,
 * so the committed bundled-catalog.json diffs cleanly.
 */
export function exportCatalogJson(catalog: ModelCatalog): string {
  const ordered: ModelCatalog = { models: [...catalog.models].sort(byProviderThenModel), sources: catalog.sources };
  return `${JSON.stringify(sortKeys(ordered), null, 2)}\n`;
}
