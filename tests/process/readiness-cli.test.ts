import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';
import { root, startService } from './service-process.js';

/**
 * `npm run readiness` as the real process (`node --import tsx src/readiness-cli.ts`, what the script
 * runs), on the default OrbStack local provider with a temp HANGAR_DATA_DIR: its exit codes, the
 * artifact it writes, and what it prints.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): TempDir {
  const dir = makeTempDir('readiness-cli');
  cleanups.push(() => dir.remove());
  return dir;
}

interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end with `args`, the data dir in `dir`, and `env` over a clean Hangar environment. */
async function readiness(dir: TempDir, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliOutcome> {
  const clean = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('HANGAR_')).map((name) => [name, undefined]));
  const cli = startService(process.execPath, ['--import', 'tsx', 'src/readiness-cli.ts', ...args], { ...clean, HANGAR_DATA_DIR: dir.path, HANGAR_LOG_LEVEL: 'warn', ...env });
  cleanups.push(() => cli.killGroup());
  let stdout = '';
  let stderr = '';
  cli.child.stdout?.on('data', (chunk) => (stdout += chunk));
  cli.child.stderr?.on('data', (chunk) => (stderr += chunk));
  const { code } = await cli.exited;
  return { code, stdout, stderr };
}

/** Every object's keys, at every depth, are in sorted order. */
function keysSorted(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keysSorted(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  const sorted = [...keys].sort();
  const here = keys.join() === sorted.join() ? [] : [`${path}: ${keys.join(', ')}`];
  return [...here, ...Object.entries(value).flatMap(([key, inner]) => keysSorted(inner, `${path}.${key}`))];
}

describe('npm run readiness', { timeout: 60_000 }, () => {
  it('exits 0 when every required provider is ready after a full run, and writes the artifact: sorted keys, 2-space indent, trailing newline', async () => {
    const dir = tempDir();
    const out = join(dir.path, 'evidence', 'readiness.json');
    const outcome = await readiness(dir, ['--out', out]);
    expect(outcome, outcome.stderr).toMatchObject({ code: 0 });
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    const artifact = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(artifact, null, 2)}\n`);
    expect(keysSorted(artifact)).toEqual([]);
    expect(Object.keys(artifact)).toEqual(['required_not_ready', 'required_ready', 'run', 'status']);
    expect(artifact).toMatchObject({ required_ready: true, required_not_ready: [] });
    expect(artifact.run).toMatchObject({ mode: 'full', trigger: 'cli', run_id: expect.stringMatching(/^prv_/), completed_at: expect.any(String) });
    // The offline mock LLM provider is enabled by default (no LLM configured): it is validated beside orbstack.
    expect(artifact.run.providers.map((row: { provider: string }) => row.provider)).toEqual(['mock', 'orbstack']);
    expect(artifact.run.providers[1]).toMatchObject({ provider: 'orbstack', passed: true, configured: true, auth_probe_passed: true, execution_probe_passed: true, usage_event_written: true });
    expect(artifact.run.providers[1].checks.map((check: { check: string }) => check.check)).toEqual(['configured', 'auth_probe', 'execution_probe', 'usage_event']);
    expect(artifact.status).toMatchObject({ required_providers: ['mock', 'orbstack'], summary: { ready: 2, not_ready: 0 } });
    expect(artifact.status.providers[1]).toMatchObject({ provider: 'orbstack', ready: true, last_error_class: null });
    // The summary names the run, each provider and where the evidence is.
    expect(outcome.stdout).toContain(`readiness run ${artifact.run.run_id} (full`);
    expect(outcome.stdout).toMatch(/orbstack\s+ready\s+required\s+full run passed/);
    expect(outcome.stdout).toContain(`evidence: ${out}`);
  });

  it('exits 1 when a required provider is not ready: a quick run proves no execution, and a required provider that is not enabled fails', async () => {
    const dir = tempDir();
    const quick = await readiness(dir, ['--out', join(dir.path, 'quick.json'), '--mode', 'quick']);
    expect(quick, quick.stderr).toMatchObject({ code: 1 });
    const quickArtifact = JSON.parse(readFileSync(join(dir.path, 'quick.json'), 'utf8'));
    expect(quickArtifact).toMatchObject({ required_ready: false, required_not_ready: ['mock', 'orbstack'], run: { mode: 'quick', providers: [{ provider: 'mock', passed: true, execution_probe_passed: null }, { provider: 'orbstack', passed: true, execution_probe_passed: null }] } });
    expect(quick.stdout).toContain('NOT READY');
    expect(quick.stdout).toContain('ready needs a full run passed within readiness.executionProofTtlMs');

    // The same data dir: the full run now makes orbstack ready, while lambda-labs, required but not enabled, is not.
    const config = join(dir.path, 'hangar.yaml');
    writeFileSync(config, 'readiness:\n  requiredProviders: [orbstack, lambda-labs]\n');
    const full = await readiness(dir, ['--out', join(dir.path, 'full.json')], { HANGAR_CONFIG: config });
    expect(full, full.stderr).toMatchObject({ code: 1 });
    const artifact = JSON.parse(readFileSync(join(dir.path, 'full.json'), 'utf8'));
    expect(artifact.required_not_ready).toEqual(['lambda-labs']);
    const byName = Object.fromEntries(artifact.status.providers.map((row: { provider: string }) => [row.provider, row]));
    expect(byName).toMatchObject({ orbstack: { ready: true }, 'lambda-labs': { ready: false, last_error_class: 'CONFIG_MISSING' } });
    expect(full.stdout).toMatch(/lambda-labs\s+NOT READY\s+required\s+full run failed: CONFIG_MISSING/);

    // --providers narrows the run; readiness still answers for every required provider.
    const narrowed = await readiness(dir, ['--out', join(dir.path, 'narrow.json'), '--providers', 'orbstack'], { HANGAR_CONFIG: config });
    expect(narrowed.code).toBe(1);
    const narrow = JSON.parse(readFileSync(join(dir.path, 'narrow.json'), 'utf8'));
    expect(narrow.run.providers.map((result: { provider: string }) => result.provider)).toEqual(['orbstack']);
    expect(narrow.required_not_ready).toEqual(['lambda-labs']);
  });

  it('exits 2 with one line on stderr for bad arguments and bad config, and writes nothing', async () => {
    const dir = tempDir();
    const out = join(dir.path, 'never.json');
    const badConfig = join(dir.path, 'bad.yaml');
    writeFileSync(badConfig, 'readiness:\n  onStart: sometimes\n');
    const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
      ['no --out', [], {}, /--out <path> is required/],
      ['a bad mode', ['--out', out, '--mode', 'slow'], {}, /--mode must be quick or full, not "slow"/],
      ['an unknown option', ['--out', out, '--dry-run'], {}, /Unknown option '--dry-run'/],
      ['a positional argument', ['--out', out, 'orbstack'], {}, /positional/i],
      ['an empty provider list', ['--out', out, '--providers', ','], {}, /--providers needs at least one provider/],
      ['an unknown provider', ['--out', out, '--providers', 'nimbus'], {}, /no enabled or required provider named nimbus \(known: mock, orbstack\)/],
      ['a bad config key', ['--out', out], { HANGAR_CONFIG: badConfig }, /invalid configuration: readiness\.onStart/],
      ['a provider without its key', ['--out', out], { HANGAR_PROVIDERS: 'runpod', RUNPOD_API_KEY: '' }, /provider runpod: .*RUNPOD_API_KEY/],
      ['--out a directory', ['--out', dir.path], {}, /is a directory/],
    ];
    const outcomes = await Promise.all(cases.map(([, args, env]) => readiness(dir, args, env)));
    for (const [index, [label, , , message]] of cases.entries()) {
      const outcome = outcomes[index]!;
      expect(outcome.code, label).toBe(2);
      expect(outcome.stderr.split('\n').filter((line) => line !== ''), label).toHaveLength(1);
      expect(outcome.stderr, label).toMatch(message);
      expect(outcome.stderr, label).toMatch(/^hangar readiness: /);
      expect(outcome.stdout, label).toBe('');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('is the script npm runs', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.readiness).toBe('exec node --import tsx src/readiness-cli.ts');
  });
});
