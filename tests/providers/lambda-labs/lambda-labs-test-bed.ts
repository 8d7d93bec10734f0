import { randomUUID } from 'node:crypto';
import type { SpawnOptions } from '../../../src/contracts/index.js';
import type { LambdaLabsEmulatorOptions } from '../../../src/emulators/lambda-labs/lambda-labs-options.js';
import { type RunningLambdaLabsEmulator, startLambdaLabsEmulator } from '../../../src/emulators/lambda-labs/start-lambda-labs-emulator.js';
import { type LambdaLabsConfig, LambdaLabsConfigSchema } from '../../../src/providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration, type LambdaLabsRegistration } from '../../../src/providers/lambda-labs/lambda-labs-registration.js';

export interface LambdaLabsTestBed {
  readonly emulator: RunningLambdaLabsEmulator;
  readonly registration: LambdaLabsRegistration;
  readonly provider: LambdaLabsRegistration['provider'];
  readonly apiKey: string;
  /** Requests the emulator saw to a path (e.g. the launch endpoint). */
  calls(path: string): number;
  spawnOptions(overrides?: Partial<SpawnOptions>): SpawnOptions;
  close(): Promise<void>;
}

let sequence = 0;

/** The provider on its emulator, both with small limits; a fresh API key each time, so limiters never carry over. */
export async function openLambdaLabsBed(
  options: { emulator?: LambdaLabsEmulatorOptions; config?: Partial<Record<keyof LambdaLabsConfig, unknown>> } = {},
): Promise<LambdaLabsTestBed> {
  const apiKey = `test-${randomUUID()}`;
  const emulator = await startLambdaLabsEmulator({
    apiKeys: [apiKey],
    bootDelayMs: 30,
    terminateDelayMs: 30,
    // Looser than the provider's pacing, so scheduling jitter under a loaded test run cannot read as a burst.
    rateLimits: { requestIntervalMs: 2, launchIntervalMs: 10, toleranceMs: 1 },
    ...options.emulator,
  });
  const config = LambdaLabsConfigSchema.parse({
    sshKeyName: 'hangar-emulator',
    regions: ['us-east-1', 'us-west-1', 'us-south-2'],
    rateLimits: { requestIntervalMs: 10, launchIntervalMs: 30, guardMs: 2 },
    requestTimeoutMs: 2_000,
    ...options.config,
  });
  const registration = createLambdaLabsRegistration(config, { env: { LAMBDA_API_KEY: apiKey, HANGAR_LAMBDA_LABS_URL: emulator.url } });
  const provider = registration.provider;
  return {
    emulator,
    registration,
    provider,
    apiKey,
    calls: (path) => emulator.exchanges.filter((exchange) => exchange.path === path).length,
    spawnOptions(overrides = {}) {
      sequence += 1;
      const instanceId = `i-test-${sequence}`;
      return {
        instanceType: 'gpu_1x_a10',
        region: 'us-east-1',
        zone: null,
        spot: false,
        image: null,
        name: `node-${sequence}`,
        tags: { suite: 'lambda' },
        bootstrap: provider.generateBootstrap({ instanceId, script: 'echo ready' }),
        idempotencyToken: instanceId,
        ownership: { owner: 'tests', instanceId },
        ...overrides,
      };
    },
    async close() {
      await registration.hooks.onShutdown?.();
      // A test may have closed the emulator already (to cut the network).
      await emulator.close().catch((error: unknown) => {
        if (!(error instanceof Error && error.message.includes('not running'))) throw error;
      });
    },
  };
}

export const LAUNCH_PATH = '/api/v1/instance-operations/launch';
