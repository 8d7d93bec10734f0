import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startLambdaLabsEmulator } from '../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { LambdaLabsConfigSchema } from '../src/providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration } from '../src/providers/lambda-labs/lambda-labs-registration.js';
import type { BenchContext, BenchResult, Benchmark } from './benchmark.js';

const SPAWNS = 20;
/** The vendor's limits, in force on both sides: 1 request/s, 1 launch per 12 s. */
const REQUEST_INTERVAL_MS = 1_000;
const LAUNCH_INTERVAL_MS = 12_000;

/**
 * 20 spawns through the Lambda Labs provider against its emulator with Lambda's real rate limits.
 * The launch limit makes the bound (n - 1) x 12 s after the first launch: what is measured is how
 * close the provider's pacing gets to it without a single 429.
 */
export const lambdaLabsSpawnBenchmark: Benchmark = {
  name: 'lambda-labs-spawns',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const apiKey = `bench-${randomUUID()}`;
    const emulator = await startLambdaLabsEmulator({
      apiKeys: [apiKey],
      capacity: { default: SPAWNS * 2 },
      bootDelayMs: 1_000,
      rateLimits: { requestIntervalMs: REQUEST_INTERVAL_MS, launchIntervalMs: LAUNCH_INTERVAL_MS },
    });
    ctx.defer(() => emulator.close());
    const registration = createLambdaLabsRegistration(
      LambdaLabsConfigSchema.parse({ sshKeyName: 'hangar-emulator', regions: ['us-east-1'] }),
      { env: { LAMBDA_API_KEY: apiKey, HANGAR_LAMBDA_LABS_URL: emulator.url } },
    );
    ctx.defer(() => registration.hooks.onShutdown?.());
    const { provider } = registration;
    const bootstrap = provider.generateBootstrap({ instanceId: 'bench', script: 'true' });

    ctx.log(`${SPAWNS} concurrent spawns at 1 request/s and 1 launch/12 s (about ${((SPAWNS - 1) * LAUNCH_INTERVAL_MS) / 1000} s)`);
    const startedAt = performance.now();
    const launchTimes: number[] = [];
    await Promise.all(
      Array.from({ length: SPAWNS }, async (_, index) => {
        const instanceId = `i-bench-${index}`;
        await provider.spawn({
          instanceType: 'gpu_1x_a10',
          region: 'us-east-1',
          zone: null,
          spot: false,
          image: null,
          name: `bench-${index}`,
          tags: {},
          bootstrap,
          idempotencyToken: instanceId,
          ownership: { owner: 'bench', instanceId },
        });
        launchTimes.push(performance.now() - startedAt);
        if (launchTimes.length % 5 === 0) ctx.log(`${launchTimes.length}/${SPAWNS} launched after ${(launchTimes.at(-1) ?? 0) / 1000} s`);
      }),
    );
    const totalMs = performance.now() - startedAt;
    launchTimes.sort((a, b) => a - b);
    const first = launchTimes[0] ?? 0;
    const last = launchTimes.at(-1) ?? 0;
    const boundMs = (SPAWNS - 1) * LAUNCH_INTERVAL_MS;
    const refused = emulator.gate?.refused ?? { requests: 0, launches: 0 };
    const launches = emulator.exchanges.filter((exchange) => exchange.path === '/api/v1/instance-operations/launch').length;
    const ratio = (last - first) / boundMs;
    return {
      metrics: [
        { key: 'totalSeconds', label: `${SPAWNS} spawns, first call to last launch answered`, value: Math.round(totalMs / 100) / 10, unit: 's' },
        { key: 'firstLaunchSeconds', label: 'first spawn returned after', value: Math.round(first / 100) / 10, unit: 's' },
        { key: 'launchesPerMinute', label: 'launches per minute (first to last launch)', value: Math.round(((SPAWNS - 1) / ((last - first) / 60_000)) * 100) / 100, unit: '/min' },
        { key: 'boundSeconds', label: 'theoretical bound: (n - 1) x 12 s', value: boundMs / 1000, unit: 's' },
        { key: 'ratioToBound', label: 'first-to-last launch / bound', value: Math.round(ratio * 1000) / 1000, unit: 'x' },
        { key: 'requests', label: 'requests the emulator served', value: emulator.exchanges.length, unit: '' },
        { key: 'launchCalls', label: 'launch calls', value: launches, unit: '' },
        { key: 'refused429', label: 'requests refused with 429', value: refused.requests + refused.launches, unit: '' },
      ],
      targets: [
        { key: 'no429', label: 'no request throttled', goal: '0', actual: String(refused.requests + refused.launches), met: refused.requests + refused.launches === 0 },
        { key: 'nearBound', label: 'pacing within 3 % of the launch bound', goal: '<= 1.03x', actual: `${ratio.toFixed(3)}x`, met: ratio <= 1.03 },
      ],
    };
  },
};
