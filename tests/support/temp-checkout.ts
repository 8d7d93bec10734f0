import { cpSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, type TempDir } from './temp-dir.js';

/** The repository these tests run from: read, never written (the scaffold writes into copies). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A temporary copy of the source checkout for the provider scaffold to write into: package.json,
 * tsconfig.json, src/, contracts/ and the compliance harness the generated factory imports, with
 * node_modules linked to the repository's.
 */
export function makeTempCheckout(label: string): TempDir {
  const dir = makeTempDir(label);
  for (const entry of ['package.json', 'tsconfig.json', 'src', 'contracts', 'tests/compliance/compliance-harness.ts']) {
    cpSync(join(REPO_ROOT, entry), join(dir.path, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
  return dir;
}

/** Every file under `root` (node_modules aside) and its content: what a test compares to prove nothing changed. */
export function snapshotTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}
