import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ControlPlaneSettingsSchema } from '../src/control-plane/config.js';
import { startControlPlane } from '../src/control-plane/control-plane.js';
import { createLogger } from '../src/control-plane/logger.js';
import { OrbStackConfigSchema } from '../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../src/providers/orbstack/orbstack-registration.js';
import type { BenchContext, BenchResult, Benchmark } from './benchmark.js';
import { type LatencySummary, summarizeLatencies } from './latency-stats.js';

/** The OrbStack local machines' boot time: what spawn -> running can never beat (the baseline). */
const BOOT_MS = 1_000;
const SPAWNS = 40;
const CONCURRENCY = 8;
/** The same run with the follower off (reconcile alone, every 5 s, as before): fewer spawns, each waits for a reconcile. */
const SPAWNS_WITHOUT_FOLLOWER = 16;

/**
 * spawn -> running as a client sees it: POST /v1/instances, then GET ?waitFor=running (the
 * long-poll), timed from the POST to the answer, against the OrbStack local driver with a fixed
 * boot time. Run once with the fresh-instance follower (the default) and once without it, each on a
 * control plane of its own, in process, on loopback, with the default reconcile interval.
 */
export const spawnRunningBenchmark: Benchmark = {
  name: 'spawn-running',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const followed = await measure(ctx, true, SPAWNS);
    ctx.log(`follower on: p50 ${followed.p50Ms.toFixed(0)} ms, p99 ${followed.p99Ms.toFixed(0)} ms (boot ${BOOT_MS} ms)`);
    const reconciled = await measure(ctx, false, SPAWNS_WITHOUT_FOLLOWER);
    ctx.log(`follower off: p50 ${reconciled.p50Ms.toFixed(0)} ms, p99 ${reconciled.p99Ms.toFixed(0)} ms`);
    const overP50 = followed.p50Ms - BOOT_MS;
    const ms = (value: number) => Math.round(value);
    return {
      metrics: [
        { key: 'bootMs', label: 'configured boot time (baseline)', value: BOOT_MS, unit: 'ms' },
        { key: 'p50Ms', label: `spawn -> running p50, follower on (${followed.count} spawns)`, value: ms(followed.p50Ms), unit: 'ms' },
        { key: 'p99Ms', label: 'spawn -> running p99, follower on', value: ms(followed.p99Ms), unit: 'ms' },
        { key: 'p50OverBootMs', label: 'p50 over the boot time, follower on', value: ms(overP50), unit: 'ms' },
        { key: 'p50RatioToBoot', label: 'p50 / boot time, follower on', value: Math.round((followed.p50Ms / BOOT_MS) * 100) / 100, unit: 'x' },
        { key: 'p50NoFollowerMs', label: `spawn -> running p50, follower off (${reconciled.count} spawns)`, value: ms(reconciled.p50Ms), unit: 'ms' },
        { key: 'p99NoFollowerMs', label: 'spawn -> running p99, follower off', value: ms(reconciled.p99Ms), unit: 'ms' },
        { key: 'p50RatioToBootNoFollower', label: 'p50 / boot time, follower off', value: Math.round((reconciled.p50Ms / BOOT_MS) * 100) / 100, unit: 'x' },
      ],
      targets: [
        { key: 'p50OverBoot', label: 'spawn -> running p50 over the boot time', goal: '< 300 ms', actual: `${ms(overP50)} ms`, met: overP50 < 300 },
      ],
    };
  },
};

async function measure(ctx: BenchContext, follower: boolean, spawns: number): Promise<LatencySummary> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-spawn-running-'));
  ctx.defer(() => rm(dir, { recursive: true, force: true }));
  const orbstack = createOrbStackRegistration(
    OrbStackConfigSchema.parse({
      seed: 11,
      bootDelayMs: { min: BOOT_MS, max: BOOT_MS },
      terminateDelayMs: { min: 0, max: 0 },
      capacityPerZone: { default: 10_000 },
    }),
    { dataDir: dir },
  );
  const settings = ControlPlaneSettingsSchema.parse({ dataDir: dir, port: 0, follow: { enabled: follower } });
  const plane = await startControlPlane({ settings, registrations: [orbstack], logger: createLogger('warn') });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await plane.close();
  };
  ctx.defer(close);
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < spawns) {
      next += 1;
      const startedAt = performance.now();
      const posted = await fetch(`${plane.url}/v1/instances`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'orbstack', instanceType: 'orb.nano' }),
      });
      const { id } = (await posted.json()) as { id: string };
      const waited = await fetch(`${plane.url}/v1/instances/${id}?waitFor=running&timeout=60`);
      const { status } = (await waited.json()) as { status: string };
      if (status !== 'running') throw new Error(`${id} is ${status} after the wait (${waited.headers.get('Hangar-Wait') ?? 'not timed out'})`);
      samples.push(performance.now() - startedAt);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await close();
  return summarizeLatencies(samples);
}
