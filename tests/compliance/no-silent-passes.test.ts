import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const TESTS = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * `if (!x) return;` in a test body makes the test pass without checking anything. A case either
 * checks, or skips with its reason (`ctx.skip(reason)`), or narrows with an assertion that throws.
 */
const SILENT_RETURN = /^\s*if \(!.*\)\s*return;?\s*$/;

describe('no test passes without checking', () => {
  it('no test file returns early on a negated condition', () => {
    const offenders = testFiles(TESTS).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (SILENT_RETURN.test(line) ? [`${relative(TESTS, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
