import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane({ bootDelayMs: 0 });
});

afterEach(() => cp.close());

async function runningInstance(provider = 'orbstack'): Promise<string> {
  const instance = (await cp.call('POST', '/v1/instances', { provider, instanceType: 'orb.small' })).json;
  await cp.plane.reconcileNow();
  return instance.id;
}

describe('snapshots API', () => {
  it('creates, reads, lists and deletes a snapshot', async () => {
    const instanceId = await runningInstance();
    const created = await cp.call('POST', `/v1/instances/${instanceId}/snapshots`, { description: 'pre-upgrade' });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({ instanceId, provider: 'orbstack', description: 'pre-upgrade', error: null });
    expect(created.json.id).toMatch(/^snap-/);
    expect(created.json.providerSnapshotId).toBeTruthy();
    expect(['pending', 'available']).toContain(created.json.status);

    await cp.plane.reconcileNow();
    const fetched = (await cp.call('GET', `/v1/snapshots/${created.json.id}`)).json;
    expect(fetched.status).toBe('available');
    expect(fetched.sizeGiB).toBe(8);

    const listed = (await cp.call('GET', `/v1/snapshots?instance=${instanceId}`)).json;
    expect(listed.items.map((item: { id: string }) => item.id)).toEqual([created.json.id]);

    const deleted = await cp.call('DELETE', `/v1/snapshots/${created.json.id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.json.status).toBe('deleting');
    await cp.plane.reconcileNow();
    expect((await cp.call('GET', `/v1/snapshots/${created.json.id}`)).json.status).toBe('deleted');
    const again = await cp.call('DELETE', `/v1/snapshots/${created.json.id}`);
    expect(again.status).toBe(202);
    expect(again.json.status).toBe('deleted');
  });

  it('accepts an empty body', async () => {
    const instanceId = await runningInstance();
    const created = await cp.call('POST', `/v1/instances/${instanceId}/snapshots`);
    expect(created.status).toBe(202);
    expect(created.json.description).toBeNull();
  });

  it('answers 422 CAPABILITY_UNSUPPORTED with the provider’s reason, writing nothing', async () => {
    const instanceId = await runningInstance('faulty');
    const response = await cp.call('POST', `/v1/instances/${instanceId}/snapshots`, {});
    expect(response.status).toBe(422);
    expect(response.json.error).toEqual({
      code: 'CAPABILITY_UNSUPPORTED',
      message: 'faulty does not support snapshots',
      capability: 'snapshots',
      reason: 'the faulty test provider keeps no disk images',
      provider: 'faulty',
    });
    expect((await cp.call('GET', '/v1/snapshots')).json.items).toEqual([]);
  });

  it('refuses a snapshot of an instance with no machine', async () => {
    const instanceId = await runningInstance();
    await cp.call('DELETE', `/v1/instances/${instanceId}`);
    await cp.plane.reconcileNow();
    const response = await cp.call('POST', `/v1/instances/${instanceId}/snapshots`, {});
    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe('INVALID_STATE');
  });

  it('validates the body', async () => {
    const instanceId = await runningInstance();
    const response = await cp.call('POST', `/v1/instances/${instanceId}/snapshots`, { description: 42 });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('VALIDATION_ERROR');
  });
});
