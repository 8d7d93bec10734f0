import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ControlPlaneSettingsSchema } from '../src/control-plane/config.js';
import { createControlPlane } from '../src/control-plane/control-plane.js';
import { createLogger } from '../src/control-plane/logger.js';
import { startRunPodEmulator } from '../src/emulators/runpod/start-runpod-emulator.js';
import { goesToCandidate } from '../src/governance/rollout/index.js';
import { loadProviderPlan } from '../src/provider-registrations.js';
import type { BenchContext, BenchResult, Benchmark } from './benchmark.js';
import { timeInterleaved } from './interleaved-timing.js';
import { summarizeLatencies } from './latency-stats.js';
import { formatNumber } from './report.js';

const KEY = 'rpa_BENCH_SHADOW_KEY_00000000000000';
const WARMUP = 50;
const SAMPLES = 400;
const ASSIGNMENTS = 200_000;

/**
 * What a shadow run costs the caller (docs/governance.md): `list` of the current RunPod adapter on two
 * control planes over one RunPod emulator, one with a shadow mirroring every read to a candidate of
 * the same kind, one without, timed alternately. The mirror runs after the caller's answer, so the
 * difference is the second call's load on the (in-process) emulator and event loop, not a wait. Also
 * the ramp's per-request assignment (a sha256 of the key).
 */
async function measureShadow(ctx: BenchContext): Promise<BenchResult> {
  const emulator = await startRunPodEmulator({ seed: 3, apiKeys: [KEY], stock: { default: 1_000 }, rateLimits: [{ name: 'minute', quota: 10_000_000, windowMs: 60_000 }] });
  ctx.defer(() => emulator.close());
  const planes = [];
  for (const label of ['plain', 'shadowed']) {
    const dir = mkdtempSync(join(tmpdir(), `hangar-bench-shadow-${label}-`));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'providers.json');
    writeFileSync(file, JSON.stringify({ adapters: { runpod: { baseUrl: emulator.url, graphqlUrl: emulator.graphqlUrl }, 'runpod-next': { kind: 'runpod', baseUrl: emulator.url, graphqlUrl: emulator.graphqlUrl } }, capabilities: { compute: ['runpod'] } }));
    const env = { PROVIDERS_CONFIG_PATH: file, RUNPOD_API_KEY: KEY, HANGAR_DATA_DIR: dir };
    const loader = () => loadProviderPlan(env);
    const settings = ControlPlaneSettingsSchema.parse({ dataDir: dir, logLevel: 'silent', readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 }, governance: { shadow: { maxComparisons: 1_000_000 } } });
    const plane = await createControlPlane({ settings, registrations: [loader().build('runpod')], logger: createLogger('silent'), reload: loader, env });
    ctx.defer(() => plane.close());
    planes.push(plane);
  }
  const [plain, shadowed] = planes as [(typeof planes)[number], (typeof planes)[number]];
  const started = await shadowed.app.request('/providers/shadow/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ capability: 'compute', candidate: 'runpod-next', duration_sec: 3600 }) });
  if (started.status !== 200) throw new Error(`shadow start answered ${started.status}: ${await started.text()}`);
  const list = (plane: typeof plain) => () => plane.ctx.registry.require('runpod').provider.list({ owner: 'hangar' });
  const timed = await timeInterleaved(SAMPLES, WARMUP, list(shadowed), list(plain));
  const runs = (await (await shadowed.app.request('/providers/shadow')).json()) as { shadows: { comparisons: number; skipped: number; fields_mismatches: number }[] };
  const run = runs.shadows[0];
  const withShadow = summarizeLatencies(timed.a);
  const without = summarizeLatencies(timed.b);
  ctx.log(`list p50 with a shadow ${formatNumber(withShadow.p50Ms)} ms, without ${formatNumber(without.p50Ms)} ms; ${run?.comparisons ?? 0} comparisons, ${run?.skipped ?? 0} skipped, ${run?.fields_mismatches ?? 0} mismatches`);

  const assignStarted = performance.now();
  let toCandidate = 0;
  for (let index = 0; index < ASSIGNMENTS; index += 1) if (goesToCandidate(`key-${index}`, 25, 'runpod-next')) toCandidate += 1;
  const perAssignmentUs = ((performance.now() - assignStarted) * 1000) / ASSIGNMENTS;
  ctx.log(`ramp assignment: ${formatNumber(perAssignmentUs)} µs per key; ${toCandidate} of ${ASSIGNMENTS} to the candidate at 25 %`);
  return {
    metrics: [
      { key: 'listP50WithShadowMs', label: 'current adapter list p50, shadow running', value: withShadow.p50Ms, unit: 'ms' },
      { key: 'listP50WithoutShadowMs', label: 'current adapter list p50, no shadow (baseline, same run)', value: without.p50Ms, unit: 'ms' },
      { key: 'listP50Ratio', label: 'with / without', value: Math.round((withShadow.p50Ms / without.p50Ms) * 100) / 100, unit: '×' },
      { key: 'comparisons', label: 'shadow comparisons made', value: run?.comparisons ?? 0, unit: '' },
      { key: 'skipped', label: 'reads not mirrored (4 in flight already)', value: run?.skipped ?? 0, unit: '' },
      { key: 'mismatches', label: 'field mismatches (same account: expected 0)', value: run?.fields_mismatches ?? 0, unit: '' },
      { key: 'assignmentUs', label: 'ramp assignment per key', value: Math.round(perAssignmentUs * 1000) / 1000, unit: 'µs' },
      { key: 'candidateShareAt25', label: 'share of keys on the candidate at 25 %', value: Math.round((toCandidate / ASSIGNMENTS) * 10_000) / 100, unit: '%' },
    ],
    targets: [{ key: 'mismatches', label: 'shadow of the same account finds no mismatch', goal: '0', actual: String(run?.fields_mismatches ?? 0), met: (run?.fields_mismatches ?? 0) === 0 }],
  };
}

export const governanceShadowBenchmark: Benchmark = { name: 'governance-shadow', run: measureShadow };
