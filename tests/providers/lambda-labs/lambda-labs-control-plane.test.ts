import { describe, expect, it } from 'vitest';
import { ControlPlaneSettingsSchema } from '../../../src/control-plane/config.js';
import { createControlPlane } from '../../../src/control-plane/control-plane.js';
import { createLogger } from '../../../src/control-plane/logger.js';
import type { LambdaLabsEmulatorOptions } from '../../../src/emulators/lambda-labs/lambda-labs-options.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { openLambdaLabsBed } from './lambda-labs-test-bed.js';

const TERMINATE_PATH = '/api/v1/instance-operations/terminate';

/** A control plane whose only provider is Lambda Labs on its emulator (on loopback); no scheduler runs. */
async function openLambdaControlPlane(emulator: LambdaLabsEmulatorOptions = {}, reconcile: Record<string, number> = {}) {
  const bed = await openLambdaLabsBed({ emulator });
  const dir = makeTempDir('lambda-control-plane');
  const logs: string[] = [];
  const settings = ControlPlaneSettingsSchema.parse({
    dataDir: dir.path,
    port: 0,
    providerTimeoutMs: 5_000,
    reconcile: { intentGraceMs: 60_000, lostGraceMs: 60_000, orphanGraceMs: 0, terminateRetryMs: 0, ...reconcile },
  });
  const plane = await createControlPlane({ settings, registrations: [bed.registration], logger: createLogger('debug', (line) => logs.push(line)) });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await plane.app.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response JSON freely.
    return { status: response.status, json: (text ? JSON.parse(text) : null) as any };
  };
  return {
    bed,
    plane,
    logs,
    call,
    /** Spawns through the API and returns the row (its machine is launched by then). */
    async spawn(): Promise<{ id: string; providerId: string }> {
      const created = await call('POST', '/v1/instances', { provider: 'lambda-labs', instanceType: 'gpu_1x_a10', region: 'us-east-1', bootstrap: { script: 'echo hi' } });
      expect(created.status).toBe(202);
      expect(created.json.providerId).toEqual(expect.any(String));
      return created.json;
    },
    async eventTypes(id: string): Promise<string[]> {
      return (await call('GET', `/v1/instances/${id}/events`)).json.items.map((event: { type: string }) => event.type);
    },
    async close() {
      await plane.close();
      await bed.close();
      dir.remove();
    },
  };
}

const open = useTestBed(openLambdaControlPlane);

describe('the control plane over Lambda Labs: DELETE of a machine already terminating', () => {
  it('a second DELETE while the machine is terminating records no terminate-failed event and no error on the row', async () => {
    const cp = await open({ terminateDelayMs: 60_000 });
    const row = await cp.spawn();
    const first = await cp.call('DELETE', `/v1/instances/${row.id}`);
    expect([first.status, first.json.status, first.json.error]).toEqual([202, 'terminating', null]);
    const second = await cp.call('DELETE', `/v1/instances/${row.id}`);
    expect([second.status, second.json.status, second.json.error]).toEqual([202, 'terminating', null]);
    expect(await cp.eventTypes(row.id)).not.toContain('instance.terminate-failed');
    expect((await cp.call('GET', `/v1/instances/${row.id}`)).json.error).toBeNull();
  });

  it('a DELETE of a machine someone else is already terminating: Lambda answers global/unknown, and the row is terminating without an error', async () => {
    const cp = await open({ terminateDelayMs: 60_000 });
    const row = await cp.spawn();
    const machine = cp.bed.emulator.state.find(row.providerId);
    if (machine === undefined) throw new Error('the spawn launched no machine');
    cp.bed.emulator.state.terminate(machine);
    const deleted = await cp.call('DELETE', `/v1/instances/${row.id}`);
    expect([deleted.status, deleted.json.status, deleted.json.error]).toEqual([202, 'terminating', null]);
    const answer = cp.bed.emulator.exchanges.filter((exchange) => exchange.path === TERMINATE_PATH).at(-1);
    expect([answer?.status, (answer?.response as { error: { code: string } }).error.code]).toEqual([500, 'global/unknown']);
    const events = await cp.eventTypes(row.id);
    expect(events).toContain('instance.terminate-accepted');
    expect(events).not.toContain('instance.terminate-failed');
  });
});

describe('the control plane over Lambda Labs: a machine whose list entry Hangar cannot read', () => {
  it('is never taken for gone: list skips it, get fails loudly, and the row keeps its state (even with no grace for lost machines)', async () => {
    const cp = await open({}, { lostGraceMs: 0 });
    const row = await cp.spawn();
    cp.bed.emulator.state.entryPatches = { ...cp.bed.emulator.state.entryPatches, instances: { [row.providerId]: { name: null, status: 'hibernating' } } };
    await cp.plane.reconcileNow('lambda-labs').catch(() => undefined);
    const after = (await cp.call('GET', `/v1/instances/${row.id}`)).json;
    expect(after.status).toBe('provisioning');
    expect(await cp.eventTypes(row.id)).not.toEqual(expect.arrayContaining(['instance.lost']));
    expect(cp.bed.registration.skippedEntries?.report().entries).toEqual([expect.objectContaining({ kind: 'instance', id: row.providerId })]);
  });
});
