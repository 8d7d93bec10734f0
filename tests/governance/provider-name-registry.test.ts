import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlPlaneSettingsSchema } from '../../src/control-plane/config.js';
import {
  auditAgainstVendored,
  buildProviderNameRegistry,
  normalizeProviderName,
  parseProviderRegistry,
  providerRegistryHash,
  providerRegistryJson,
} from '../../src/governance/provider-name-registry.js';
import { auditProviderNamesAtStart, CONTRACTS_DIR, canonicalProviderRegistry, configuredProviderNames } from '../../src/provider-names.js';
import { startTestControlPlane, type TestControlPlane } from '../control-plane/support/test-control-plane.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const contracts = fileURLToPath(CONTRACTS_DIR);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function checkCli(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'src/contracts-check-cli.ts', ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the provider name registry', () => {
  it('normalizes names (trimmed, lower-cased), keeps one entry per name, sorts, and refuses a name with two meanings', () => {
    expect(normalizeProviderName('  AWS ')).toBe('aws');
    const registry = buildProviderNameRegistry({ compute: ['RunPod', 'aws', ' aws'], llm: ['openai'] });
    expect(registry.providers).toEqual([
      { name: 'aws', capability: 'compute' },
      { name: 'openai', capability: 'llm' },
      { name: 'runpod', capability: 'compute' },
    ]);
    expect(() => buildProviderNameRegistry({ compute: ['mock'], llm: ['mock'] })).toThrow(/both a compute and a llm provider/);
    expect(() => buildProviderNameRegistry({ compute: [' '], llm: [] })).toThrow(/empty/);
    const json = providerRegistryJson(registry);
    expect(json.endsWith('}\n')).toBe(true);
    expect(parseProviderRegistry(json)).toEqual(registry);
    expect(providerRegistryHash(json)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is vendored in the repository exactly as the code generates it, and the lock pins its sha256', () => {
    const vendored = readFileSync(join(contracts, 'provider-registry.json'), 'utf8');
    expect(vendored).toBe(providerRegistryJson(canonicalProviderRegistry()));
    const lock = JSON.parse(readFileSync(join(contracts, 'contracts.lock'), 'utf8'));
    expect(lock['provider-registry.json'].sha256).toBe(providerRegistryHash(vendored));
    expect(lock['provider-registry.json'].source).toContain('src/provider-factories.ts');
    expect(canonicalProviderRegistry().providers.map((entry) => entry.name)).toEqual(['anthropic', 'aws', 'lambda-labs', 'mock', 'openai', 'openrouter', 'orbstack', 'runpod']);
  });

  it('npm run contracts:check passes on the repository and fails, naming each disagreement, on a drifted copy', () => {
    const ok = checkCli([]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^contracts: ok/);
    const dir: TempDir = makeTempDir('contracts');
    cleanups.push(() => dir.remove());
    copyFileSync(join(contracts, 'provider-registry.json'), join(dir.path, 'provider-registry.json'));
    copyFileSync(join(contracts, 'contracts.lock'), join(dir.path, 'contracts.lock'));
    expect(checkCli(['--dir', dir.path]).code).toBe(0);
    // Someone edits the vendored file by hand: it no longer matches the code, nor the lock.
    writeFileSync(join(dir.path, 'provider-registry.json'), readFileSync(join(contracts, 'provider-registry.json'), 'utf8').replace('"runpod"', '"runp0d"'));
    const drifted = checkCli(['--dir', dir.path]);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain('provider-registry.json differs from the registry the code generates');
    expect(drifted.stderr).toContain('contracts.lock pins sha256');
    // --write regenerates both; the check passes again.
    expect(checkCli(['--dir', dir.path, '--write']).code).toBe(0);
    expect(checkCli(['--dir', dir.path]).code).toBe(0);
  });

  it('audits the configured names at start: ok, drift naming the unknown ones, or unavailable', () => {
    const vendored = () => readFileSync(join(contracts, 'provider-registry.json'), 'utf8');
    expect(auditAgainstVendored(vendored, ['orbstack', ' OpenAI '])).toEqual({ line: 'ssot=ok' });
    expect(auditAgainstVendored(vendored, ['orbstack', 'nimbus', 'gcp'])).toEqual({ line: 'ssot=drift', unknown: ['gcp', 'nimbus'] });
    expect(auditAgainstVendored(() => { throw new Error('ENOENT: no such file'); }, ['orbstack'])).toMatchObject({ line: 'ssot=unavailable', reason: 'ENOENT: no such file' });
    expect(auditAgainstVendored(() => '{"version": 2}', ['orbstack']).line).toBe('ssot=unavailable');
    // A LiteLLM proxy under its own name is audited by its kind.
    const settings = ControlPlaneSettingsSchema.parse({ llm: { providers: { litellm: { kind: 'openai', baseUrl: 'http://127.0.0.1:1' } } } });
    expect(configuredProviderNames(settings, ['aws'])).toEqual(['aws', 'openai']);
    expect(configuredProviderNames(ControlPlaneSettingsSchema.parse({}), ['orbstack'])).toEqual(['orbstack', 'mock']);
    expect(auditProviderNamesAtStart(settings, ['aws'])).toEqual({ line: 'ssot=ok' });
    expect(auditProviderNamesAtStart(settings, ['aws'], new URL('file:///nonexistent/')).line).toBe('ssot=unavailable');
  });

  it('is served at GET /v1/registry/providers with the sha256 the lock pins', async () => {
    const plane: TestControlPlane = await startTestControlPlane();
    cleanups.push(() => plane.close());
    const answer = await plane.call('GET', '/v1/registry/providers');
    expect(answer.status).toBe(200);
    // The test plane's own registry (its registered compute providers and the LLM kinds) has its own hash.
    expect(answer.json.providers).toEqual(expect.arrayContaining([{ name: 'orbstack', capability: 'compute' }, { name: 'openai', capability: 'llm' }]));
    expect(answer.json.sha256).toBe(providerRegistryHash(providerRegistryJson(parseProviderRegistry(JSON.stringify({ version: 1, providers: answer.json.providers })))));
  });
});
