import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelCatalogSchema } from '../core/canonical-types.js';
import { exportCatalogJson } from './catalog-export.js';
import { CatalogOverridesSchema } from './catalog-overrides-schema.js';
import { seedCatalog } from './catalog-seed.js';
import { readCatalogPackages } from './catalog-sources.js';

/**
 * `npm run catalog:generate [-- --as-of YYYY-MM-DD] [-- --check]`: regenerates bundled-catalog.json
 * from the installed data packages and catalog-overrides.json. `--as-of` defaults to today (UTC);
 * `--check` regenerates with the committed file's date and exits 1 if the result differs (the data
 * packages or the overrides changed without a regeneration), writing nothing.
 */
const OVERRIDES_PATH = 'src/llm/catalog/catalog-overrides.json';
const overridesFile = fileURLToPath(new URL('./catalog-overrides.json', import.meta.url));
const bundledFile = fileURLToPath(new URL('./bundled-catalog.json', import.meta.url));

function parseArgs(argv: readonly string[]): { asOf: string | undefined; check: boolean } {
  let asOf: string | undefined;
  let check = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--check') check = true;
    else if (arg === '--as-of') {
      asOf = argv[index + 1];
      index += 1;
      if (asOf === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error('--as-of takes a date as YYYY-MM-DD');
    } else throw new Error(`unknown argument ${arg} (known: --as-of YYYY-MM-DD, --check)`);
  }
  return { asOf, check };
}

async function main(): Promise<void> {
  const { asOf: askedAsOf, check } = parseArgs(process.argv.slice(2));
  const committed = await readFile(bundledFile, 'utf8').catch(() => null);
  const committedAsOf = committed === null ? undefined : ModelCatalogSchema.parse(JSON.parse(committed)).sources.asOf;
  const asOf = askedAsOf ?? (check ? committedAsOf : undefined) ?? new Date().toISOString().slice(0, 10);
  const overrides = CatalogOverridesSchema.parse(JSON.parse(await readFile(overridesFile, 'utf8')));
  const packages = await readCatalogPackages();
  const catalog = ModelCatalogSchema.parse(seedCatalog({ ...packages, asOf, overrides, overridesPath: OVERRIDES_PATH }));
  const json = exportCatalogJson(catalog);
  const perProvider = new Map<string, number>();
  for (const model of catalog.models) perProvider.set(model.provider, (perProvider.get(model.provider) ?? 0) + 1);
  const counts = [...perProvider].map(([provider, count]) => `${provider} ${count}`);
  if (check) {
    if (json !== committed) {
      process.stderr.write(`bundled-catalog.json is stale: regenerate it with npm run catalog:generate -- --as-of ${asOf}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`bundled-catalog.json is current (${counts.join(', ')}; as of ${asOf})\n`);
    return;
  }
  await writeFile(bundledFile, json);
  process.stdout.write(`wrote ${bundledFile}: ${counts.join(', ')} models (as of ${asOf})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`catalog:generate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
