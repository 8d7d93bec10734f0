import { performance } from 'node:perf_hooks';
import { bootstrapOutput } from '../src/contracts/index.js';
import { DOCUMENTED_RATE_LIMITS } from '../src/emulators/runpod/runpod-emulator-options.js';
import { startRunPodEmulator } from '../src/emulators/runpod/start-runpod-emulator.js';
import { RunPodConfigSchema } from '../src/providers/runpod/runpod-config.js';
import { createRunPodRegistration } from '../src/providers/runpod/runpod-registration.js';
import type { BenchContext, BenchResult, Benchmark } from './benchmark.js';
import { formatNumber } from './report.js';

const SPAWNS = 20;
const POLL_MS = 1_000;
const BOOT = { provisioning: 2_000, starting: 1_000 };
const API_KEY = 'rpa_BENCH00000000000000000000000000';
/** Within this of the bound counts as "the pacer wastes nothing the limit does not force". */
const RATIO_TARGET = 1.15;

/**
 * 20 pods spawned at once through the provider and watched until each runs (one `get` per pod per
 * second, as a client without a reconciler would), against the emulator with RunPod's documented
 * REST v2 limits in force (60/minute, 3000/hour, 50000/day). The bound is what those limits force
 * for the requests actually sent: with N requests and a 60-request minute window, everything past
 * the first 60 waits for the window to reset; and no pod runs before it has booted.
 */
export const runPodSpawnBenchmark: Benchmark = {
  name: 'runpod-spawns',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const emulator = await startRunPodEmulator({ seed: 7, apiKeys: [API_KEY], bootDelayMs: BOOT, rateLimits: DOCUMENTED_RATE_LIMITS, stock: { default: 64 } });
    ctx.defer(() => emulator.close());
    const statuses = new Map<number, number>();
    let requests = 0;
    const counting: typeof fetch = async (input, init) => {
      requests += 1;
      const response = await fetch(input, init);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      return response;
    };
    const registration = createRunPodRegistration(RunPodConfigSchema.parse({ maxPaceWaitMs: 120_000 }), {
      env: { RUNPOD_API_KEY: API_KEY, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
      fetch: counting,
    });
    const provider = registration.provider;
    ctx.log(`${SPAWNS} spawns at once, each watched until running; limits ${DOCUMENTED_RATE_LIMITS.map((w) => `${w.quota}/${w.name}`).join(', ')}`);
    const startedAt = performance.now();
    const spawnDoneAt: number[] = [];
    await Promise.all(
      Array.from({ length: SPAWNS }, async (_, index) => {
        const instanceId = `i_bench_${index}`;
        const pod = await provider.spawn({
          instanceType: 'NVIDIA GeForce RTX 4090',
          region: 'US-KS-2',
          zone: null,
          spot: false,
          image: null,
          name: `bench-${index}`,
          tags: { bench: 'runpod-spawns' },
          bootstrap: bootstrapOutput(`#!/bin/sh\necho ${index}\n`, 'shell'),
          idempotencyToken: instanceId,
          ownership: { owner: 'bench', instanceId },
        });
        spawnDoneAt.push(performance.now() - startedAt);
        for (;;) {
          const current = await provider.get(pod.providerId);
          if (current?.status === 'running') return;
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      }),
    );
    const wallMs = performance.now() - startedAt;
    const minute = DOCUMENTED_RATE_LIMITS[0] as (typeof DOCUMENTED_RATE_LIMITS)[number];
    const windowsWaited = Math.max(0, Math.ceil((requests - minute.quota) / minute.quota));
    const boundMs = Math.max(BOOT.provisioning + BOOT.starting, windowsWaited * minute.windowMs);
    const ratio = wallMs / boundMs;
    const rejected = statuses.get(429) ?? 0;
    ctx.log(`done in ${formatNumber(wallMs / 1000)} s: ${requests} requests, ${rejected} answered 429`);
    return {
      metrics: [
        { key: 'wallSeconds', label: `${SPAWNS} spawns until all running`, value: wallMs / 1000, unit: 's' },
        { key: 'spawnCallsSeconds', label: `last of the ${SPAWNS} spawn calls returned after`, value: Math.max(...spawnDoneAt) / 1000, unit: 's' },
        { key: 'requests', label: 'REST v2 requests sent (replay lists, creates, gets)', value: requests, unit: 'requests' },
        { key: 'rejected', label: 'requests answered 429', value: rejected, unit: 'requests' },
        { key: 'boundSeconds', label: 'theoretical bound for those requests under 60/minute (and the boot time)', value: boundMs / 1000, unit: 's' },
        { key: 'ratio', label: 'wall time / bound', value: ratio, unit: 'x' },
      ],
      targets: [
        { key: 'noRejections', label: 'a burst is paced, never rejected', goal: '0 × 429', actual: `${rejected} × 429`, met: rejected === 0 },
        { key: 'ratio', label: 'close to the rate-limit bound', goal: `≤ ${RATIO_TARGET}× bound`, actual: `${formatNumber(ratio)}×`, met: ratio <= RATIO_TARGET },
      ],
    };
  },
};
