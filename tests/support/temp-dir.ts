import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): void;
}

export function makeTempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `hangar-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
