import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { spawnOwnedMachine } from '../support/spawn-owned-machine.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
});

afterEach(() => cp.close());

/** The machine a timed-out spawn made after all, carrying the row's ownership marks. */
const phantomCreate = (instanceId: string) => spawnOwnedMachine(cp.faultyBase.provider, instanceId);

const faultyBody = { provider: 'faulty', instanceType: 'orb.small' };

describe('provider errors through the API', () => {
  it.each([
    ['CAPACITY_ERROR', 503, 'capacity', true],
    ['QUOTA_EXCEEDED', 409, 'capacity', false],
    ['AUTH_ERROR', 502, 'auth', false],
    ['INVALID_SPEC', 422, 'validation', false],
    ['SPOT_INTERRUPTED', 503, 'capacity', true],
  ] as const)('%s -> %i with category, retryable and provider; the row is failed', async (code, status, category, retryable) => {
    cp.faulty.nextSpawnFault = new ProviderError({ code, provider: 'faulty', message: `scripted ${code}` });
    const response = await cp.call('POST', '/v1/instances', faultyBody);
    expect(response.status).toBe(status);
    const rows = (await cp.call('GET', '/v1/instances')).json.items;
    expect(response.json.error).toEqual({ code, message: `scripted ${code}`, category, retryable, provider: 'faulty', instanceId: rows[0].id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'failed', providerId: null, error: { code } });
  });

  it('RATE_LIMIT_ERROR -> 429 with Retry-After', async () => {
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'faulty', message: 'slow down', retryAfterMs: 2500 });
    const response = await cp.call('POST', '/v1/instances', faultyBody);
    expect(response.status).toBe(429);
    expect(response.headers.get('Retry-After')).toBe('3');
    expect(response.json.error).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryable: true, retryAfterMs: 2500 });
  });

  it('replays a failed spawn’s error for the same Idempotency-Key without calling the provider again', async () => {
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'faulty', message: 'later', retryAfterMs: 4000 });
    const headers = { 'Idempotency-Key': 'cap-1' };
    const first = await cp.call('POST', '/v1/instances', faultyBody, headers);
    const second = await cp.call('POST', '/v1/instances', faultyBody, headers);
    expect(second.status).toBe(429);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('Retry-After')).toBe('4');
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(cp.faulty.spawnCalls).toBe(1);
  });

  it('adopts the machine of a spawn that timed out but happened after all', async () => {
    cp.faulty.nextSpawnFault = 'hang';
    const response = await cp.call('POST', '/v1/instances', faultyBody);
    expect(response.status).toBe(504);
    const id = response.json.error.instanceId;
    expect((await cp.call('GET', `/v1/instances/${id}`)).json.status).toBe('requested');
    await cp.plane.reconcileNow();
    expect((await cp.call('GET', `/v1/instances/${id}`)).json.status).toBe('requested');
    const machine = await phantomCreate(id);
    await cp.plane.reconcileNow();
    const adopted = (await cp.call('GET', `/v1/instances/${id}`)).json;
    expect(adopted).toMatchObject({ providerId: machine.providerId, error: null });
    expect(['provisioning', 'running']).toContain(adopted.status);
    const events = (await cp.call('GET', `/v1/instances/${id}/events`)).json.items.map((event: { type: string }) => event.type);
    expect(events).toEqual(['instance.requested', 'instance.spawn-outcome-unknown', 'instance.adopted']);
  });

  it('a provider that hangs -> 504 PROVIDER_TIMEOUT; the intent stays open and a replay finishes it', async () => {
    cp.faulty.nextSpawnFault = 'hang';
    const headers = { 'Idempotency-Key': 'slow-1' };
    const response = await cp.call('POST', '/v1/instances', faultyBody, headers);
    expect(response.status).toBe(504);
    expect(response.json.error).toMatchObject({ code: 'PROVIDER_TIMEOUT', provider: 'faulty', retryable: true });
    const row = (await cp.call('GET', '/v1/instances')).json.items[0];
    expect(row).toMatchObject({ status: 'requested', error: { code: 'PROVIDER_TIMEOUT' } });

    const replay = await cp.call('POST', '/v1/instances', faultyBody, headers);
    expect(replay.status).toBe(202);
    expect(replay.json).toMatchObject({ id: row.id, status: expect.stringMatching(/provisioning|running/), error: null });
    expect(await cp.faultyBase.provider.list({ hangarInstanceId: row.id })).toHaveLength(1);
    // The re-drive tells the provider an earlier attempt may have made the machine; the first attempt did not.
    expect(cp.faulty.spawnResumed).toEqual([undefined, true]);
  });

  it('an unexpected provider failure -> 502 PROVIDER_FAILURE, never a 500', async () => {
    cp.faulty.nextSpawnFault = new TypeError('socket hang up');
    const response = await cp.call('POST', '/v1/instances', faultyBody);
    expect(response.status).toBe(502);
    expect(response.json.error).toMatchObject({ code: 'PROVIDER_FAILURE', provider: 'faulty' });
  });

  it('the OrbStack capacity model surfaces as 503 CAPACITY_ERROR', async () => {
    const full = await startTestControlPlane({ orbstack: { capacityPerZone: { default: 0 } } });
    try {
      const response = await full.call('POST', '/v1/instances', { provider: 'orbstack', instanceType: 'orb.small' });
      expect(response.status).toBe(503);
      expect(response.json.error).toMatchObject({ code: 'CAPACITY_ERROR', provider: 'orbstack', category: 'capacity' });
    } finally {
      await full.close();
    }
  });

  it('a DELETE during a spawn that has not answered is honoured once the machine exists', async () => {
    cp.faulty.nextSpawnFault = 'hang';
    const pending = await cp.call('POST', '/v1/instances', faultyBody, { 'Idempotency-Key': 'race-1' });
    const id = (await cp.call('GET', '/v1/instances')).json.items[0].id;
    expect(pending.status).toBe(504);
    const deleted = await cp.call('DELETE', `/v1/instances/${id}`);
    expect(deleted.json.status).toBe('terminating');
    // The spawn happened after all (a phantom create): reconciliation finds it by its marks and terminates it.
    const machine = await phantomCreate(id);
    await cp.plane.reconcileNow();
    await cp.plane.reconcileNow();
    expect((await cp.call('GET', `/v1/instances/${id}`)).json).toMatchObject({ status: 'terminated', providerId: machine.providerId });
    expect(await cp.faultyBase.provider.get(machine.providerId)).toBeNull();
  });
});
