import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { FreshInstanceFollower } from '../../src/control-plane/reconcile/fresh-instance-follower.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

afterEach(async () => {
  vi.useRealTimers();
  await cp.close();
});

const follow = { enabled: true, intervalMs: 250, maxIntervalMs: 5000, concurrency: 4 };
const eventTypes = async (id: string) => (await cp.call('GET', `/v1/instances/${id}/events`)).json.items.map((event: { type: string }) => event.type);

/** One follower pass; what it did for the faulty provider. */
const faultyPass = async (follower: FreshInstanceFollower = cp.plane.follower) => (await follower.runOnce()).find((pass) => pass.provider === 'faulty');

/** Spawns on the faulty provider and waits (by reading the provider, not the clock) until its machine boots. */
async function spawnBooted(): Promise<{ id: string; providerId: string }> {
  const spawned = (await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small' })).json;
  expect(spawned.status).toBe('provisioning');
  while ((await cp.faultyBase.provider.get(spawned.providerId))?.status !== 'running') await sleep(5);
  return { id: spawned.id, providerId: spawned.providerId };
}

describe('the fresh-instance follower', () => {
  it('turns a provisioning row running as soon as the provider says so, without a reconcile', async () => {
    cp = await startTestControlPlane();
    const { id } = await spawnBooted();
    const passes = await cp.plane.follower.runOnce();
    expect(passes.find((pass) => pass.provider === 'orbstack')).toMatchObject({ followed: 0, gets: 0 });
    expect(passes.find((pass) => pass.provider === 'faulty')).toMatchObject({ followed: 1, gets: 1, advanced: 1 });
    expect((await cp.call('GET', `/v1/instances/${id}`)).json.status).toBe('running');
    // The same event the reconciler writes, and nothing for the reconcile to do afterwards.
    expect(await eventTypes(id)).toEqual(['instance.requested', 'instance.spawned', 'instance.running']);
    expect(await faultyPass()).toMatchObject({ followed: 0, gets: 0 });
  });

  it('reads a row that is not running yet again only after its backoff', async () => {
    cp = await startTestControlPlane({ bootDelayMs: 600_000 });
    const spawned = (await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small' })).json;
    expect(await faultyPass()).toMatchObject({ followed: 1, gets: 1, advanced: 0 });
    expect(await faultyPass()).toMatchObject({ followed: 1, gets: 0 });
    expect((await cp.call('GET', `/v1/instances/${spawned.id}`)).json.status).toBe('provisioning');
  });

  it('never marks a row gone or failed from a get: a missing or failed machine is left to the reconciler', async () => {
    cp = await startTestControlPlane();
    const missing = await spawnBooted();
    const failed = await spawnBooted();
    await cp.faultyBase.provider.terminate(missing.providerId);
    cp.faulty.failedMachines.add(failed.providerId);
    expect(await faultyPass()).toMatchObject({ followed: 2, gets: 2, advanced: 0 });
    for (const { id } of [missing, failed]) expect((await cp.call('GET', `/v1/instances/${id}`)).json.status).toBe('provisioning');
  });

  it('confirms a terminating row terminated when the provider reports the machine terminated', async () => {
    cp = await startTestControlPlane();
    const { id, providerId } = await spawnBooted();
    await cp.plane.ctx.instances.transition(id, { from: ['provisioning'], to: 'terminating', patch: { terminateRequestedAt: new Date().toISOString() } });
    expect(await faultyPass()).toMatchObject({ gets: 1, advanced: 0 });
    cp.faulty.terminatedMachines.add(providerId);
    await cp.plane.ctx.instances.transition(id, { from: ['terminating'], to: 'terminating', patch: { terminateRequestedAt: new Date().toISOString() } });
    const follower = new FreshInstanceFollower(cp.plane.ctx, follow);
    expect(await faultyPass(follower)).toMatchObject({ gets: 1, advanced: 1 });
    expect((await cp.call('GET', `/v1/instances/${id}`)).json).toMatchObject({ status: 'terminated', terminatedAt: expect.any(String) });
  });

  it('a RATE_LIMIT_ERROR pauses the provider for its Retry-After', async () => {
    cp = await startTestControlPlane();
    await spawnBooted();
    await spawnBooted();
    const follower = new FreshInstanceFollower(cp.plane.ctx, { ...follow, concurrency: 1 });
    cp.faulty.nextGetFault = new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'faulty', message: 'slow down', retryAfterMs: 60_000 });
    const first = await faultyPass(follower);
    // The second get of the pass is not sent once the first was throttled.
    expect(first).toMatchObject({ gets: 1, errors: 1, paused: true, advanced: 0 });
    expect(await faultyPass(follower)).toMatchObject({ gets: 0, paused: true });
    expect(cp.faulty.getCalls).toBe(1);
  });

  it('start and stop leave no timer behind', async () => {
    cp = await startTestControlPlane();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const follower = new FreshInstanceFollower(cp.plane.ctx, follow);
    follower.start();
    expect(vi.getTimerCount()).toBe(1);
    await follower.stop();
    expect(vi.getTimerCount()).toBe(0);
    follower.start();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does nothing when disabled', async () => {
    cp = await startTestControlPlane();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    new FreshInstanceFollower(cp.plane.ctx, { ...follow, enabled: false }).start();
    expect(vi.getTimerCount()).toBe(0);
  });
});
