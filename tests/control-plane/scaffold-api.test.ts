import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenAPIHono } from '@hono/zod-openapi';
import { ESLint } from 'eslint';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ApiError } from '../../src/control-plane/api-error.js';
import { DEFAULT_SOURCE_ROOT, type ScaffoldAnswer, ScaffoldService, sourceCheckoutProblem } from '../../src/control-plane/governance/scaffold-service.js';
import { createLogger } from '../../src/control-plane/logger.js';
import { validationHook } from '../../src/control-plane/request-parsing.js';
import { scaffoldRoutes } from '../../src/control-plane/routes/scaffold-routes.js';
import { REPO_ROOT, makeTempCheckout, snapshotTree } from '../support/temp-checkout.js';
import type { TempDir } from '../support/temp-dir.js';

const run = promisify(execFile);

/** The scaffold route alone, with the app's error handling (src/control-plane/app.ts). */
function scaffoldApp(service: ScaffoldService): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.route('/', scaffoldRoutes(service));
  app.onError((error, c) => (error instanceof ApiError ? c.json(error.body(), error.status) : c.json({ error: { code: 'INTERNAL_ERROR', message: String(error) } }, 500)));
  return app;
}

interface Bed {
  checkout: TempDir;
  dataDir: string;
  lines: Record<string, unknown>[];
  post(body: unknown, env?: NodeJS.ProcessEnv): Promise<{ status: number; body: Record<string, unknown> }>;
}

let checkout: TempDir | undefined;

afterEach(() => {
  checkout?.remove();
  checkout = undefined;
});

/** A temporary checkout and a scaffold service over it; `env` is what the service reads (never this process's CI). */
function bed(options: { env?: NodeJS.ProcessEnv; sourceRoot?: string | null; moduleUrl?: string } = {}): Bed {
  checkout = makeTempCheckout('scaffold-api');
  const dataDir = join(checkout.path, 'data');
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  // One service (and so one lock) per environment, as a server has one.
  const apps = new Map<string, OpenAPIHono>();
  const make = (env: NodeJS.ProcessEnv) => {
    const key = JSON.stringify(env);
    const app =
      apps.get(key) ??
      scaffoldApp(new ScaffoldService({ dataDir, logger, env, sourceRoot: options.sourceRoot === undefined ? checkout!.path : options.sourceRoot, ...(options.moduleUrl !== undefined && { moduleUrl: options.moduleUrl }) }));
    apps.set(key, app);
    return app;
  };
  return {
    checkout,
    dataDir,
    lines,
    async post(body, env = options.env ?? {}) {
      const response = await make(env).request('/self/providers/scaffold', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

const errorOf = (body: Record<string, unknown>) => body.error as { code: string; message: string };

/** True when every object in the value has its keys in sorted order. */
function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (value === null || typeof value !== 'object') return true;
  const keys = Object.keys(value);
  return keys.join('\n') === [...keys].sort().join('\n') && Object.values(value).every(keysSorted);
}

describe('POST /self/providers/scaffold: refusals change nothing', () => {
  it('answers 4xx for a bad request and writes nothing', async () => {
    const b = bed();
    const providersFile = join(b.checkout.path, 'providers.json');
    writeFileSync(providersFile, '{\n  "adapters": {\n    "orbstack": {}\n  },\n  "capabilities": {\n    "compute": ["orbstack"]\n  }\n}\n');
    const env = { PROVIDERS_CONFIG_PATH: providersFile };
    const before = snapshotTree(b.checkout.path);

    const cases: [unknown, number, string, string][] = [
      [{ capability: 'compute', vendor: 'acme', extra: true }, 422, 'VALIDATION_ERROR', 'extra'],
      [{ vendor: 'acme' }, 422, 'VALIDATION_ERROR', 'capability'],
      [{ capability: 'storage', vendor: 'acme' }, 422, 'VALIDATION_ERROR', 'capability'],
      [{ capability: 'compute', vendor: 'Acme' }, 422, 'INVALID_VENDOR', 'lower-case'],
      [{ capability: 'compute', vendor: 'acme--cloud' }, 422, 'INVALID_VENDOR', 'hyphen'],
      [{ capability: 'compute', vendor: 'runpod' }, 409, 'PROVIDER_KIND_EXISTS', 'existing provider kind'],
      [{ capability: 'compute', vendor: 'openai' }, 409, 'PROVIDER_KIND_EXISTS', 'existing provider kind'],
      [{ capability: 'llm_gateway', vendor: 'acme' }, 422, 'SCAFFOLD_UNSUPPORTED', 'docs/llm-gateway.md'],
      [{ capability: 'compute', vendor: 'acme', config: { region: 'x' } }, 422, 'VALIDATION_ERROR', 'config'],
      [{ capability: 'compute', vendor: 'acme', config: { baseUrl: 'not a url' } }, 422, 'VALIDATION_ERROR', 'config.baseUrl'],
      [{ capability: 'compute', vendor: 'acme', map: 'yes' }, 422, 'VALIDATION_ERROR', 'map'],
      ['{"capability": "compute",', 400, 'MALFORMED_JSON', 'not valid JSON'],
    ];
    for (const [body, status, code, mentions] of cases) {
      const answer = await b.post(body, env);
      expect({ body, status: answer.status, code: errorOf(answer.body).code }).toEqual({ body, status, code });
      expect(errorOf(answer.body).message).toContain(mentions);
    }
    expect(snapshotTree(b.checkout.path)).toEqual(before);
  });

  it('refuses a root that is not a source checkout with 409, naming it', async () => {
    const b = bed();
    rmSync(join(b.checkout.path, 'package.json'));
    const before = snapshotTree(b.checkout.path);
    const answer = await b.post({ capability: 'compute', vendor: 'acme' });
    expect(answer.status).toBe(409);
    expect(errorOf(answer.body).code).toBe('NOT_A_SOURCE_CHECKOUT');
    expect(errorOf(answer.body).message).toContain(b.checkout.path);
    expect(errorOf(answer.body).message).toContain('package.json');
    expect(snapshotTree(b.checkout.path)).toEqual(before);
  });

  it('is off (409) in a control plane started without a source root', async () => {
    const b = bed({ sourceRoot: null });
    const before = snapshotTree(b.checkout.path);
    const answer = await b.post({ capability: 'compute', vendor: 'acme' });
    expect(answer.status).toBe(409);
    expect(errorOf(answer.body)).toMatchObject({ code: 'NOT_A_SOURCE_CHECKOUT', message: expect.stringContaining('without a source checkout') });
    expect(snapshotTree(b.checkout.path)).toEqual(before);
  });

  it('refuses to run from compiled code (dist/): 409', async () => {
    const b = bed({ moduleUrl: new URL('../../dist/control-plane/governance/scaffold-service.js', import.meta.url).href });
    const answer = await b.post({ capability: 'compute', vendor: 'acme' });
    expect(answer.status).toBe(409);
    expect(errorOf(answer.body).message).toContain('compiled code');
  });

  it('looks for the checkout this module runs from by default', () => {
    expect(DEFAULT_SOURCE_ROOT).toBe(REPO_ROOT);
    expect(sourceCheckoutProblem(REPO_ROOT)).toBeNull();
  });
});

describe('POST /self/providers/scaffold: dry run under CI=true', () => {
  it('answers the plan and writes nothing, runs nothing', async () => {
    const b = bed();
    const providersFile = join(b.checkout.path, 'providers.yaml');
    writeFileSync(providersFile, 'adapters:\n  orbstack: {}\ncapabilities:\n  compute: [orbstack]\n');
    const before = snapshotTree(b.checkout.path);
    const answer = await b.post({ capability: 'compute', vendor: 'acme', map: true }, { CI: 'true', PROVIDERS_CONFIG_PATH: providersFile });
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as ScaffoldAnswer;
    expect(body.dryRun).toBe(true);
    expect(body.files.map((file) => file.action)).toEqual(['create', 'create', 'create', 'create', 'create', 'create']);
    expect(body.factory.action).toBe('insert');
    expect(body.conformance).toBeNull();
    expect(body.providersFile).toEqual({ path: providersFile, format: 'yaml', adapterRecorded: 'added', mapped: 'added' });
    expect(body.notes.join('\n')).toContain('CI=true');
    expect(snapshotTree(b.checkout.path)).toEqual(before);
    expect(existsSync(b.dataDir)).toBe(false);
  });
});

describe('POST /self/providers/scaffold: a real run', () => {
  it('writes the skeleton, registers the kind, reports the skeleton failing conformance, records the adapter; the same call again writes nothing', async () => {
    const b = bed();
    const providersFile = join(b.checkout.path, 'providers.json');
    writeFileSync(providersFile, '{\n    "adapters": {\n        "orbstack": {}\n    },\n    "capabilities": {\n        "compute": ["orbstack"]\n    }\n}\n');
    const env = { PROVIDERS_CONFIG_PATH: providersFile };
    const request = { capability: 'compute', vendor: 'acme', config: { baseUrl: 'http://127.0.0.1:9' } };

    const first = await b.post(request, env);
    expect(first.status).toBe(200);
    const answer = first.body as unknown as ScaffoldAnswer;
    expect(answer).toMatchObject({ vendor: 'acme', capability: 'compute', dryRun: false, root: b.checkout.path, factory: { action: 'insert' } });
    expect(answer.files.every((file) => file.action === 'create')).toBe(true);
    for (const file of answer.files) expect(readFileSync(join(b.checkout.path, file.path), 'utf8')).toMatch(/^\/\/ Generated by hangar scaffold \(acme\)/);
    expect(readFileSync(join(b.checkout.path, 'src/provider-factories.ts'), 'utf8')).toContain("import { acmeEndpoints, createAcmeRegistration } from './providers/acme/acme-registration.js';");

    // The report: the kit's shape, keys sorted, one trailing newline; the skeleton fails its cases.
    const reportPath = join(b.dataDir, 'reports', 'conformance', 'compute-acme.json');
    expect(answer.conformance).toMatchObject({ pass: false, report: reportPath, written: true });
    expect(answer.conformance?.summary.failed).toBeGreaterThan(0);
    const text = readFileSync(reportPath, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const report = JSON.parse(text) as { capability: string; adapter: string; target: string; pass: boolean; run_id: string; cases: { id: string; status: string; error?: string }[]; errors: string[] };
    expect(keysSorted(report)).toBe(true);
    expect(report).toMatchObject({ capability: 'compute', adapter: 'acme', target: 'emulator', pass: false });
    expect(report.run_id).toMatch(/^cfrun-/);
    expect(report.cases.filter((entry) => entry.status === 'failed')).toHaveLength(answer.conformance?.summary.failed ?? -1);
    const byId = new Map(report.cases.map((entry) => [entry.id, entry]));
    expect(byId.get('spawn-fields')?.status).toBe('failed');
    expect(byId.get('spawn-fields')?.error).toContain('acme: not implemented yet');
    expect(byId.get('instance-types')?.error).toContain('not implemented yet: instanceTypes');
    expect(byId.get('heartbeats')?.status).toBe('failed');
    expect(byId.get('capability-reasons')?.status).toBe('passed');
    expect(byId.get('snapshots')?.status).toBe('skipped');

    // The providers file: the adapter recorded, not mapped; its indentation kept.
    expect(answer.providersFile).toEqual({ path: providersFile, format: 'json', adapterRecorded: 'added', mapped: 'not_requested' });
    const recorded = readFileSync(providersFile, 'utf8');
    expect(JSON.parse(recorded)).toEqual({ adapters: { orbstack: {}, acme: { kind: 'acme', baseUrl: 'http://127.0.0.1:9' } }, capabilities: { compute: ['orbstack'] } });
    expect(recorded).toContain('\n    "adapters"');
    expect(answer.nextSteps.join('\n')).toContain('npm run contracts:check -- --write');
    expect(answer.nextSteps.join('\n')).toContain('tests/compliance/provider-factories.ts');

    // One log line per run, with the fields every governance action logs.
    const logged = b.lines.filter((line) => line.msg === 'provider scaffold');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ capability: 'compute', adapter: 'acme', attempts: 1, error_class: null, dry_run: false });
    expect(typeof logged[0]?.latency_ms).toBe('number');

    // The same call again: nothing new anywhere (the report holds the same outcome, so it is not rewritten either).
    const before = snapshotTree(b.checkout.path);
    const second = await b.post(request, env);
    expect(second.status).toBe(200);
    const again = second.body as unknown as ScaffoldAnswer;
    expect(again.files.every((file) => file.action === 'unchanged')).toBe(true);
    expect(again.factory.action).toBe('unchanged');
    expect(again.providersFile).toMatchObject({ adapterRecorded: 'unchanged', mapped: 'not_requested' });
    expect(again.conformance).toMatchObject({ written: false, summary: answer.conformance?.summary });
    expect(snapshotTree(b.checkout.path)).toEqual(before);

    // Mapping only when asked.
    const mapped = await b.post({ ...request, map: true }, env);
    expect((mapped.body as unknown as ScaffoldAnswer).providersFile).toMatchObject({ adapterRecorded: 'unchanged', mapped: 'added' });
    expect(JSON.parse(readFileSync(providersFile, 'utf8')).capabilities).toEqual({ compute: ['orbstack', 'acme'] });
  });

  it('never overwrites an edited file, and says which it kept', async () => {
    const b = bed();
    expect((await b.post({ capability: 'compute', vendor: 'acme' })).status).toBe(200);
    const edited = join(b.checkout.path, 'src/providers/acme/acme-errors.ts');
    const text = `${readFileSync(edited, 'utf8')}// edited by hand\n`;
    writeFileSync(edited, text);
    const again = (await b.post({ capability: 'compute', vendor: 'acme' })).body as unknown as ScaffoldAnswer;
    expect(again.files.find((file) => file.path === 'src/providers/acme/acme-errors.ts')?.action).toBe('kept');
    expect(readFileSync(edited, 'utf8')).toBe(text);
  });

  it('without a providers file creates none; a YAML file without a compute list keeps its selection and its comments', async () => {
    const b = bed();
    const noFile = (await b.post({ capability: 'compute', vendor: 'acme' })).body as unknown as ScaffoldAnswer;
    expect(noFile.providersFile).toBeNull();
    expect(noFile.notes.join('\n')).toContain('no providers file is configured');

    const providersFile = join(b.checkout.path, 'providers.yaml');
    writeFileSync(providersFile, '# the adapters of this host\nadapters:\n  orbstack: {}\n');
    const answer = (await b.post({ capability: 'compute', vendor: 'acme' }, { PROVIDERS_CONFIG_PATH: providersFile })).body as unknown as ScaffoldAnswer;
    expect(answer.providersFile).toMatchObject({ format: 'yaml', adapterRecorded: 'added', mapped: 'not_requested' });
    const text = readFileSync(providersFile, 'utf8');
    expect(text.startsWith('# the adapters of this host\n')).toBe(true);
    expect(parseYaml(text)).toEqual({ adapters: { orbstack: {}, acme: { kind: 'acme' } }, capabilities: { compute: ['orbstack'] } });
    expect(answer.notes.join('\n')).toContain('capabilities.compute is absent');
  });

  it('runs one scaffold at a time: a second request meanwhile is 409', async () => {
    const b = bed();
    const answers = await Promise.all([b.post({ capability: 'compute', vendor: 'acme' }), b.post({ capability: 'compute', vendor: 'acme' })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(errorOf(answers.find((answer) => answer.status === 409)?.body ?? {}).code).toBe('SCAFFOLD_IN_PROGRESS');
  });

  it('generates code that compiles under the repository’s tsconfig and lints clean', { timeout: 120_000 }, async () => {
    const b = bed();
    const answer = (await b.post({ capability: 'compute', vendor: 'acme-cloud' })).body as unknown as ScaffoldAnswer;
    expect(answer.factory.action).toBe('insert');
    // The program of every file the scaffold wrote or changed, and all they import, under the checkout's own tsconfig.
    writeFileSync(
      join(b.checkout.path, 'tsconfig.scaffold-check.json'),
      JSON.stringify({ extends: './tsconfig.json', include: [], files: ['src/provider-factories.ts', ...answer.files.map((file) => file.path)] }),
    );
    const tsc = await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.scaffold-check.json'], { cwd: b.checkout.path, encoding: 'utf8' }).catch(
      (error: { stdout?: string; code?: number }) => ({ stdout: `exit ${String(error.code)}: ${error.stdout ?? ''}`, stderr: '' }),
    );
    expect(tsc.stdout).toBe('');

    writeFileSync(join(b.checkout.path, 'eslint.config.js'), readFileSync(join(REPO_ROOT, 'eslint.config.js'), 'utf8'));
    const results = await new ESLint({ cwd: b.checkout.path }).lintFiles([...answer.files.map((file) => file.path), 'src/provider-factories.ts']);
    expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}:${message.line} ${message.ruleId ?? ''} ${message.message}`))).toEqual([]);
  });
});

describe('npm run scaffold (src/scaffold-cli.ts)', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = makeTempCheckout('scaffold-cli');
  });
  afterEach(() => {
    dir.remove();
  });

  const cleanEnv = () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CI;
    delete env.PROVIDERS_CONFIG_PATH;
    return env;
  };
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/scaffold-cli.ts', ...args], { cwd: REPO_ROOT, env: cleanEnv(), encoding: 'utf8' }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );

  it('--dry-run prints the plan as JSON and exits 0, writing nothing', async () => {
    const before = snapshotTree(dir.path);
    const result = await cli(['--root', dir.path, '--vendor', 'acme', '--dry-run']);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as ScaffoldAnswer;
    expect(answer).toMatchObject({ vendor: 'acme', capability: 'compute', dryRun: true, root: dir.path, conformance: null, factory: { action: 'insert' } });
    expect(answer.files).toHaveLength(6);
    expect(snapshotTree(dir.path)).toEqual(before);
  });

  it('a bad vendor exits 2 with one line', async () => {
    const result = await cli(['--root', dir.path, '--vendor', 'Not_A_Name', '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('INVALID_VENDOR');
  });
});
