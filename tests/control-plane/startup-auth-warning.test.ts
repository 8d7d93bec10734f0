import { afterEach, describe, expect, it } from 'vitest';
import { type HeartbeatResult, type HeartbeatTask, heartbeatFailure, ProviderError, type ProviderRegistration } from '../../src/contracts/index.js';
import { ControlPlaneSettingsSchema } from '../../src/control-plane/config.js';
import { type ControlPlane, createControlPlane } from '../../src/control-plane/control-plane.js';
import { createLogger } from '../../src/control-plane/logger.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';

const PLANTED_KEY = 'sk-planted-secret-0123456789abcdef';

let plane: ControlPlane | undefined;
let dir: TempDir | undefined;
afterEach(async () => {
  await plane?.close();
  dir?.remove();
  plane = undefined;
  dir = undefined;
});

/** A control plane whose only provider's health check answers as `check` says. */
async function planeWith(check: (task: HeartbeatTask) => Promise<HeartbeatResult>): Promise<{ plane: ControlPlane; logs: string[] }> {
  dir = makeTempDir('startup-auth');
  const orbstack = createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 1 }), { dataDir: dir.path });
  const registration: ProviderRegistration = { provider: orbstack.provider, hooks: { onHeartbeat: check } };
  const logs: string[] = [];
  plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir.path, port: 0 }),
    registrations: [registration],
    logger: createLogger('info', (line) => logs.push(line)),
  });
  return { plane, logs };
}

const refused = new ProviderError({ code: 'AUTH_ERROR', provider: 'orbstack', message: 'orbstack: the API key was refused (401 Unauthorized)' });

describe('credentials refused at start-up', () => {
  it('prints one warning line when the first health check fails on auth, and records the code in health', async () => {
    const { plane: cp, logs } = await planeWith(async (task) => (task === 'health_check' ? heartbeatFailure(task, refused) : { task, ok: true, message: null }));
    const entry = cp.ctx.registry.require('orbstack');
    await cp.scheduler.runTask(entry, 'health_check');
    await cp.scheduler.runTask(entry, 'health_check');
    const startupLines = logs.filter((line) => line.includes('credentials refused at start-up'));
    expect(startupLines).toHaveLength(1);
    expect(JSON.parse(startupLines[0] ?? '{}')).toMatchObject({ level: 'warn', provider: 'orbstack', errorCode: 'AUTH_ERROR' });
    expect(cp.scheduler.healthOf('orbstack').health_check).toMatchObject({ ok: false, errorCode: 'AUTH_ERROR', consecutiveFailures: 2 });
    const health = await cp.app.request('/v1/providers/orbstack/health');
    expect(((await health.json()) as { tasks: { health_check: { errorCode: string } } }).tasks.health_check.errorCode).toBe('AUTH_ERROR');
  });

  it('also when the health check throws the AUTH_ERROR; never with the key in it', async () => {
    const { plane: cp, logs } = await planeWith(async (task) => {
      if (task === 'health_check') throw refused;
      return { task, ok: true, message: null };
    });
    await cp.scheduler.runTask(cp.ctx.registry.require('orbstack'), 'health_check');
    expect(logs.filter((line) => line.includes('credentials refused at start-up'))).toHaveLength(1);
    expect(logs.join('\n')).not.toContain(PLANTED_KEY);
  });

  it('says nothing of credentials when the first health check fails for another reason', async () => {
    const { plane: cp, logs } = await planeWith(async (task) =>
      heartbeatFailure(task, new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'orbstack', message: 'orbstack: slow down' })),
    );
    await cp.scheduler.runTask(cp.ctx.registry.require('orbstack'), 'health_check');
    expect(logs.some((line) => line.includes('credentials refused'))).toBe(false);
    expect(logs.some((line) => line.includes('heartbeat failed') && line.includes('RATE_LIMIT_ERROR'))).toBe(true);
  });
});
