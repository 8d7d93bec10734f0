import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { persistPromotion } from '../../src/control-plane/governance/providers-file-promotion.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';

const dirs: TempDir[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function file(name: string, text: string): string {
  const dir = makeTempDir('promotion');
  dirs.push(dir);
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

describe('a promotion written into the providers file', () => {
  it('YAML: the candidate takes the current adapter’s place, comments and order kept, the old file kept as .previous', () => {
    const text = '# the team’s providers\nadapters:\n  runpod: {}   # the old adapter\n  runpod-next: {kind: runpod}\ncapabilities:\n  compute: [orbstack, runpod]  # in order\n  llm_gateway: openai\n';
    const path = file('providers.yaml', text);
    expect(persistPromotion(path, 'compute', 'runpod', 'runpod-next')).toEqual({ persisted: true, path });
    const written = readFileSync(path, 'utf8');
    expect(written).toContain('# the team’s providers');
    expect(written).toContain('# the old adapter');
    expect(written).toContain('compute: [ orbstack, runpod-next ]');
    expect(readFileSync(`${path}.previous`, 'utf8')).toBe(text);
    expect(persistPromotion(path, 'llm_gateway', 'openai', 'openai-next')).toMatchObject({ persisted: true });
    expect(readFileSync(path, 'utf8')).toContain('openai-next');
  });

  it('leaves a file that maps no such capability alone, and says why; no file, no write', () => {
    const path = file('providers.json', '{"adapters": {"runpod": {}}}\n');
    const outcome = persistPromotion(path, 'compute', 'runpod', 'runpod-next');
    expect(outcome).toMatchObject({ persisted: false, reason: expect.stringContaining('capabilities.compute') });
    expect(readFileSync(path, 'utf8')).toBe('{"adapters": {"runpod": {}}}\n');
    expect(persistPromotion(null, 'compute', 'runpod', 'runpod-next')).toMatchObject({ persisted: false, path: null });
  });
});
