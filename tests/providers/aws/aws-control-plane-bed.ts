import { ControlPlaneSettingsSchema } from '../../../src/control-plane/config.js';
import { type ControlPlane, createControlPlane } from '../../../src/control-plane/control-plane.js';
import { createLogger } from '../../../src/control-plane/logger.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { type RunningEc2Emulator, startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { type AwsRegistration, createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { makeTempDir } from '../../support/temp-dir.js';

export interface AwsControlPlaneBed {
  readonly emulator: RunningEc2Emulator;
  readonly registration: AwsRegistration;
  readonly plane: ControlPlane;
  /** One API call through the control plane's Hono app; the body parsed as JSON (null for 204). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> & { items?: Record<string, unknown>[] } }>;
  close(): Promise<void>;
}

/** The control plane in-process with only the AWS provider, over the EC2 emulator, owned by `owner`. */
export async function startAwsControlPlaneBed(options: Ec2EmulatorOptions = {}, owner = 'hangar'): Promise<AwsControlPlaneBed> {
  const dir = makeTempDir('aws-control-plane');
  const emulator = await startEc2Emulator({ seed: 5, bootDelayMs: 50, terminateDelayMs: 50, volumeDelayMs: 20, ...options });
  const registration = createAwsRegistration(AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: emulator.url, pricing: { enabled: false } }), {
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    owner,
    volumes: { attach: { pollMs: 10, maxPollMs: 20 } },
  });
  const plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir.path, logLevel: 'silent', owner }),
    registrations: [registration],
    logger: createLogger('silent'),
  });
  return {
    emulator,
    registration,
    plane,
    async call(method, path, body) {
      const response = await plane.app.request(path, {
        method,
        ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const text = await response.text();
      return { status: response.status, json: text === '' ? {} : JSON.parse(text) };
    },
    async close() {
      await plane.close();
      await emulator.close();
      dir.remove();
    },
  };
}
