import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRunPodEmulator, startRunPodEmulator } from '../../src/emulators/runpod/start-runpod-emulator.js';
import { goesToCandidate } from '../../src/governance/rollout/index.js';
import { loadProviderPlan } from '../../src/provider-registrations.js';
import { type LoopbackProxy, startLoopbackProxy } from '../support/loopback-proxy.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/**
 * Shadow, ramp and rollback through the API (docs/governance.md), on RunPod: the current adapter
 * `runpod` and its candidates of the same kind on the same emulated account — `runpod-next` through a
 * loopback proxy the test turns into a failing or lying upstream, `runpod-wide` with another GPU-count
 * setting (a different catalog).
 */
const KEY = 'rpa_ROLLOUT_TEST_KEY_000000000000';
const GPU = 'NVIDIA GeForce RTX 4090';

let emulator: RunningRunPodEmulator;
let proxy: LoopbackProxy;
let dir: TempDir;
let cp: TestControlPlane;

beforeAll(async () => {
  emulator = await startRunPodEmulator({ seed: 21, apiKeys: [KEY], bootDelayMs: { provisioning: 10, starting: 10 }, stock: { default: 1_000 }, rateLimits: [{ name: 'minute', quota: 100_000, windowMs: 60_000 }] });
  proxy = await startLoopbackProxy(emulator.url);
  dir = makeTempDir('rollout-api');
  const providersFile = join(dir.path, 'providers.json');
  writeFileSync(
    providersFile,
    `${JSON.stringify({
      adapters: {
        runpod: { baseUrl: emulator.url, graphqlUrl: emulator.graphqlUrl },
        'runpod-next': { kind: 'runpod', baseUrl: proxy.url, graphqlUrl: `${proxy.url}/graphql` },
        'runpod-wide': { kind: 'runpod', baseUrl: emulator.url, graphqlUrl: emulator.graphqlUrl, gpuCounts: [1, 2] },
      },
      capabilities: { compute: ['runpod'] },
    })}\n`,
  );
  const env = { PROVIDERS_CONFIG_PATH: providersFile, RUNPOD_API_KEY: KEY, HANGAR_DATA_DIR: join(dir.path, 'data') };
  const loader = () => loadProviderPlan(env);
  cp = await startTestControlPlane({
    dir,
    extraRegistrations: [loader().build('runpod')],
    reload: loader,
    providersFile,
    settings: {
      readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
      // p95 regression is left to the unit tests: the proxy's own latency would make it fire here first.
      governance: { rollout: { slo: { minSamples: 3, maxErrorRate: 0.5, maxP95Regression: 1_000 } } },
    },
  });
});

afterAll(async () => {
  await cp?.close();
  await proxy?.close();
  await emulator?.close();
  dir?.remove();
});

const pair = (candidate: string) => ({ capability: 'compute', candidate });
const reportPath = () => join(dir.path, 'reports', 'vendor_shadow_report.json');

function readReport(): Record<string, unknown> {
  const text = readFileSync(reportPath(), 'utf8');
  expect(text.endsWith('}\n')).toBe(true);
  const keys = Object.keys(JSON.parse(text) as object);
  expect(keys).toEqual([...keys].sort());
  return JSON.parse(text) as Record<string, unknown>;
}

/** Keys the ramp sends to the candidate (or keeps on the current adapter) at a stage: the hash is public, so the test knows the side in advance. */
function keys(prefix: string, stage: number, candidate: string, toCandidate: boolean, count: number): string[] {
  const found: string[] = [];
  for (let index = 0; found.length < count; index += 1) if (goesToCandidate(`${prefix}-${index}`, stage, candidate) === toCandidate) found.push(`${prefix}-${index}`);
  return found;
}

async function spawn(key: string) {
  return cp.call('POST', '/v1/instances', { provider: 'runpod', instanceType: GPU }, { 'Idempotency-Key': key });
}

describe('shadow', () => {
  it('compare-once: the same account through another adapter compares clean; another catalog setting is a diff, and the report says hold', async () => {
    const clean = await cp.call('POST', '/providers/shadow/compare-once', pair('runpod-next'));
    expect(clean.status).toBe(200);
    expect(clean.json).toMatchObject({ capability: 'compute', current: 'runpod', candidate: 'runpod-next', mismatches: 0, decision: 'proceed', reasons: [] });
    expect(clean.json.comparisons).toBeGreaterThanOrEqual(2);
    expect(readReport()).toMatchObject({ mode: 'compare-once', candidate: 'runpod-next', decision: 'proceed', mismatches: 0 });
    // Built on demand from the providers file, and a candidate: placement leaves it out.
    const mapping = await cp.call('GET', '/providers');
    expect(mapping.json.adapters.find((adapter: { name: string }) => adapter.name === 'runpod-next')).toMatchObject({ kind: 'runpod', state: 'candidate' });
    expect(mapping.json.capabilities.compute).not.toContain('runpod-next');

    const wide = await cp.call('POST', '/providers/shadow/compare-once', pair('runpod-wide'));
    expect(wide.json.decision).toBe('hold');
    expect(wide.json.mismatches).toBeGreaterThan(0);
    const catalog = wide.json.evidence.find((entry: { operation: string }) => entry.operation === 'instanceTypes');
    expect(catalog.mismatches.every((mismatch: { kind: string }) => mismatch.kind === 'extra_in_candidate')).toBe(true);
    expect(catalog.mismatches.some((mismatch: { path: string }) => mismatch.path.includes('2x'))).toBe(true);
    // Deterministic: the same comparison twice gives the same diff.
    const again = await cp.call('POST', '/providers/shadow/compare-once', pair('runpod-wide'));
    expect(again.json.evidence.map((entry: { mismatches: unknown }) => entry.mismatches)).toEqual(wide.json.evidence.map((entry: { mismatches: unknown }) => entry.mismatches));
    expect(readReport()).toMatchObject({ candidate: 'runpod-wide', decision: 'hold' });
    // The decision policy: no ramp on a diff.
    const refused = await cp.call('POST', '/providers/ramp/5', pair('runpod-wide'));
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('SHADOW_NOT_CLEAN');

    expect((await cp.call('POST', '/providers/shadow/compare-once', pair('nimbus'))).json.error.code).toBe('UNKNOWN_ADAPTER');
    expect((await cp.call('POST', '/providers/shadow/compare-once', { ...pair('runpod-next'), current: 'orbstack' })).json.error.code).toBe('KIND_MISMATCH');
    expect((await cp.call('POST', '/providers/shadow/compare-once', { capability: 'storage', candidate: 'x' })).status).toBe(422);
  });

  it('mirrors the current adapter’s reads to the candidate while it runs, keeps writes on the current one, and writes its decision on stop', async () => {
    const started = await cp.call('POST', '/providers/shadow/start', { ...pair('runpod-next'), duration_sec: 120 });
    expect(started.status).toBe(200);
    const id = started.json.shadow_id as string;
    expect((await cp.call('POST', '/providers/shadow/start', { ...pair('runpod-next'), duration_sec: 120 })).json.error.code).toBe('SHADOW_RUNNING');
    expect((await cp.call('POST', '/providers/shadow/start', { ...pair('runpod-next'), duration_sec: 10 ** 6 })).status).toBe(422);
    const before = proxy.requests.length;
    const spawned = await spawn('shadow-write-1');
    expect(spawned.status).toBe(202);
    expect(spawned.json.provider).toBe('runpod');
    await cp.call('POST', '/v1/reconcile', { provider: 'runpod' });
    const plane = cp;
    await waitFor('a mirrored read compared', async () => {
      const runs = (await plane.call('GET', '/providers/shadow')).json.shadows as { shadow_id: string; comparisons: number }[];
      return (runs.find((run) => run.shadow_id === id)?.comparisons ?? 0) >= 1 ? true : undefined;
    });
    // The candidate saw reads only: no pod was created or deleted through it.
    expect(proxy.requests.slice(before).filter((request) => !request.startsWith('GET ') && !request.startsWith('POST /graphql'))).toEqual([]);
    const stopped = await cp.call('POST', '/providers/shadow/stop', { shadow_id: id });
    expect(stopped.json).toMatchObject({ shadow_id: id, state: 'ended', end_reason: 'stopped', fields_mismatches: 0, candidate_errors: 0, decision: 'proceed' });
    expect(readReport()).toMatchObject({ mode: 'shadow', shadow_id: id, decision: 'proceed' });
    expect((await cp.call('POST', '/providers/shadow/stop', { shadow_id: 'shd_nope' })).status).toBe(404);
    const simple = await cp.call('POST', '/providers/shadow/start/simple', { candidate: 'runpod-next' });
    expect(simple.status).toBe(200);
    const ended = await cp.call('POST', '/providers/shadow/stop', { shadow_id: simple.json.shadow_id });
    expect(ended.json.budget).toEqual({ max_comparisons: 100, max_duration_sec: 300 });
  });
});

describe('ramp', () => {
  it('assigns by a stable hash of the Idempotency-Key (a retry lands on the same side), rolls back on injected candidate errors, and records why', async () => {
    expect((await cp.call('POST', '/providers/shadow/compare-once', pair('runpod-next'))).json.decision).toBe('proceed');
    const ramped = await cp.call('POST', '/providers/ramp/50', pair('runpod-next'));
    expect(ramped.status).toBe(200);
    expect(ramped.json).toMatchObject({ current: 'runpod', candidate: 'runpod-next', stage: 50, state: 'ramping' });
    expect((await cp.call('POST', '/providers/ramp/30', pair('runpod-next'))).status).toBe(422);

    const toCandidate = keys('ramp-a', 50, 'runpod-next', true, 3);
    const toCurrent = keys('ramp-a', 50, 'runpod-next', false, 3);
    for (const key of [...toCandidate, ...toCurrent]) {
      const answer = await spawn(key);
      expect(answer.status).toBe(202);
      expect(answer.json.provider).toBe(toCandidate.includes(key) ? 'runpod-next' : 'runpod');
      const retry = await spawn(key);
      expect(retry.json).toMatchObject({ id: answer.json.id, provider: answer.json.provider });
    }
    // The candidate's machines are reconciled by the candidate, never collected as orphans by its sibling on the same account.
    await cp.call('POST', '/v1/reconcile', {});
    const list = await cp.call('GET', '/v1/instances?limit=100');
    const mine = list.json.items.filter((item: { idempotencyKey?: string; provider: string; status: string }) => item.provider === 'runpod-next');
    expect(mine.length).toBe(3);
    expect(mine.every((item: { status: string }) => item.status !== 'terminated' && item.status !== 'failed')).toBe(true);

    // Errors injected on the candidate's side only: its error rate passes the SLO, and the ramp reverts to 0.
    proxy.mode = 'fail';
    try {
      // 3 successes, then failures: the 4th makes 4/7, past the 0.5 the test's SLO allows.
      for (const key of keys('ramp-b', 50, 'runpod-next', true, 4)) {
        const failed = await spawn(key);
        expect(failed.status).toBe(502);
        expect(failed.json.error).toMatchObject({ code: 'PROVIDER_FAILURE', provider: 'runpod-next' });
      }
    } finally {
      proxy.mode = 'pass';
    }
    const ramps = (await cp.call('GET', '/providers/ramp')).json.ramps;
    expect(ramps[0]).toMatchObject({ candidate: 'runpod-next', stage: 0, state: 'rolled_back' });
    expect(ramps[0].rollback.breaches[0]).toMatchObject({ metric: 'error_rate' });
    const events = await cp.call('GET', '/v1/events?limit=500');
    expect(events.json.items.some((event: { type: string; message: string }) => event.type === 'governance.rollback' && event.message.includes('error rate'))).toBe(true);
    // Rolled back: every new spawn stays on the current adapter.
    for (const key of toCandidate.map((key) => `${key}-after`)) expect((await spawn(key)).json.provider).toBe('runpod');
  });

  it('rolls back when the shadow finds mismatches during the ramp; at 100 the candidate is promoted', async () => {
    expect((await cp.call('POST', '/providers/shadow/compare-once', pair('runpod-next'))).json.decision).toBe('proceed');
    expect((await cp.call('POST', '/providers/ramp/5', pair('runpod-next'))).json.stage).toBe(5);
    const shadow = await cp.call('POST', '/providers/shadow/start', { ...pair('runpod-next'), duration_sec: 120 });
    // The candidate starts lying: its pod list misses one pod.
    proxy.mode = 'drop-last';
    try {
      await spawn(keys('ramp-c', 5, 'runpod-next', false, 1)[0] as string);
      const plane = cp;
      await waitFor('the ramp rolled back on the shadow’s mismatches', async () => {
        await plane.call('POST', '/v1/reconcile', { provider: 'runpod' });
        const ramp = (await plane.call('GET', '/providers/ramp')).json.ramps[0];
        return ramp.state === 'rolled_back' ? ramp : undefined;
      });
    } finally {
      proxy.mode = 'pass';
    }
    const ramp = (await cp.call('GET', '/providers/ramp')).json.ramps[0];
    expect(ramp.rollback.breaches.map((breach: { metric: string }) => breach.metric)).toContain('mismatches');
    const run = (await cp.call('GET', '/providers/shadow')).json.shadows.find((entry: { shadow_id: string }) => entry.shadow_id === shadow.json.shadow_id);
    expect(run).toMatchObject({ state: 'ended', end_reason: 'ramp rolled back', decision: 'hold' });
    expect(run.evidence[0].mismatches[0]).toMatchObject({ kind: 'missing_in_candidate' });
    await waitFor('the ended shadow’s report', async () => (readReport().shadow_id === shadow.json.shadow_id ? true : undefined));
    expect(readReport()).toMatchObject({ shadow_id: shadow.json.shadow_id, decision: 'hold' });
    // A held shadow blocks the ramp until a clean comparison.
    expect((await cp.call('POST', '/providers/ramp/25', pair('runpod-next'))).json.error.code).toBe('SHADOW_NOT_CLEAN');

    expect((await cp.call('POST', '/providers/shadow/compare-once', pair('runpod-next'))).json.decision).toBe('proceed');
    const promoted = await cp.call('POST', '/providers/ramp/100', pair('runpod-next'));
    expect(promoted.json).toMatchObject({ stage: 100, state: 'promoted', promotion: { persisted: true } });
    // Written into the providers file (the old one kept as .previous), so a restart keeps the promotion.
    expect(JSON.parse(readFileSync(join(dir.path, 'providers.json'), 'utf8')).capabilities.compute).toEqual(['runpod-next']);
    expect(JSON.parse(readFileSync(join(dir.path, 'providers.json.previous'), 'utf8')).capabilities.compute).toEqual(['runpod']);
    const mapping = await cp.call('GET', '/providers');
    expect(mapping.json.capabilities.compute).toContain('runpod-next');
    expect(mapping.json.capabilities.compute).not.toContain('runpod');
    expect(mapping.json.adapters.find((adapter: { name: string }) => adapter.name === 'runpod').state).toBe('retiring');
    expect(mapping.json.rollouts.ramps).toEqual([{ capability: 'compute', current: 'runpod', candidate: 'runpod-next', stage: 100, state: 'promoted' }]);
    expect((await spawn('after-promotion')).json.provider).toBe('runpod-next');
    expect((await cp.call('POST', '/providers/ramp/50', pair('runpod-next'))).json.error.code).toBe('RAMP_PROMOTED');
    // The planted key never reached a log line, an answer or a report.
    expect(cp.logs.join('\n')).not.toContain(KEY);
    expect(readFileSync(reportPath(), 'utf8')).not.toContain(KEY);
  });
});
