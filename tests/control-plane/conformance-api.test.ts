import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCaseList, LLM_CASE_IDS } from '../../src/governance/conformance/index.js';
import { type RunningOpenAiEmulator, startOpenAiEmulator } from '../../src/emulators/openai/start-openai-emulator.js';
import { ORBSTACK_CONTRACT_CASES } from '../../src/providers/orbstack/orbstack-contract-cases.js';
import { brokenOrbstackRegistration } from './support/broken-providers.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

const LITELLM_KEY = 'sk-conformance-litellm-key';

interface CaseJson {
  id: string;
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
  error?: string;
}
interface ReportJson {
  run_id: string;
  capability: string;
  adapter: string;
  pass: boolean;
  skipped?: string;
  cases: CaseJson[];
  errors: string[];
  metrics: { latency_ms: number; attempts: number };
  isolation?: { owners: string[]; remaining: number };
}

let openai: RunningOpenAiEmulator;
let cp: TestControlPlane;
const dirs: TempDir[] = [];

/** A JSON value with its keys sorted at every level, for comparing a file's text to its sorted form. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const byAdapter = (reports: ReportJson[], adapter: string) => {
  const found = reports.find((report) => report.adapter === adapter);
  if (found === undefined) throw new Error(`no report for ${adapter}`);
  return found;
};
const failedIds = (report: ReportJson) => report.cases.filter((entry) => entry.status === 'failed').map((entry) => entry.id);

beforeAll(async () => {
  openai = await startOpenAiEmulator({ seed: 9, apiKeys: [LITELLM_KEY] });
  const dir = (name: string) => {
    const made = makeTempDir(`conformance-${name}`);
    dirs.push(made);
    return made.path;
  };
  cp = await startTestControlPlane({
    env: { LITELLM_API_KEY: LITELLM_KEY },
    settings: {
      readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
      llm: { providers: { mock: {}, openai: {}, litellm: { kind: 'openai', baseUrl: openai.url, probeModel: 'gpt-4o-mini', discover: false } } },
    },
    extraRegistrations: [
      brokenOrbstackRegistration('orbstack-misclassed', dir('misclassed'), 'misclassed-errors'),
      brokenOrbstackRegistration('orbstack-non-idempotent', dir('non-idempotent'), 'non-idempotent-spawn'),
      brokenOrbstackRegistration('remote-cloud', dir('remote'), 'none', 'compact'),
    ],
    providerEndpoints: { 'remote-cloud': ['https://api.remote-cloud.example/v1'] },
  });
});

afterAll(async () => {
  await cp?.close();
  await openai?.close();
  for (const dir of dirs) dir.remove();
});

describe('POST /providers/conformance/run', () => {
  let first: { status: number; json: { run_id: string; target: string; summary: Record<string, number>; reports: ReportJson[] } };

  beforeAll(async () => {
    first = await cp.call('POST', '/providers/conformance/run', {});
  }, 180_000);

  it('runs every adapter that cannot spend money under target emulator, and says why it left the others out', () => {
    expect(first.status).toBe(200);
    expect(first.json.target).toBe('emulator');
    const order = first.json.reports.map((report) => `${report.capability}/${report.adapter}`);
    expect(order).toEqual([
      'compute/faulty',
      'compute/orbstack',
      'compute/orbstack-misclassed',
      'compute/orbstack-non-idempotent',
      'compute/remote-cloud',
      'llm/litellm',
      'llm/mock',
      'llm/openai',
    ]);
    expect(first.json.summary).toEqual({ total: 8, passed: 3, failed: 3, skipped: 2 });
    const remote = byAdapter(first.json.reports, 'remote-cloud');
    expect(remote).toMatchObject({ pass: false, cases: [], errors: [] });
    expect(remote.skipped).toContain('https://api.remote-cloud.example/v1 is not loopback');
    expect(byAdapter(first.json.reports, 'openai').skipped).toContain('no baseUrl');
  });

  it('passes orbstack on every case of the shared list, its own contract case included', () => {
    const orbstack = byAdapter(first.json.reports, 'orbstack');
    expect(orbstack.cases.map((entry) => entry.id)).toEqual(computeCaseList(ORBSTACK_CONTRACT_CASES).map((entry) => entry.id));
    expect(failedIds(orbstack)).toEqual([]);
    expect(orbstack.pass).toBe(true);
    expect(orbstack.errors).toEqual([]);
    // The chaos-driven cases ran (OrbStack has a chaos control); only the flag it lacks is skipped, with its reason.
    const skipped = orbstack.cases.filter((entry) => entry.status === 'skipped');
    expect(skipped.map((entry) => entry.id)).toEqual(['persistent-volumes']);
    expect(skipped[0]?.reason?.length).toBeGreaterThan(10);
    expect(orbstack.metrics.attempts).toBe(orbstack.cases.reduce((sum, entry) => sum + (entry as unknown as { attempts: number }).attempts, 0));
    expect(orbstack.metrics.attempts).toBeGreaterThan(0);
  });

  it('fails exactly the cases a deliberately broken adapter breaks', () => {
    const misclassed = byAdapter(first.json.reports, 'orbstack-misclassed');
    expect(failedIds(misclassed)).toEqual(['invalid-spec', 'error-taxonomy-permanent', 'retry-capped-jittered']);
    expect(misclassed.pass).toBe(false);
    expect(misclassed.errors.map((error) => error.split(':')[0])).toEqual(['invalid-spec', 'error-taxonomy-permanent', 'retry-capped-jittered']);
    expect(misclassed.errors[0]).toContain('expected "INVALID_SPEC", got "CAPACITY_ERROR"');

    // The `faulty` test double is no conformant provider either: it drops the call's signal on get, list and
    // terminate, and passes on the refusals of the provider underneath under that provider's name.
    expect(failedIds(byAdapter(first.json.reports, 'faulty'))).toEqual(['abort-prompt-no-leak', 'invalid-spec', 'error-taxonomy-permanent']);

    const nonIdempotent = byAdapter(first.json.reports, 'orbstack-non-idempotent');
    expect(failedIds(nonIdempotent)).toEqual(['idempotent-spawn']);
    expect(nonIdempotent.errors).toEqual([expect.stringMatching(/^idempotent-spawn: the repeated spawn’s providerId: expected "hangar-/)]);
  });

  it('runs the LLM cases over the mock and a loopback OpenAI-compatible gateway', () => {
    for (const adapter of ['mock', 'litellm']) {
      const report = byAdapter(first.json.reports, adapter);
      expect(report.cases.map((entry) => entry.id)).toEqual(LLM_CASE_IDS);
      expect(failedIds(report)).toEqual([]);
      expect(report.pass).toBe(true);
    }
  });

  it('leaves no machine behind: the run’s isolated owner has none, and the control plane adopted none', async () => {
    for (const adapter of ['faulty', 'orbstack', 'orbstack-misclassed', 'orbstack-non-idempotent']) {
      expect(byAdapter(first.json.reports, adapter).isolation).toEqual({ owners: ['hangar-conformance', 'hangar-conformance-foreign'], remaining: 0 });
    }
    const isolated = await cp.orbstack.provider.list({ owner: 'hangar-conformance' });
    expect(isolated.filter((machine) => machine.status !== 'terminated')).toEqual([]);
    await cp.plane.reconcileNow('orbstack');
    expect((await cp.call('GET', '/v1/instances')).json.items).toEqual([]);
    const events = (await cp.call('GET', '/v1/events?limit=200')).json.items as { type: string }[];
    expect(events.filter((event) => event.type.startsWith('instance.') || event.type.includes('orphan'))).toEqual([]);
  });

  it('stores each report it ran: a row per adapter, and a file with sorted keys and a trailing newline', async () => {
    const ran = first.json.reports.filter((report) => report.skipped === undefined);
    const rows = await cp.plane.db.selectFrom('provider_conformance_reports').selectAll().where('run_id', '=', first.json.run_id).orderBy('adapter').execute();
    expect(rows.map((row) => `${row.capability}/${row.adapter}:${row.pass}`).sort()).toEqual(ran.map((report) => `${report.capability}/${report.adapter}:${report.pass ? 1 : 0}`).sort());
    for (const report of ran) {
      const path = join(cp.dir.path, 'reports', 'conformance', `${report.capability}-${report.adapter}.json`);
      const text = readFileSync(path, 'utf8');
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toBe(`${JSON.stringify(sortedKeys(JSON.parse(text)), null, 2)}\n`);
      expect(JSON.parse(text)).toEqual(report);
    }
    expect(existsSync(join(cp.dir.path, 'reports', 'conformance', 'compute-remote-cloud.json'))).toBe(false);
  });

  it('logs every adapter run and every call with capability, adapter, latency_ms, attempts and error_class', () => {
    const lines = cp.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const runs = lines.filter((line) => line.msg === 'conformance adapter run' && line.run_id === first.json.run_id);
    expect(runs.map((line) => line.adapter).sort()).toEqual(['faulty', 'litellm', 'mock', 'orbstack', 'orbstack-misclassed', 'orbstack-non-idempotent']);
    for (const line of runs) expect(Object.keys(line)).toEqual(expect.arrayContaining(['capability', 'adapter', 'latency_ms', 'attempts', 'error_class']));
    expect(runs.find((line) => line.adapter === 'orbstack-misclassed')?.error_class).toBe('ConformanceAssertionError');
    const calls = lines.filter((line) => line.msg === 'conformance call' && line.run_id === first.json.run_id);
    expect(calls.length).toBeGreaterThan(100);
    expect(calls.some((line) => line.adapter === 'orbstack' && line.operation === 'spawn' && line.error_class === 'CAPACITY_ERROR')).toBe(true);
    for (const line of calls) expect(line).toEqual(expect.objectContaining({ capability: expect.any(String), adapter: expect.any(String), latency_ms: expect.any(Number), attempts: expect.any(Number) }));
  });
});

describe('GET /providers/conformance/reports and the run’s filters', () => {
  it('answers the latest report of each capability and adapter, in a stable order', async () => {
    const again = await cp.call('POST', '/providers/conformance/run', { capability: 'llm', adapter: 'mock' });
    expect(again.status).toBe(200);
    expect(again.json.reports.map((report: ReportJson) => report.adapter)).toEqual(['mock']);
    const latest = await cp.call('GET', '/providers/conformance/reports');
    expect(latest.status).toBe(200);
    const reports = latest.json.reports as ReportJson[];
    expect(reports.map((report) => `${report.capability}/${report.adapter}`)).toEqual([
      'compute/faulty',
      'compute/orbstack',
      'compute/orbstack-misclassed',
      'compute/orbstack-non-idempotent',
      'llm/litellm',
      'llm/mock',
    ]);
    expect(byAdapter(reports, 'mock').run_id).toBe(again.json.run_id);
    expect(byAdapter(reports, 'orbstack').run_id).not.toBe(again.json.run_id);
  });

  it('skips every adapter under target live without allowSpend, and stores nothing', async () => {
    const before = await cp.plane.db.selectFrom('provider_conformance_reports').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    const live = await cp.call('POST', '/providers/conformance/run', { target: 'live' });
    expect(live.status).toBe(200);
    expect(live.json.summary).toEqual({ total: 8, passed: 0, failed: 0, skipped: 8 });
    for (const report of live.json.reports as ReportJson[]) expect(report.skipped).toMatch(/^spend not allowed/);
    const after = await cp.plane.db.selectFrom('provider_conformance_reports').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    expect(after.count).toBe(before.count);
  });

  it('refuses bad bodies and unknown names in the standard error shape', async () => {
    const malformed = await cp.call('POST', '/providers/conformance/run', '{');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('MALFORMED_JSON');
    for (const body of [{ target: 'prod' }, { capability: 'gpu' }, { allowSpend: 'yes' }, { colour: 'red' }]) {
      const refused = await cp.call('POST', '/providers/conformance/run', body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.json.error.code).toBe('VALIDATION_ERROR');
    }
    const unknown = await cp.call('POST', '/providers/conformance/run', { adapter: 'nimbus' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: 'UNKNOWN_ADAPTER', known: ['faulty', 'litellm', 'mock', 'openai', 'orbstack', 'orbstack-misclassed', 'orbstack-non-idempotent', 'remote-cloud'] });
    const wrongCapability = await cp.call('POST', '/providers/conformance/run', { capability: 'llm', adapter: 'orbstack' });
    expect(wrongCapability.status).toBe(422);
    expect(wrongCapability.json.error).toMatchObject({ code: 'UNKNOWN_ADAPTER', known: ['litellm', 'mock', 'openai'] });
  });
});
