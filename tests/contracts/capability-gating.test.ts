import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type Provider, supports } from '../../src/contracts/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/** Type-checks the given files (plus an optional in-memory file) and returns the diagnostics. */
function typecheck(files: string[], virtual?: { path: string; text: string }): readonly ts.Diagnostic[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  if (virtual) {
    const { getSourceFile, fileExists } = host;
    host.fileExists = (path) => path === virtual.path || fileExists(path);
    host.getSourceFile = (path, language, ...rest) =>
      path === virtual.path ? ts.createSourceFile(path, virtual.text, language) : getSourceFile(path, language, ...rest);
  }
  const program = ts.createProgram(virtual ? [...files, virtual.path] : files, options, host);
  return ts.getPreEmitDiagnostics(program);
}

const messages = (diagnostics: readonly ts.Diagnostic[]) =>
  diagnostics.map((diagnostic) => `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);

describe('capability gating at compile time', () => {
  it('compiles the fixture: every @ts-expect-error there is a real error and every allowed call compiles', () => {
    const diagnostics = typecheck([join(here, 'type-fixtures', 'capability-gating.ts')]);
    expect(messages(diagnostics)).toEqual([]);
  });

  it('rejects a gated method called on a provider that does not declare the flag', () => {
    const diagnostics = typecheck([], {
      path: join(here, 'type-fixtures', 'virtual-violation.ts'),
      text: [
        "import type { Provider } from '../../../src/contracts/index.js';",
        'declare const provider: Provider;',
        "export const attempt = provider.createSnapshot('i-1');",
      ].join('\n'),
    });
    const codes = diagnostics.map((diagnostic) => diagnostic.code);
    expect(codes).toContain(2339); // Property 'createSnapshot' does not exist on type ...
  }, 60_000);
});

describe('supports() at run time', () => {
  it('is true only for flags declared true', () => {
    const provider = {
      capabilities: { snapshots: true, spot: { unsupported: 'no spot market' } },
    } as unknown as Provider;
    expect(supports(provider, 'snapshots')).toBe(true);
    expect(supports(provider, 'spot')).toBe(false);
  });
});
