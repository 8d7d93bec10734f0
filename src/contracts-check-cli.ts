import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { providerRegistryHash, providerRegistryJson } from './governance/provider-name-registry.js';
import { CONTRACTS_DIR, canonicalProviderRegistry } from './provider-names.js';

const REGISTRY_FILE = 'provider-registry.json';
const LOCK_FILE = 'contracts.lock';
const SOURCE = 'generated from src/provider-factories.ts (compute) and src/control-plane/llm/llm-settings.ts (llm) by `npm run contracts:check -- --write`';

/**
 * `npm run contracts:check`: the vendored provider registry (contracts/provider-registry.json), its lock
 * (contracts/contracts.lock: the file's sha256 and its source) and the registry the code generates must
 * agree; exit 1 naming each disagreement. `-- --write` regenerates both files. `--dir <path>` checks
 * another folder (tests).
 */
function main(argv: readonly string[]): number {
  const write = argv.includes('--write');
  const dirIndex = argv.indexOf('--dir');
  const dir = dirIndex >= 0 && argv[dirIndex + 1] !== undefined ? argv[dirIndex + 1]! : fileURLToPath(CONTRACTS_DIR);
  const generated = providerRegistryJson(canonicalProviderRegistry());
  const hash = providerRegistryHash(generated);
  const lock = `${JSON.stringify({ [REGISTRY_FILE]: { sha256: hash, source: SOURCE } }, null, 2)}\n`;
  if (write) {
    writeFileSync(join(dir, REGISTRY_FILE), generated);
    writeFileSync(join(dir, LOCK_FILE), lock);
    process.stdout.write(`contracts: wrote ${REGISTRY_FILE} and ${LOCK_FILE} (sha256 ${hash})\n`);
    return 0;
  }
  const problems: string[] = [];
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return null;
    }
  };
  const vendored = read(REGISTRY_FILE);
  const lockText = read(LOCK_FILE);
  if (vendored !== null && vendored !== generated) problems.push(`${REGISTRY_FILE} differs from the registry the code generates (sha256 ${providerRegistryHash(vendored)}, generated ${hash})`);
  if (lockText !== null) {
    let pinned: unknown;
    try {
      pinned = (JSON.parse(lockText) as Record<string, { sha256?: unknown }>)[REGISTRY_FILE]?.sha256;
    } catch {
      problems.push(`${LOCK_FILE}: not JSON`);
    }
    if (vendored !== null && pinned !== undefined && pinned !== providerRegistryHash(vendored)) problems.push(`${LOCK_FILE} pins sha256 ${String(pinned)}, but ${REGISTRY_FILE} hashes to ${providerRegistryHash(vendored)}`);
    if (pinned === undefined) problems.push(`${LOCK_FILE} pins no sha256 for ${REGISTRY_FILE}`);
  }
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`contracts: ${problem}\n`);
    process.stderr.write('contracts: run `npm run contracts:check -- --write` after changing the providers, and commit both files\n');
    return 1;
  }
  process.stdout.write(`contracts: ok (${REGISTRY_FILE} sha256 ${hash})\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
