import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNERSHIP_TAGS, verifyBootstrapChecksum } from '../../src/contracts/index.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
});

afterEach(() => cp.close());

const spawnBody = { provider: 'orbstack', instanceType: 'orb.small', tags: { team: 'ml' }, bootstrap: { script: 'echo hi' } };

describe('instances API', () => {
  it('reports health and the providers with all 11 flags and reasons', async () => {
    expect((await cp.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    const providers = (await cp.call('GET', '/v1/providers')).json;
    const orbstack = providers.find((provider: { name: string }) => provider.name === 'orbstack');
    expect(orbstack.tier).toBe('testing');
    expect(Object.keys(orbstack.capabilities)).toHaveLength(11);
    expect(orbstack.capabilities.snapshots).toBe(true);
    expect(orbstack.unsupported.gpu).toMatch(/GPU/);
    const catalog = (await cp.call('GET', '/v1/providers/orbstack/instance-types')).json;
    expect(catalog).toMatchObject({ provider: 'orbstack', skipped: [], warnings: [] });
    const types = catalog.instanceTypes;
    expect(types[0]).toMatchObject({ name: 'orb.nano', gpu: null, regions: expect.any(Array) });
    expect(types[0].pricePerHour).toBeGreaterThan(0);
  });

  it('spawns: intent committed, machine created with ownership marks, then running', async () => {
    const created = await cp.call('POST', '/v1/instances', spawnBody);
    expect(created.status).toBe(202);
    const instance = created.json;
    expect(instance).toMatchObject({
      provider: 'orbstack',
      status: 'provisioning',
      instanceType: 'orb.small',
      region: 'local-1',
      spot: false,
      tags: { team: 'ml' },
      terminatedAt: null,
    });
    expect(instance.id).toMatch(/^i-[0-9a-z]{26}$/);
    expect(instance.zone).toMatch(/^local-1[abc]$/);
    const machine = await cp.orbstack.provider.get(instance.providerId);
    expect(machine?.tags[OWNERSHIP_TAGS.instanceId]).toBe(instance.id);
    expect(machine?.tags[OWNERSHIP_TAGS.owner]).toBe('hangar');
    expect(machine?.bootstrapChecksum).toBe(instance.bootstrapChecksum);
    const bootstrap = cp.orbstack.provider.generateBootstrap({ instanceId: instance.id, hostname: instance.name, script: 'echo hi' });
    expect(verifyBootstrapChecksum(bootstrap) && bootstrap.checksum === instance.bootstrapChecksum).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 30));
    await cp.plane.reconcileNow();
    expect((await cp.call('GET', `/v1/instances/${instance.id}`)).json.status).toBe('running');
    const events = (await cp.call('GET', `/v1/instances/${instance.id}/events`)).json.items;
    expect(events.map((event: { type: string }) => event.type)).toEqual(['instance.requested', 'instance.spawned', 'instance.running']);
  });

  it('keeps an instance provisioning until the machine has booted', async () => {
    const slow = await startTestControlPlane({ bootDelayMs: 60_000 });
    try {
      const instance = (await slow.call('POST', '/v1/instances', spawnBody)).json;
      await slow.plane.reconcileNow();
      expect((await slow.call('GET', `/v1/instances/${instance.id}`)).json.status).toBe('provisioning');
    } finally {
      await slow.close();
    }
  });

  it('never returns bootstrap env or script, and never logs them', async () => {
    const secret = 'sk-live-7d1b3b1e9a4f';
    const response = await cp.call('POST', '/v1/instances', {
      ...spawnBody,
      bootstrap: { script: `login ${secret}`, env: { API_TOKEN: secret } },
    });
    expect(response.status).toBe(202);
    expect(JSON.stringify(response.json)).not.toContain(secret);
    expect(JSON.stringify((await cp.call('GET', `/v1/instances/${response.json.id}`)).json)).not.toContain(secret);
    expect(cp.logs.join('')).not.toContain(secret);
  });

  it('makes one machine per Idempotency-Key, replaying the same instance', async () => {
    const headers = { 'Idempotency-Key': 'deploy-42' };
    const first = await cp.call('POST', '/v1/instances', spawnBody, headers);
    const second = await cp.call('POST', '/v1/instances', spawnBody, headers);
    expect(second.status).toBe(202);
    expect(second.json.id).toBe(first.json.id);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await cp.orbstack.provider.list()).toHaveLength(1);

    const conflict = await cp.call('POST', '/v1/instances', { ...spawnBody, instanceType: 'orb.large' }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', instanceId: first.json.id });
  });

  it('makes one machine when the same key arrives many times at once', async () => {
    const headers = { 'Idempotency-Key': 'burst-1' };
    const responses = await Promise.all(Array.from({ length: 12 }, () => cp.call('POST', '/v1/instances', spawnBody, headers)));
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([202]));
    expect(new Set(responses.map((response) => response.json.id)).size).toBe(1);
    expect(await cp.orbstack.provider.list()).toHaveLength(1);
    expect((await cp.call('GET', '/v1/instances')).json.items).toHaveLength(1);
  });

  it('lists with filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await cp.call('POST', '/v1/instances', spawnBody)).json.id);
    await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.nano' });
    await cp.call('DELETE', `/v1/instances/${ids[0]}`);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await cp.call('GET', `/v1/instances?provider=orbstack&limit=2${query}`)).json;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const byStatus = (await cp.call('GET', '/v1/instances?status=terminated,terminating')).json.items;
    expect(byStatus.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
    const faulty = (await cp.call('GET', '/v1/instances?provider=faulty')).json.items;
    expect(faulty).toHaveLength(1);
  });

  it('terminates: the row stays until the provider confirms, and repeating is harmless', async () => {
    const slowTerminate = await startTestControlPlane({ orbstack: { terminateDelayMs: { min: 60_000, max: 60_000 } } });
    try {
      const instance = (await slowTerminate.call('POST', '/v1/instances', spawnBody)).json;
      const first = await slowTerminate.call('DELETE', `/v1/instances/${instance.id}`);
      expect(first.status).toBe(202);
      expect(first.json.status).toBe('terminating');
      await slowTerminate.plane.reconcileNow();
      expect((await slowTerminate.call('GET', `/v1/instances/${instance.id}`)).json.status).toBe('terminating');
      const again = await slowTerminate.call('DELETE', `/v1/instances/${instance.id}`);
      expect(again.status).toBe(202);
      expect(again.json.status).toBe('terminating');
    } finally {
      await slowTerminate.close();
    }
  });

  it('terminates to terminated once the machine is gone', async () => {
    const instance = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    const deleted = await cp.call('DELETE', `/v1/instances/${instance.id}`);
    expect(deleted.status).toBe(202);
    expect(['terminating', 'terminated']).toContain(deleted.json.status);
    await cp.plane.reconcileNow();
    const after = (await cp.call('GET', `/v1/instances/${instance.id}`)).json;
    expect(after.status).toBe('terminated');
    expect(after.terminatedAt).not.toBeNull();
    expect(await cp.orbstack.provider.get(instance.providerId)).toBeNull();
    const repeat = await cp.call('DELETE', `/v1/instances/${instance.id}`);
    expect(repeat.status).toBe(202);
    expect(repeat.json.status).toBe('terminated');
  });
});
