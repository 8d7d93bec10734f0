import { describe, expect, it } from 'vitest';
import { startEc2Emulator } from '../../src/emulators/ec2/start-ec2-emulator.js';
import { startLambdaLabsEmulator } from '../../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { startRunPodEmulator } from '../../src/emulators/runpod/start-runpod-emulator.js';
import {
  type CrashStormOptions,
  type CrashStormResult,
  type CrashTarget,
  emulatorCrashTarget,
  orbstackCrashTarget,
  runCrashStorm,
} from '../support/crash-storm.js';
import { makeTempDir } from '../support/temp-dir.js';

const SEED = 2026;

/** What one case drives: the providers the control plane enables, and how its spawns are made. */
type Storm = Pick<CrashStormOptions, 'targets' | 'placement' | 'config'>;

interface StormTarget {
  /** The file that runs it: tests/crash/crash-storm-<id>.test.ts (one file per target, so the storms spread over the workers). */
  id: string;
  name: string;
  /** SIGKILLs in the storm (default 12); each restart costs a few seconds of start-up. */
  kills?: number;
  /** Starts what the target needs beside the control plane; `stop` ends it after the storm. */
  start(dataDir: string): Promise<{ storm: Storm; stop(): Promise<void> }>;
}

const single = (target: CrashTarget): Storm => ({ targets: [target] });

const RUNPOD_API_KEY = 'rpa_crash_storm';

function startRunPod(seed: number) {
  return startRunPodEmulator({
    seed,
    apiKeys: [RUNPOD_API_KEY],
    bootDelayMs: { provisioning: 100, starting: 100 },
    stock: { default: 1_000 },
    rateLimits: [{ name: 'minute', quota: 100_000, windowMs: 60_000 }],
  });
}

function runpodTarget(emulator: Awaited<ReturnType<typeof startRunPod>>, options: { capacityErrors?: number } = {}): CrashTarget {
  return emulatorCrashTarget(
    emulator.url,
    {
      provider: 'runpod',
      instanceType: 'NVIDIA GeForce RTX 4090',
      config: {},
      env: { RUNPOD_API_KEY, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
    },
    options,
  );
}

/**
 * One vCPU, at most 1 GiB, at most $0.50/h: OrbStack's orb.nano in local-1 and local-2 ($0.0042/h)
 * rank first, then RunPod's RTX A6000 pods ($0.49/h; a GPU pod's vCPUs and memory are floors of 1 per
 * GPU) in three data centers; with spot preferred, both providers' spot offers before them. A chain
 * starts on OrbStack unless the capacity-error cache holds its slices; a refusal there fails over to RunPod.
 */
const SMALL_MACHINE = { vcpus: { max: 1 }, memoryGiB: { max: 1 }, maxPricePerHour: 0.5 };

const TARGETS: readonly StormTarget[] = [
  {
    id: 'orbstack',
    name: 'orbstack (chaos inside the provider)',
    start: async (dataDir) => ({ storm: single(orbstackCrashTarget(dataDir, SEED)), stop: async () => {} }),
  },
  {
    id: 'aws',
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
      return { storm: single(target), stop: () => emulator.close() };
    },
  },
  {
    id: 'lambda-labs',
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
      return { storm: single(target), stop: () => emulator.close() };
    },
  },
  {
    id: 'runpod',
    name: 'runpod (chaos inside the RunPod emulator, REST v2)',
    async start() {
      const emulator = await startRunPod(SEED);
      return { storm: single(runpodTarget(emulator)), stop: () => emulator.close() };
    },
  },
  {
    id: 'placement',
    name: 'placement across orbstack + runpod (requirement spawns, CAPACITY_ERROR 0.3 on both, chains fail over between providers)',
    // Two providers start with every life of the control plane: 10 kills keep the case near a minute on 2 cores.
    kills: 10,
    async start(dataDir) {
      const emulator = await startRunPod(SEED);
      const capacity = { capacityErrors: 0.3 };
      return {
        storm: {
          targets: [orbstackCrashTarget(dataDir, SEED, capacity), runpodTarget(emulator, capacity)],
          placement: {
            share: 0.75,
            profiles: [
              // One refusal per provider: a refusal on OrbStack moves the chain to RunPod at once.
              { requirements: SMALL_MACHINE, placement: { maxAttemptsPerProvider: 1 } },
              // The default policy: OrbStack's two regions first, then RunPod's data centers.
              { requirements: { ...SMALL_MACHINE, providers: ['orbstack', 'runpod'] } },
              // Spot preferred: OrbStack's simulated spot market first; a refusal there fails over to RunPod's interruptible pods.
              { requirements: { ...SMALL_MACHINE, spot: 'preferred' }, placement: { maxAttemptsPerProvider: 1 } },
            ],
          },
          // The capacity-error cache stays in the loop, but short-lived, so OrbStack keeps ranking first.
          config: { placement: { capacityErrors: { ttlMs: 300 } } },
        },
        stop: () => emulator.close(),
      };
    },
  },
];

function report(name: string, result: CrashStormResult, ms: number): void {
  const { placement } = result;
  process.stdout.write(
    `crash storm [${name}]: ${result.operations} operations, ${result.kills} SIGKILLs, ${result.spawnsAccepted} spawns and ` +
      `${result.terminatesAccepted} terminates accepted, ${result.rows} rows, ${result.machines} machines ${JSON.stringify(result.machinesByProvider)}, ` +
      `settled in ${result.settleMs} ms, ${ms} ms in all\n` +
      `  healed: ${JSON.stringify(result.healed)}\n` +
      (placement.spawnsAccepted + Object.keys(placement.chains).length > 0
        ? `  placement: ${placement.spawnsAccepted} spawns by requirements accepted (${placement.interrupted} cut off by a kill), chains ${JSON.stringify(placement.chains)}, ` +
          `placed ${JSON.stringify(placement.placedByProvider)} (${placement.placedOnSpot} on spot), ${placement.crossProviderPlaced} placed on another provider than their first attempt's, ` +
          `${placement.crossProviderEscalations} next-provider escalations, ${placement.attempts} attempts (${placement.refusedAttempts} refused, ${placement.unknownAttempts} unknown and resumed)\n`
        : '') +
      `  leaked machines: ${result.leaked}\n  silently lost rows: ${result.silentlyLost}\n` +
      `  idempotency keys with two machines: ${result.keysWithTwoMachines}\n  terminated but still present: ${result.terminatedButPresent}\n`,
  );
}

/** Registers the crash test of one target (its own file, so the storms run beside the rest of the suite). */
export function crashStormTest(id: string): void {
  const target = TARGETS.find((candidate) => candidate.id === id);
  if (target === undefined) throw new Error(`no crash storm target ${id}`);
  describe('the crash test', () => {
    it(`loses and leaks nothing across 10+ SIGKILLs during a storm of 200+ operations under chaos: ${target.name}`, () => runStorm(target), 240_000);
  });
}

async function runStorm({ name, kills = 12, start }: StormTarget): Promise<void> {
  const dir = makeTempDir('crash-storm');
  const { storm, stop } = await start(dir.path);
  const started = Date.now();
  try {
    const result = await runCrashStorm({ ...storm, dataDir: dir.path, seed: SEED, operations: 240, kills, concurrency: 4 });
    report(name, result, Date.now() - started);
    expect(result.kills).toBeGreaterThanOrEqual(10);
    expect(result.operations).toBeGreaterThanOrEqual(200);
    expect(result.spawnsAccepted).toBeGreaterThan(50);
    // The storm must have exercised the healing paths, or the invariants prove little.
    expect(result.healed.adopted + result.healed.orphansCollected).toBeGreaterThan(0);
    if (storm.placement) {
      // Chains must really have failed over between providers, and placed machines on more than one.
      expect(result.placement.spawnsAccepted).toBeGreaterThan(30);
      expect(result.placement.crossProviderPlaced).toBeGreaterThan(0);
      expect(result.placement.crossProviderEscalations).toBeGreaterThan(0);
      expect(Object.keys(result.placement.placedByProvider).length).toBeGreaterThanOrEqual(2);
    }
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
}
