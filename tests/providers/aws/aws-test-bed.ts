import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { type RunningEc2Emulator, startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { type SpawnOptions, bootstrapOutput } from '../../../src/contracts/index.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { type AwsRegistration, type AwsRegistrationContext, createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';

export interface AwsTestBed {
  readonly emulator: RunningEc2Emulator;
  readonly registration: AwsRegistration;
  /** Milliseconds; tests move it forward to drive the emulator's lifecycle. */
  clock: number;
  close(): Promise<void>;
}

/** The provider over real HTTP against the EC2 emulator on loopback, in two regions, on a test clock. */
/** `config`: more `providers.aws` keys (e.g. subnets), over the bed's regions and endpoints. */
export async function startAwsTestBed(options: Ec2EmulatorOptions = {}, context: AwsRegistrationContext = {}, config: Record<string, unknown> = {}): Promise<AwsTestBed> {
  const bed = { clock: Date.UTC(2025, 0, 1, 12, 30) } as AwsTestBed;
  const emulator = await startEc2Emulator({ seed: 7, bootDelayMs: 1_000, terminateDelayMs: 2_000, snapshotDelayMs: 500, now: () => bed.clock, ...options });
  const parsed = AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { endpoint: emulator.url }, ...config });
  const registration = createAwsRegistration(parsed, {
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    now: () => bed.clock,
    ...context,
  });
  return Object.assign(bed, {
    emulator,
    registration,
    close: async () => {
      await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  });
}

let sequence = 0;

export function spawnOptions(overrides: Partial<SpawnOptions> = {}): SpawnOptions {
  sequence += 1;
  const instanceId = `inst_${sequence}`;
  return {
    instanceType: 'g5.xlarge',
    region: 'us-east-1',
    zone: null,
    spot: false,
    image: null,
    name: `trainer-${sequence}`,
    tags: { team: 'ml' },
    bootstrap: bootstrapOutput('#cloud-config\n', 'cloud-config'),
    idempotencyToken: `token-${sequence}`,
    ownership: { owner: 'hangar-test', instanceId },
    ...overrides,
  };
}
