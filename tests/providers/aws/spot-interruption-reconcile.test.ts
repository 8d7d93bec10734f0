import { describe, expect, it } from 'vitest';
import { ControlPlaneSettingsSchema } from '../../../src/control-plane/config.js';
import { createControlPlane } from '../../../src/control-plane/control-plane.js';
import { createLogger } from '../../../src/control-plane/logger.js';
import { startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';

const open = useTestBed(async () => {
  const dir = makeTempDir('aws-spot-reconcile');
  const emulator = await startEc2Emulator({ seed: 5, bootDelayMs: 50, terminateDelayMs: 50 });
  const registration = createAwsRegistration(AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: emulator.url, pricing: { enabled: false } }), {
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
  });
  const plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir.path, logLevel: 'silent' }),
    registrations: [registration],
    logger: createLogger('silent'),
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await plane.app.request(path, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    return (await response.json()) as Record<string, unknown> & { items?: { type: string }[] };
  };
  return {
    emulator,
    plane,
    call,
    close: async () => {
      await plane.close();
      await emulator.close();
      dir.remove();
    },
  };
});

describe('a reclaimed AWS spot instance, end to end', () => {
  it('reconciliation sees Server.SpotInstanceTermination and ends the row as SPOT_INTERRUPTED', async () => {
    const bed = await open();
    const spawned = await bed.call('POST', '/v1/instances', { provider: 'aws', instanceType: 'g5.xlarge', spot: true });
    await waitFor('running', async () => {
      await bed.plane.reconcileNow('aws');
      return (await bed.call('GET', `/v1/instances/${String(spawned.id)}`)).status === 'running' ? true : undefined;
    });
    const notice = await fetch(`${bed.emulator.url}/_emulator/spot-interruptions`, {
      method: 'POST',
      body: JSON.stringify({ instanceId: spawned.providerId, noticeMs: 0 }),
    });
    expect(notice.status).toBe(200);
    const ended = await waitFor('reclaimed', async () => {
      await bed.plane.reconcileNow('aws');
      const row = await bed.call('GET', `/v1/instances/${String(spawned.id)}`);
      return row.status === 'terminated' ? row : undefined;
    });
    expect(ended.error).toMatchObject({ code: 'SPOT_INTERRUPTED' });
    const events = await bed.call('GET', `/v1/events?instance=${String(spawned.id)}`);
    expect(events.items?.map((event) => event.type)).toContain('instance.spot-interrupted');
  });
});
