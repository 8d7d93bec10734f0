import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
});

afterEach(() => cp.close());

const spawnBody = { provider: 'orbstack', instanceType: 'orb.small' };

describe('chaos through the API', () => {
  it('is off until a scenario is put, and the minimal form works as written', async () => {
    expect((await cp.call('GET', '/v1/providers/orbstack/chaos')).json).toMatchObject({ enabled: false, scenario: null });
    const put = await cp.call('PUT', '/v1/providers/orbstack/chaos', {
      seed: 42,
      faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', probability: 1 }],
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ enabled: true, scenario: { seed: 42 } });

    const spawn = await cp.call('POST', '/v1/instances', spawnBody);
    expect(spawn.status).toBe(503);
    expect(spawn.json.error).toMatchObject({ code: 'CAPACITY_ERROR', category: 'capacity', retryable: true, provider: 'orbstack' });
    expect(spawn.json.error.message).toContain('faults[0]');

    const status = (await cp.call('GET', '/v1/providers/orbstack/chaos')).json;
    expect(status.counters['faults[0]']).toEqual({ matched: 1, fired: 1 });
    expect(status.faults.recent).toEqual([
      { call: 1, operation: 'spawn', rule: 'faults[0]', effect: 'error', code: 'CAPACITY_ERROR', target: expect.stringMatching(/^hangar-/) },
    ]);

    const off = await cp.call('DELETE', '/v1/providers/orbstack/chaos');
    expect(off.json.enabled).toBe(false);
    expect((await cp.call('POST', '/v1/instances', spawnBody)).status).toBe(202);
  });

  it('answers a bad scenario with 422 naming the field, and keeps the old one', async () => {
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { preset: 'eventual-consistency', seed: 3 });
    const bad = await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, faults: [{ operation: 'spawn', code: 'BOOM' }] });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('INVALID_CHAOS_SCENARIO');
    expect(bad.json.error.issues[0].path).toBe('faults.0.code');
    expect(bad.json.error.message).toContain('faults.0.code');
    const malformed = await cp.call('PUT', '/v1/providers/orbstack/chaos', '{"seed": ');
    expect(malformed.status).toBe(400);
    expect((await cp.call('GET', '/v1/providers/orbstack/chaos')).json.scenario.quirks.listLagMs).toBe(5000);
  });

  it('answers 422 for a provider without chaos and 404 for an unknown one', async () => {
    expect((await cp.call('GET', '/v1/providers/faulty/chaos')).json.error.code).toBe('CHAOS_UNSUPPORTED');
    expect((await cp.call('PUT', '/v1/providers/nimbus/chaos', { seed: 1 })).status).toBe(404);
  });

  it('under flaky-api, every request gets a success or a well-formed error, never a 500 or a hang', async () => {
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { preset: 'flaky-api', seed: 11 });
    const deadlineMs = 300 /* providerTimeoutMs */ + 2000;
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    const ids: string[] = [];
    const request = async (step: number) => {
      const pick = step % 6;
      const id = ids[step % Math.max(ids.length, 1)];
      const call =
        pick <= 1
          ? cp.call('POST', '/v1/instances', spawnBody, pick === 0 ? { 'Idempotency-Key': `flaky-${step % 40}` } : {})
          : pick === 2 && id
            ? cp.call('DELETE', `/v1/instances/${id}`)
            : pick === 3 && id
              ? cp.call('POST', `/v1/instances/${id}/snapshots`, {})
              : pick === 4 && id
                ? cp.call('GET', `/v1/instances/${id}`)
                : cp.call('GET', '/v1/instances?limit=20');
      const outcome = await Promise.race([
        call,
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), deadlineMs).unref()),
      ]);
      expect(outcome, `request ${step} hung`).not.toBe('hung');
      if (outcome === 'hung') return;
      statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      expect(outcome.status, JSON.stringify(outcome.json)).not.toBe(500);
      if (outcome.status >= 400) {
        expect(typeof outcome.json.error.code).toBe('string');
        expect(typeof outcome.json.error.message).toBe('string');
        codes.add(outcome.json.error.code);
      } else if (outcome.json?.id?.startsWith('i-')) {
        ids.push(outcome.json.id);
      }
    };
    for (let round = 0; round < 30; round += 1) {
      await Promise.all([...Array.from({ length: 8 }, (_, lane) => request(round * 8 + lane)), cp.plane.reconcileNow().catch(() => undefined)]);
    }
    const injected = (await cp.call('GET', '/v1/providers/orbstack/chaos')).json.faults.total;
    expect(injected).toBeGreaterThan(10);
    expect(codes).toContain('RATE_LIMIT_ERROR');
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
  }, 120_000);
});
