import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { waitForInstanceState } from '../../src/control-plane/lifecycle/wait-for-state.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

afterEach(() => cp.close());

const body = { provider: 'faulty', instanceType: 'orb.small' };
/** Long enough that a wait which does not end on its own fails the test by vitest's timeout. */
const FOREVER = 600_000;

async function spawn(): Promise<{ id: string; providerId: string; status: string }> {
  return (await cp.call('POST', '/v1/instances', body)).json;
}

describe('waitForInstanceState', () => {
  it('answers at once when the instance is already there', async () => {
    cp = await startTestControlPlane({ bootDelayMs: 0 });
    const { id, status } = await spawn();
    expect(status).toBe('running');
    expect(await waitForInstanceState(cp.plane.ctx, id, 'running', FOREVER)).toMatchObject({ record: { id, status: 'running' }, timedOut: false });
  });

  it('answers as soon as the row turns running, woken by the store, not by a timer', async () => {
    cp = await startTestControlPlane();
    const { id, providerId } = await spawn();
    const waiting = waitForInstanceState(cp.plane.ctx, id, 'running', FOREVER);
    while (cp.plane.ctx.instanceChanges.listenerCount(id) === 0) await sleep(1);
    while ((await cp.faultyBase.provider.get(providerId))?.status !== 'running') await sleep(5);
    await cp.plane.follower.runOnce();
    expect(await waiting).toMatchObject({ record: { id, status: 'running' }, timedOut: false });
    expect(cp.plane.ctx.instanceChanges.listenerCount(id)).toBe(0);
  });

  it('ends at once in a state that can no longer reach the target', async () => {
    cp = await startTestControlPlane();
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'INVALID_SPEC', provider: 'faulty', message: 'no' });
    const failed = (await cp.call('POST', '/v1/instances', body)).json.error.instanceId;
    expect(await waitForInstanceState(cp.plane.ctx, failed, 'running', FOREVER)).toMatchObject({ record: { status: 'failed' }, timedOut: false });
    expect(await waitForInstanceState(cp.plane.ctx, failed, 'terminated', FOREVER)).toMatchObject({ record: { status: 'failed' }, timedOut: false });

    const { id } = await spawn();
    const waiting = waitForInstanceState(cp.plane.ctx, id, 'running', FOREVER);
    while (cp.plane.ctx.instanceChanges.listenerCount(id) === 0) await sleep(1);
    await cp.call('DELETE', `/v1/instances/${id}`);
    expect((await waiting).timedOut).toBe(false);
    expect(['terminating', 'terminated']).toContain((await waiting).record.status);
  });

  it('waits for terminated through a DELETE', async () => {
    cp = await startTestControlPlane();
    const { id } = await spawn();
    const waiting = waitForInstanceState(cp.plane.ctx, id, 'terminated', FOREVER);
    while (cp.plane.ctx.instanceChanges.listenerCount(id) === 0) await sleep(1);
    await cp.call('DELETE', `/v1/instances/${id}`);
    // The local driver has the machine gone at once; a reconcile confirms it if the DELETE did not.
    await cp.plane.reconcileNow('faulty');
    expect(await waiting).toMatchObject({ record: { status: 'terminated' }, timedOut: false });
  });

  it('answers the current state with timedOut at the timeout', async () => {
    cp = await startTestControlPlane({ bootDelayMs: 600_000 });
    const { id } = await spawn();
    expect(await waitForInstanceState(cp.plane.ctx, id, 'running', 20)).toMatchObject({ record: { status: 'provisioning' }, timedOut: true });
    expect(await waitForInstanceState(cp.plane.ctx, id, 'running', 0)).toMatchObject({ record: { status: 'provisioning' }, timedOut: true });
    expect(cp.plane.ctx.instanceChanges.listenerCount(id)).toBe(0);
  });

  it('stops waiting when the client goes away', async () => {
    cp = await startTestControlPlane({ bootDelayMs: 600_000 });
    const { id } = await spawn();
    const abort = new AbortController();
    const waiting = waitForInstanceState(cp.plane.ctx, id, 'running', FOREVER, abort.signal);
    while (cp.plane.ctx.instanceChanges.listenerCount(id) === 0) await sleep(1);
    abort.abort();
    expect(await waiting).toMatchObject({ record: { status: 'provisioning' }, timedOut: true });
    expect(cp.plane.ctx.instanceChanges.listenerCount(id)).toBe(0);
  });

  it('an unknown id is 404', async () => {
    cp = await startTestControlPlane();
    await expect(waitForInstanceState(cp.plane.ctx, 'i-nope', 'running', FOREVER)).rejects.toMatchObject({ status: 404, code: 'INSTANCE_NOT_FOUND' });
  });
});

describe('GET /v1/instances/:id?waitFor=...&timeout=...', () => {
  it('answers 200 with the state, and Hangar-Wait: timed-out when the wait ran out', async () => {
    cp = await startTestControlPlane({ bootDelayMs: 600_000 });
    const { id } = await spawn();
    const timedOut = await cp.call('GET', `/v1/instances/${id}?waitFor=running&timeout=0.02`);
    expect(timedOut.status).toBe(200);
    expect(timedOut.json).toMatchObject({ id, status: 'provisioning' });
    expect(timedOut.headers.get('Hangar-Wait')).toBe('timed-out');
    const waiting = cp.call('GET', `/v1/instances/${id}?waitFor=terminated&timeout=300`);
    while (cp.plane.ctx.instanceChanges.listenerCount(id) === 0) await sleep(1);
    await cp.call('DELETE', `/v1/instances/${id}`);
    await cp.plane.reconcileNow('faulty');
    const reached = await waiting;
    expect(reached.status).toBe(200);
    expect(reached.json).toMatchObject({ id, status: 'terminated' });
    expect(reached.headers.get('Hangar-Wait')).toBeNull();
  });

  it.each([
    ['waitFor=booted', 'waitFor'],
    ['waitFor=running&timeout=301', 'timeout'],
    ['waitFor=running&timeout=-1', 'timeout'],
    ['waitFor=running&timeout=soon', 'timeout'],
    ['timeout=5', 'timeout'],
  ])('?%s -> 400 INVALID_WAIT naming %s', async (query, field) => {
    cp = await startTestControlPlane();
    const { id } = await spawn();
    const response = await cp.call('GET', `/v1/instances/${id}?${query}`);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'INVALID_WAIT', field });
  });

  it('an unknown id is 404 with or without a wait', async () => {
    cp = await startTestControlPlane();
    expect((await cp.call('GET', '/v1/instances/i-nope?waitFor=running&timeout=1')).status).toBe(404);
  });
});
