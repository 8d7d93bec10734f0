import { describe, expect, it } from 'vitest';
import { startEc2Emulator } from '../../src/emulators/ec2/start-ec2-emulator.js';
import { startLambdaLabsEmulator } from '../../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { startRunPodEmulator } from '../../src/emulators/runpod/start-runpod-emulator.js';
import { type CrashStormResult, type CrashTarget, emulatorCrashTarget, orbstackCrashTarget, runCrashStorm } from '../support/crash-storm.js';
import { makeTempDir } from '../support/temp-dir.js';

const SEED = 2026;

interface StormTarget {
  name: string;
  /** Starts what the target needs beside the control plane; `stop` ends it after the storm. */
  start(dataDir: string): Promise<{ target: CrashTarget; stop(): Promise<void> }>;
}

const TARGETS: readonly StormTarget[] = [
  {
    name: 'orbstack (chaos inside the provider)',
    start: async (dataDir) => ({ target: orbstackCrashTarget(dataDir, SEED), stop: async () => {} }),
  },
  {
    name: 'aws (chaos inside the EC2 emulator, with eventual consistency)',
    async start() {
      const emulator = await startEc2Emulator({
        seed: SEED,
        bootDelayMs: 200,
        terminateDelayMs: 300,
        // New instances are unknown to DescribeInstances for a while, as on EC2.
        consistencyLagMs: 300,
        capacity: { default: 1_000 },
      });
      const target = emulatorCrashTarget(emulator.url, {
        provider: 'aws',
        instanceType: 't3.micro',
        config: { regions: ['us-east-1'], endpoint: emulator.url, pricing: { enabled: false } },
        env: { AWS_ACCESS_KEY_ID: 'AKIAEMULATOR', AWS_SECRET_ACCESS_KEY: 'emulator-secret' },
      });
      return { target, stop: () => emulator.close() };
    },
  },
  {
    name: 'lambda-labs (chaos inside the Lambda Cloud emulator, launches not idempotent)',
    async start() {
      const apiKey = 'crash-storm-key';
      const emulator = await startLambdaLabsEmulator({
        seed: SEED,
        apiKeys: [apiKey],
        bootDelayMs: 200,
        terminateDelayMs: 300,
        capacity: { default: 1_000 },
        instanceQuota: 1_000,
        // The vendor's limits scaled down 100-fold, enforced on both sides as in production.
        rateLimits: { requestIntervalMs: 10, launchIntervalMs: 120, toleranceMs: 2 },
      });
      const target = emulatorCrashTarget(emulator.url, {
        provider: 'lambda-labs',
        instanceType: 'gpu_1x_a10',
        config: { sshKeyName: 'hangar-emulator', regions: ['us-east-1'], rateLimits: { requestIntervalMs: 10, launchIntervalMs: 120, guardMs: 2 } },
        env: { LAMBDA_API_KEY: apiKey, HANGAR_LAMBDA_LABS_URL: emulator.url },
      });
      return { target, stop: () => emulator.close() };
    },
  },
  {
    name: 'runpod (chaos inside the RunPod emulator, REST v2)',
    async start() {
      const apiKey = 'rpa_crash_storm';
      const emulator = await startRunPodEmulator({
        seed: SEED,
        apiKeys: [apiKey],
        bootDelayMs: { provisioning: 100, starting: 100 },
        stock: { default: 1_000 },
        rateLimits: [{ name: 'minute', quota: 100_000, windowMs: 60_000 }],
      });
      const target = emulatorCrashTarget(emulator.url, {
        provider: 'runpod',
        instanceType: 'NVIDIA GeForce RTX 4090',
        config: {},
        env: { RUNPOD_API_KEY: apiKey, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
      });
      return { target, stop: () => emulator.close() };
    },
  },
];

function report(name: string, result: CrashStormResult): void {
  process.stdout.write(
    `crash storm [${name}]: ${result.operations} operations, ${result.kills} SIGKILLs, ${result.spawnsAccepted} spawns and ` +
      `${result.terminatesAccepted} terminates accepted, ${result.rows} rows, ${result.machines} machines, settled in ${result.settleMs} ms\n` +
      `  healed: ${JSON.stringify(result.healed)}\n` +
      `  leaked machines: ${result.leaked}\n  silently lost rows: ${result.silentlyLost}\n` +
      `  idempotency keys with two machines: ${result.keysWithTwoMachines}\n  terminated but still present: ${result.terminatedButPresent}\n`,
  );
}

describe('the crash test', () => {
  it.each(TARGETS)('loses and leaks nothing across 10+ SIGKILLs during a storm of 200+ operations under chaos: $name', async ({ name, start }) => {
    const dir = makeTempDir('crash-storm');
    const { target, stop } = await start(dir.path);
    try {
      const result = await runCrashStorm({ dataDir: dir.path, target, seed: SEED, operations: 240, kills: 12, concurrency: 4 });
      report(name, result);
      expect(result.kills).toBeGreaterThanOrEqual(10);
      expect(result.operations).toBeGreaterThanOrEqual(200);
      expect(result.spawnsAccepted).toBeGreaterThan(50);
      // The storm must have exercised the healing paths, or the invariants prove little.
      expect(result.healed.adopted + result.healed.orphansCollected).toBeGreaterThan(0);
      expect({
        leaked: result.leaked,
        silentlyLost: result.silentlyLost,
        keysWithTwoMachines: result.keysWithTwoMachines,
        terminatedButPresent: result.terminatedButPresent,
      }).toEqual({ leaked: 0, silentlyLost: 0, keysWithTwoMachines: 0, terminatedButPresent: 0 });
    } finally {
      await stop();
      dir.remove();
    }
  }, 240_000);
});
