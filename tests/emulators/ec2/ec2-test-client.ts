import { EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import { type RunningEc2Emulator, startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';

export interface Ec2TestBed {
  readonly emulator: RunningEc2Emulator;
  readonly client: EC2Client;
  /** Milliseconds; tests move it forward to drive the lifecycle. */
  clock: number;
  close(): Promise<void>;
}

export const TEST_IMAGE_ID = 'ami-0123456789abcdef0';

/** The SDK types InstanceType as a closed union; the emulator must still refuse what the union forbids. */
export const UNKNOWN_INSTANCE_TYPE = 'x9.huge' as _InstanceType;

/** The real SDK over real HTTP on loopback, with fake static credentials and no retries. */
export async function startEc2TestBed(options: Ec2EmulatorOptions = {}, region = 'us-east-1'): Promise<Ec2TestBed> {
  const bed = { clock: Date.UTC(2025, 0, 1, 12, 30) } as Ec2TestBed;
  const emulator = await startEc2Emulator({ seed: 7, bootDelayMs: 1_000, terminateDelayMs: 2_000, snapshotDelayMs: 500, now: () => bed.clock, ...options });
  const client = new EC2Client({
    endpoint: emulator.url,
    region,
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    maxAttempts: 1,
  });
  return Object.assign(bed, {
    emulator,
    client,
    close: async () => {
      client.destroy();
      await emulator.close();
    },
  });
}

/** Resolves to the rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ name: string; Code?: string; $metadata: { httpStatusCode?: number }; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; Code?: string; $metadata: { httpStatusCode?: number }; message: string };
  }
  throw new Error('expected the request to fail');
}
