import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bootstrapOutput } from '../src/contracts/index.js';
import { ControlPlaneSettingsSchema } from '../src/control-plane/config.js';
import { createControlPlane } from '../src/control-plane/control-plane.js';
import { createLogger } from '../src/control-plane/logger.js';
import { startEc2Emulator } from '../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../src/providers/aws/aws-config.js';
import { createAwsRegistration } from '../src/providers/aws/aws-registration.js';
import type { BenchContext, BenchResult, Benchmark, Metric, Target } from './benchmark.js';
import { formatNumber } from './report.js';

const MACHINES = 10_000;
const CONCURRENT_GETS = [1_000, 10_000];
const SPAWN_CONCURRENCY = 64;

/** Requests per EC2 Action between two readings of the emulator's counters. */
function callsSince(calls: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [action, count] of calls) {
    const added = count - (before.get(action) ?? 0);
    if (added > 0) delta[action] = added;
  }
  return delta;
}

const describe = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([action, count]) => `${action} ${count}`)
    .join(', ') || 'none';

/**
 * EC2 API economy, counted at the emulator (the server side, so nothing the client batches or
 * retries can hide): the requests one reconcile of 10,000 owned instances costs, and the
 * DescribeInstances calls N concurrent gets coalesce into.
 */
export const awsApiCallsBenchmark: Benchmark = {
  name: 'aws-api-calls',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const metrics: Metric[] = [];
    const targets: Target[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-aws-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    const emulator = await startEc2Emulator({ seed: 11, bootDelayMs: 0, terminateDelayMs: 0, capacity: { default: MACHINES * 2 } });
    ctx.defer(() => emulator.close());
    const config = AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: emulator.url, pricing: { enabled: false } });
    const registration = createAwsRegistration(config, { credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' } });
    const plane = await createControlPlane({
      settings: ControlPlaneSettingsSchema.parse({ dataDir: dir, logLevel: 'silent' }),
      registrations: [registration],
      logger: createLogger('silent'),
    });
    ctx.defer(() => plane.close());
    const { provider } = registration;

    ctx.log(`launching ${MACHINES} owned instances on the emulator`);
    const launchStarted = performance.now();
    const ids: string[] = [];
    for (let start = 0; start < MACHINES; start += SPAWN_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(SPAWN_CONCURRENCY, MACHINES - start) }, (_, offset) => {
        const id = `i_bench_${start + offset}`;
        return provider.spawn({
          instanceType: 't3.micro',
          region: 'us-east-1',
          zone: null,
          spot: false,
          image: null,
          name: id,
          tags: {},
          bootstrap: bootstrapOutput('#cloud-config\n', 'cloud-config'),
          idempotencyToken: id,
          ownership: { owner: 'hangar', instanceId: id },
        });
      });
      ids.push(...(await Promise.all(batch)).map((instance) => instance.providerId));
    }
    metrics.push({ key: 'launchMs', label: `launch ${formatNumber(MACHINES)} instances (RunInstances each)`, value: performance.now() - launchStarted, unit: 'ms' });

    // The first reconcile adopts every machine as a row; the second is the steady state the target is about.
    ctx.log('reconciling: adoption cycle, then a steady cycle');
    for (const cycle of ['adoption', 'steady'] as const) {
      const before = new Map(emulator.calls);
      const started = performance.now();
      const [report] = await plane.reconcileNow('aws');
      if (!report || 'error' in report) throw new Error(`reconcile failed: ${report && 'error' in report ? report.error : 'no report'}`);
      const calls = callsSince(emulator.calls, before);
      const total = Object.values(calls).reduce((sum, count) => sum + count, 0);
      metrics.push(
        { key: `reconcile.${cycle}.wallMs`, label: `reconcile of ${formatNumber(MACHINES)}, ${cycle} cycle: wall time`, value: performance.now() - started, unit: 'ms' },
        { key: `reconcile.${cycle}.calls`, label: `reconcile of ${formatNumber(MACHINES)}, ${cycle}: EC2 calls (${describe(calls)})`, value: total, unit: 'calls' },
      );
      if (cycle === 'steady') {
        const expected = Math.ceil(MACHINES / 1000);
        targets.push({
          key: 'reconcile.calls',
          label: `EC2 calls per reconcile of ${formatNumber(MACHINES)}`,
          goal: `= ${expected} DescribeInstances, nothing else`,
          actual: describe(calls),
          met: calls.DescribeInstances === expected && total === expected,
        });
      }
    }

    for (const count of CONCURRENT_GETS) {
      ctx.log(`${count} concurrent gets`);
      const before = new Map(emulator.calls);
      const started = performance.now();
      const found = await Promise.all(ids.slice(0, count).map((id) => provider.get(id)));
      const wallMs = performance.now() - started;
      if (found.some((instance) => instance === null)) throw new Error('a get came back empty');
      const calls = callsSince(emulator.calls, before);
      const expected = Math.ceil(count / 500);
      metrics.push(
        { key: `gets.${count}.wallMs`, label: `${formatNumber(count)} concurrent gets: wall time`, value: wallMs, unit: 'ms' },
        { key: `gets.${count}.calls`, label: `${formatNumber(count)} concurrent gets: EC2 calls (${describe(calls)})`, value: calls.DescribeInstances ?? 0, unit: 'calls' },
      );
      targets.push({
        key: `gets.${count}.calls`,
        label: `DescribeInstances calls for ${formatNumber(count)} concurrent gets`,
        goal: `<= ${expected}`,
        actual: describe(calls),
        met: (calls.DescribeInstances ?? 0) <= expected && Object.keys(calls).length === 1,
      });
    }
    return { metrics, targets };
  },
};
