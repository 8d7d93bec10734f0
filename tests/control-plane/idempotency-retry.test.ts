import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, type ProviderErrorCode } from '../../src/contracts/index.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
});

afterEach(async () => {
  vi.useRealTimers();
  await cp.close();
});

const body = { provider: 'faulty', instanceType: 'orb.small' };
const scripted = (code: ProviderErrorCode, retryAfterMs?: number) =>
  new ProviderError({ code, provider: 'faulty', message: `scripted ${code}`, ...(retryAfterMs !== undefined && { retryAfterMs }) });
const eventTypes = async (id: string) => (await cp.call('GET', `/v1/instances/${id}/events`)).json.items.map((event: { type: string }) => event.type);

describe('a retryable failure that created nothing is re-driven under the same Idempotency-Key', () => {
  it.each(['CAPACITY_ERROR', 'SPOT_INTERRUPTED'] as const)('%s: the same key spawns again, on the same instance', async (code) => {
    const headers = { 'Idempotency-Key': `retry-${code}` };
    cp.faulty.nextSpawnFault = scripted(code);
    const first = await cp.call('POST', '/v1/instances', body, headers);
    expect(first.status).toBe(503);
    const id = first.json.error.instanceId;

    const second = await cp.call('POST', '/v1/instances', body, headers);
    expect(second.status).toBe(202);
    expect(second.headers.get('Idempotent-Replayed')).toBeNull();
    expect(second.json).toMatchObject({ id, error: null, status: expect.stringMatching(/provisioning|running/) });
    // The re-drive is resumed: a refusal can hide a launch that happened (chaos phantoms), so the provider looks first.
    expect(cp.faulty.spawnResumed).toEqual([undefined, true]);
    expect(await cp.faultyBase.provider.list({ hangarInstanceId: id })).toHaveLength(1);
    expect(await eventTypes(id)).toEqual(['instance.requested', 'instance.spawn-failed', 'instance.spawn-retried', 'instance.spawned']);

    // Once it succeeded, the key replays the instance.
    const third = await cp.call('POST', '/v1/instances', body, headers);
    expect(third.status).toBe(202);
    expect(third.headers.get('Idempotent-Replayed')).toBe('true');
    expect(third.json.id).toBe(id);
    expect(cp.faulty.spawnCalls).toBe(2);
  });

  it('RATE_LIMIT_ERROR: before its Retry-After the stored 429 answers without a provider call; after it, the key re-drives', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const headers = { 'Idempotency-Key': 'retry-rate' };
    cp.faulty.nextSpawnFault = scripted('RATE_LIMIT_ERROR', 10_000);
    const first = await cp.call('POST', '/v1/instances', body, headers);
    expect(first.status).toBe(429);
    expect(first.headers.get('Retry-After')).toBe('10');

    vi.setSystemTime(new Date('2026-01-01T00:00:06.500Z'));
    const early = await cp.call('POST', '/v1/instances', body, headers);
    expect(early.status).toBe(429);
    expect(early.json).toEqual(first.json);
    expect(early.headers.get('Idempotent-Replayed')).toBe('true');
    expect(early.headers.get('Retry-After')).toBe('4');
    expect(cp.faulty.spawnCalls).toBe(1);

    vi.setSystemTime(new Date('2026-01-01T00:00:10.000Z'));
    const due = await cp.call('POST', '/v1/instances', body, headers);
    expect(due.status).toBe(202);
    expect(due.json).toMatchObject({ id: first.json.error.instanceId, error: null });
    expect(cp.faulty.spawnCalls).toBe(2);
    // The re-drive restarts the row's clocks (intent grace, boot deadline) at the new attempt.
    expect(due.json.createdAt).toBe('2026-01-01T00:00:10.000Z');
  });

  it('two re-drives at once make one machine and answer one instance', async () => {
    const headers = { 'Idempotency-Key': 'retry-race' };
    cp.faulty.nextSpawnFault = scripted('CAPACITY_ERROR');
    const id = (await cp.call('POST', '/v1/instances', body, headers)).json.error.instanceId;
    const [a, b] = await Promise.all([cp.call('POST', '/v1/instances', body, headers), cp.call('POST', '/v1/instances', body, headers)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect([a.json.id, b.json.id]).toEqual([id, id]);
    expect(await cp.faultyBase.provider.list({ hangarInstanceId: id })).toHaveLength(1);
    expect((await eventTypes(id)).filter((type: string) => type === 'instance.spawn-retried')).toHaveLength(1);
  });

  it('a re-drive that fails again is stored again, and the key goes on re-driving', async () => {
    const headers = { 'Idempotency-Key': 'retry-twice' };
    cp.faulty.nextSpawnFault = scripted('CAPACITY_ERROR');
    await cp.call('POST', '/v1/instances', body, headers);
    cp.faulty.nextSpawnFault = scripted('CAPACITY_ERROR');
    expect((await cp.call('POST', '/v1/instances', body, headers)).status).toBe(503);
    expect((await cp.call('POST', '/v1/instances', body, headers)).status).toBe(202);
    expect(cp.faulty.spawnCalls).toBe(3);
    expect((await cp.call('GET', '/v1/instances?provider=faulty')).json.items).toHaveLength(1);
  });
});

describe('a failed spawn the client deleted is never re-driven', () => {
  it('DELETE on the failed instance is remembered: the same key then replays the failure and makes no machine', async () => {
    const headers = { 'Idempotency-Key': 'retry-then-delete' };
    cp.faulty.nextSpawnFault = scripted('CAPACITY_ERROR');
    const first = await cp.call('POST', '/v1/instances', body, headers);
    expect(first.status).toBe(503);
    const id = first.json.error.instanceId;

    const deleted = await cp.call('DELETE', `/v1/instances/${id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.json).toMatchObject({ id, status: 'failed' });
    // A second DELETE changes nothing (one event, below).
    expect((await cp.call('DELETE', `/v1/instances/${id}`)).status).toBe(202);

    const again = await cp.call('POST', '/v1/instances', body, headers);
    expect(again.status).toBe(503);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    expect(cp.faulty.spawnCalls).toBe(1);
    expect(await cp.faultyBase.provider.list({ hangarInstanceId: id })).toHaveLength(0);
    expect(await eventTypes(id)).toEqual(['instance.requested', 'instance.spawn-failed', 'instance.terminate-requested']);
  });
});

describe('a non-retryable failure is replayed, an unknown outcome is resumed', () => {
  it.each([
    ['INVALID_SPEC', 422],
    ['AUTH_ERROR', 502],
    ['QUOTA_EXCEEDED', 409],
  ] as const)('%s is answered again for the same key without calling the provider', async (code, status) => {
    const headers = { 'Idempotency-Key': `final-${code}` };
    cp.faulty.nextSpawnFault = scripted(code);
    const first = await cp.call('POST', '/v1/instances', body, headers);
    const second = await cp.call('POST', '/v1/instances', body, headers);
    expect([first.status, second.status]).toEqual([status, status]);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(cp.faulty.spawnCalls).toBe(1);
  });

  it.each([
    ['a timeout', 'hang' as const, 504],
    ['a 5xx-like failure', new TypeError('socket hang up'), 502],
  ])('after %s the key resumes the spawn (the provider looks for the machine first)', async (_what, fault, status) => {
    const headers = { 'Idempotency-Key': `unknown-${status}` };
    cp.faulty.nextSpawnFault = fault;
    const first = await cp.call('POST', '/v1/instances', body, headers);
    expect(first.status).toBe(status);
    const second = await cp.call('POST', '/v1/instances', body, headers);
    expect(second.status).toBe(202);
    expect(second.json.id).toBe(first.json.error.instanceId);
    expect(cp.faulty.spawnResumed).toEqual([undefined, true]);
  });
});
