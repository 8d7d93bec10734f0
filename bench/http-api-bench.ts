import type { BenchContext, Benchmark, BenchResult, Metric } from './benchmark.js';
import { startControlPlaneProcess } from './control-plane-process.js';
import { KeepAliveClient } from './keep-alive-client.js';
import { generateLoad, type LoadResult } from './load-generator.js';
import { formatNumber } from './report.js';
import { startServerProcess } from './server-process.js';
import { type SpawnResult, spawnInstances } from './spawn-instances.js';
import { spawnToRunning } from './spawn-to-running.js';

/** One setting for both servers, so the ratio compares routes and not load shapes. */
const LOAD = { concurrency: 32, warmupMs: 1_000, durationMs: 5_000 };
const INSTANCE_COUNT = 10_000;
const SPAWN_CONCURRENCY = 32;
const SPAWN_WALL_TARGET_MS = 30_000;
const READ_RATIO_TARGET_PCT = 40;

const MACHINES = { orbstack: { bootDelayMs: { min: 50, max: 200 }, terminateDelayMs: { min: 0, max: 0 } } };
/** Reconciling every 100 ms makes spawn -> running quick to observe; it is far more often than production would. */
const SPAWN_CONFIG = { reconcile: { reconcileIntervalMs: 100 }, providers: MACHINES };
/** Reads are measured at the default reconcile interval (5 s), the control plane as it runs by default. */
const READ_CONFIG = { providers: MACHINES };
const SPAWN_REQUEST = { provider: 'orbstack', instanceType: 'orb.small' };

/**
 * The HTTP API against its ceiling: a bare Hono route, then the control plane spawning 10,000
 * instances, their spawn -> running times, and single-instance reads under the bare route's load.
 */
export const httpApiBenchmark: Benchmark = {
  name: 'http-api',
  async run(ctx: BenchContext): Promise<BenchResult> {
    ctx.log(`bare Hono route: ${LOAD.concurrency} workers, ${LOAD.warmupMs} ms warm-up + ${LOAD.durationMs} ms`);
    const bare = await measureBareRoute(ctx);
    ctx.log(`bare Hono POST route: ${INSTANCE_COUNT} requests, ${SPAWN_CONCURRENCY} at a time`);
    const barePost = await measureBarePost(ctx);

    ctx.log('starting the control plane');
    const plane = await startControlPlaneProcess(ctx, SPAWN_CONFIG);
    ctx.log(`spawning ${INSTANCE_COUNT} instances, ${SPAWN_CONCURRENCY} at a time, and waiting for running`);
    const { spawn, running, allRunningMs } = await spawnToRunning({
      port: plane.port,
      count: INSTANCE_COUNT,
      concurrency: SPAWN_CONCURRENCY,
      request: SPAWN_REQUEST,
      pollIntervalMs: 100,
      runningTimeoutMs: 120_000,
    });

    ctx.log('restarting the control plane on the same data dir with default reconciliation');
    await plane.stop();
    const reader = await startControlPlaneProcess(ctx, READ_CONFIG, plane.dir);
    ctx.log('GET /v1/instances/:id under the same load');
    const ids = spawn.ids;
    const reads = await generateLoad({
      port: reader.port,
      ...LOAD,
      nextPath: () => `/v1/instances/${ids[Math.floor(Math.random() * ids.length)]}`,
    });
    throwOnFailures('control plane GET /v1/instances/:id', reads);
    const ratioPct = (reads.requestsPerSecond / bare.requestsPerSecond) * 100;
    const spawnVsBarePct = (spawn.requestsPerSecond / barePost.requestsPerSecond) * 100;

    const metrics: Metric[] = [
      ...loadMetrics('bare', 'bare Hono GET /x/:id', bare),
      { key: 'spawn.count', label: 'spawn: instances accepted (202)', value: spawn.ids.length, unit: '' },
      { key: 'spawn.wallSeconds', label: 'spawn: wall time, all accepted', value: spawn.wallMs / 1000, unit: 's' },
      { key: 'spawn.rps', label: 'spawn: POST /v1/instances', value: spawn.requestsPerSecond, unit: 'req/s' },
      { key: 'barePost.rps', label: 'bare Hono POST (parse JSON, 202), same load', value: barePost.requestsPerSecond, unit: 'req/s' },
      { key: 'barePost.p50Ms', label: 'bare Hono POST latency p50', value: barePost.latency.p50Ms, unit: 'ms' },
      { key: 'spawn.vsBarePostPct', label: 'spawn rps / bare POST rps', value: spawnVsBarePct, unit: '%' },
      { key: 'spawn.p50Ms', label: 'spawn: POST latency p50', value: spawn.latency.p50Ms, unit: 'ms' },
      { key: 'spawn.p99Ms', label: 'spawn: POST latency p99', value: spawn.latency.p99Ms, unit: 'ms' },
      { key: 'running.p50Ms', label: 'spawn -> running p50', value: running.latency.p50Ms, unit: 'ms' },
      { key: 'running.p99Ms', label: 'spawn -> running p99', value: running.latency.p99Ms, unit: 'ms' },
      { key: 'running.maxMs', label: 'spawn -> running max', value: running.latency.maxMs, unit: 'ms' },
      { key: 'running.allSeconds', label: 'first POST -> all running', value: allRunningMs / 1000, unit: 's' },
      { key: 'running.listPages', label: 'running: list pages fetched while polling', value: running.pageRequests, unit: '' },
      ...loadMetrics('get', 'control plane GET /v1/instances/:id', reads),
      { key: 'get.vsBarePct', label: 'control plane GET rps / bare rps', value: ratioPct, unit: '%' },
    ];
    return {
      metrics,
      targets: [
        {
          key: 'spawn.wall',
          label: `${formatNumber(INSTANCE_COUNT)} spawns accepted in`,
          goal: `< ${SPAWN_WALL_TARGET_MS / 1000} s`,
          actual: `${formatNumber(spawn.wallMs / 1000)} s`,
          met: spawn.wallMs < SPAWN_WALL_TARGET_MS,
        },
        {
          key: 'get.vsBare',
          label: 'GET /v1/instances/:id vs bare route',
          goal: `>= ${READ_RATIO_TARGET_PCT}%`,
          actual: `${formatNumber(ratioPct)}%`,
          met: ratioPct >= READ_RATIO_TARGET_PCT,
        },
      ],
    };
  },
};

/** The bare POST route under the spawn's own load shape: as many requests, as many at a time, the same body. */
async function measureBarePost(ctx: BenchContext): Promise<SpawnResult> {
  const server = await startServerProcess({ name: 'bare Hono POST server', entry: 'bench/bare-hono-post-server.ts' });
  ctx.defer(() => server.stop());
  const client = new KeepAliveClient({ port: server.port, maxSockets: SPAWN_CONCURRENCY, timeoutMs: 10_000 });
  try {
    return await spawnInstances(client, {
      count: INSTANCE_COUNT,
      concurrency: SPAWN_CONCURRENCY,
      request: SPAWN_REQUEST,
      onAccepted: () => undefined,
      signal: new AbortController().signal,
    });
  } finally {
    client.close();
    // Stopped now, so it takes no CPU from the control plane measured next.
    await server.stop();
  }
}

async function measureBareRoute(ctx: BenchContext): Promise<LoadResult> {
  const server = await startServerProcess({ name: 'bare Hono server', entry: 'bench/bare-hono-server.ts' });
  ctx.defer(() => server.stop());
  let next = 0;
  const result = await generateLoad({ port: server.port, ...LOAD, nextPath: () => `/x/i-${(next++ % 10_000).toString(36)}` });
  throwOnFailures('bare Hono GET /x/:id', result);
  // Stopped now, not at the end, so it takes no CPU from the control plane measured next.
  await server.stop();
  return result;
}

function throwOnFailures(what: string, result: LoadResult): void {
  if (result.failures > 0) throw new Error(`${what}: ${result.failures} failed requests, first: ${result.firstFailure}`);
}

function loadMetrics(key: string, label: string, result: LoadResult): Metric[] {
  return [
    { key: `${key}.rps`, label, value: result.requestsPerSecond, unit: 'req/s' },
    { key: `${key}.p50Ms`, label: `${label} p50`, value: result.latency.p50Ms, unit: 'ms' },
    { key: `${key}.p99Ms`, label: `${label} p99`, value: result.latency.p99Ms, unit: 'ms' },
    { key: `${key}.requests`, label: `${label} requests measured`, value: result.requests, unit: '' },
  ];
}
