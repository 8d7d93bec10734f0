import { afterEach, describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../src/control-plane/reconcile/reconcile-report.js';
import { spawnOwnedMachine } from '../support/spawn-owned-machine.js';
import { type TestControlPlane, type TestControlPlaneOptions, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

afterEach(() => cp?.close());

const spawnBody = { provider: 'orbstack', instanceType: 'orb.small' };

async function start(reconcile: Record<string, unknown>, options: TestControlPlaneOptions = {}) {
  cp = await startTestControlPlane({
    bootDelayMs: 0,
    ...options,
    settings: { reconcile: { intentGraceMs: 60_000, lostGraceMs: 0, orphanGraceMs: 0, terminateRetryMs: 0, ...reconcile } },
  });
  return cp;
}

async function reconcile(provider = 'orbstack'): Promise<ReconcileReport> {
  const [report] = await cp.plane.reconcileNow(provider);
  if (!report || 'error' in report) throw new Error(`reconcile failed: ${report?.error ?? 'no report'}`);
  return report;
}

async function eventTypes(instanceId: string): Promise<string[]> {
  return (await cp.call('GET', `/v1/events?instance=${instanceId}&limit=1000`)).json.items.map((event: { type: string }) => event.type);
}

/** A machine with our marker that no row knows, made straight on the provider. */
const foreignMachine = (instanceId: string) => spawnOwnedMachine(cp.orbstack.provider, instanceId);

describe('reconciliation', () => {
  it('moves machines on with one list call, and a steady cycle writes nothing', async () => {
    await start({}, { bootDelayMs: 20 });
    for (let i = 0; i < 5; i += 1) expect((await cp.call('POST', '/v1/instances', spawnBody)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const changed = await reconcile();
    expect(changed).toMatchObject({ listed: 5, updated: 5, providerCalls: { list: 1, get: 0, terminate: 0 } });
    expect(changed.rowsWritten).toBe(10);
    const steady = await reconcile();
    expect(steady).toMatchObject({ listed: 5, updated: 0, rowsWritten: 0, providerCalls: { list: 1, get: 0, terminate: 0, snapshot: 0 } });
    const running = (await cp.call('GET', '/v1/instances?status=running')).json.items;
    expect(running).toHaveLength(5);
  });

  it('marks a vanished machine lost only after the grace window and a confirming get', async () => {
    await start({ lostGraceMs: 60_000 });
    const instance = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    await cp.orbstack.provider.terminate(instance.providerId);
    const early = await reconcile();
    expect(early).toMatchObject({ lost: 0, providerCalls: { get: 0 } });
    expect((await cp.call('GET', `/v1/instances/${instance.id}`)).json.status).toBe('running');
    await cp.close();

    await start({ lostGraceMs: 0 });
    const second = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    await cp.orbstack.provider.terminate(second.providerId);
    const report = await reconcile();
    expect(report).toMatchObject({ lost: 1, providerCalls: { list: 1, get: 1 } });
    expect((await cp.call('GET', `/v1/instances/${second.id}`)).json.status).toBe('lost');
    expect(await eventTypes(second.id)).toContain('instance.lost');
    expect(await reconcile()).toMatchObject({ rowsWritten: 0, providerCalls: { get: 0 } });
  });

  it('collects an orphan carrying our marker, with an event', async () => {
    await start({});
    const orphan = await foreignMachine('i-nobody-knows');
    const report = await reconcile();
    expect(report).toMatchObject({ orphansCollected: 1, providerCalls: { terminate: 1 } });
    expect(await cp.orbstack.provider.get(orphan.providerId)).toBeNull();
    const events = (await cp.call('GET', '/v1/events?provider=orbstack')).json.items;
    expect(events.find((event: { type: string }) => event.type === 'orphan.collected')).toMatchObject({
      instanceId: null,
      data: { providerId: orphan.providerId },
    });
  });

  it('waits out the orphan grace period', async () => {
    await start({ orphanGraceMs: 60_000 });
    const orphan = await foreignMachine('i-young-orphan');
    expect(await reconcile()).toMatchObject({ orphansCollected: 0, rowsWritten: 1 });
    expect(await reconcile()).toMatchObject({ orphansCollected: 0, rowsWritten: 0 });
    expect((await cp.orbstack.provider.get(orphan.providerId))?.status).toBe('running');
  });

  it('only reports orphans in report mode, once, after the grace period', async () => {
    await start({ orphanMode: 'report', orphanGraceMs: 60_000 });
    await foreignMachine('i-young-shared');
    expect(await reconcile()).toMatchObject({ orphansReported: 0 });
    await cp.close();
    await start({ orphanMode: 'report' });
    const orphan = await foreignMachine('i-shared-account');
    expect(await reconcile()).toMatchObject({ orphansReported: 1, orphansCollected: 0, providerCalls: { terminate: 0 } });
    expect(await reconcile()).toMatchObject({ orphansReported: 0, rowsWritten: 0 });
    expect((await cp.orbstack.provider.get(orphan.providerId))?.status).toBe('running');
  });

  it('collects the machine of a spawn that failed with a taxonomy error but happened anyway', async () => {
    await start({});
    await cp.call('PUT', '/v1/providers/orbstack/chaos', {
      seed: 1,
      faults: [{ operation: 'spawn', effect: 'phantom', code: 'CAPACITY_ERROR', times: 1 }],
    });
    const response = await cp.call('POST', '/v1/instances', spawnBody);
    expect(response.status).toBe(503);
    const id = response.json.error.instanceId;
    expect(await cp.orbstack.provider.list({ hangarInstanceId: id })).toHaveLength(1);
    expect(await reconcile()).toMatchObject({ orphansCollected: 1 });
    expect(await eventTypes(id)).toContain('orphan.collected');
    expect((await cp.orbstack.provider.list({ hangarInstanceId: id, statuses: ['pending', 'running'] })).length).toBe(0);
  });

  it('adopts the machine of an intent whose spawn outcome was unknown, and fails an intent nothing answers', async () => {
    await start({ intentGraceMs: 0 });
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', times: 1 }] });
    const phantom = await cp.call('POST', '/v1/instances', spawnBody);
    expect(phantom.status).toBe(502);
    cp.faulty.nextSpawnFault = 'hang';
    const hung = await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small' });
    expect(hung.status).toBe(504);
    expect(await reconcile()).toMatchObject({ adopted: 1 });
    expect((await cp.call('GET', `/v1/instances/${phantom.json.error.instanceId}`)).json.status).toBe('running');
    await reconcile('faulty');
    const expired = (await cp.call('GET', `/v1/instances/${hung.json.error.instanceId}`)).json;
    expect(expired).toMatchObject({ status: 'failed', error: { code: 'SPAWN_NOT_CONFIRMED' } });
    expect(await eventTypes(expired.id)).toContain('instance.intent-expired');
  });

  it('records drift once, with the fields that changed', async () => {
    await start({});
    const instance = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, drift: [{ kind: 'spec', times: 1 }] });
    const report = await reconcile();
    expect(report.drifted).toBe(1);
    const drifted = (await cp.call('GET', `/v1/instances/${instance.id}`)).json;
    expect(drifted.drift).toMatchObject({ fields: ['instanceType'] });
    expect(await eventTypes(instance.id)).toContain('instance.drifted');
    expect(await reconcile()).toMatchObject({ drifted: 0, rowsWritten: 0 });
  });

  it('checks a machine past its boot deadline with get, then terminates it', async () => {
    await start({ bootDeadlineMs: 60_000, bootDeadlines: { 'orb.small': 1 } }, { bootDelayMs: 60_000 });
    const instance = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    const large = (await cp.call('POST', '/v1/instances', { ...spawnBody, instanceType: 'orb.large' })).json;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const report = await reconcile();
    expect(report.providerCalls).toMatchObject({ get: 1, terminate: 1 });
    const overdue = (await cp.call('GET', `/v1/instances/${instance.id}`)).json;
    expect(['terminating', 'terminated']).toContain(overdue.status);
    expect(overdue.error.code).toBe('BOOT_DEADLINE_EXCEEDED');
    expect(await eventTypes(instance.id)).toContain('instance.boot-overdue');
    expect((await cp.call('GET', `/v1/instances/${large.id}`)).json.status).toBe('provisioning');
    await reconcile();
    // Confirming the termination keeps the reason the row was terminated for.
    expect((await cp.call('GET', `/v1/instances/${instance.id}`)).json).toMatchObject({
      status: 'terminated',
      error: { code: 'BOOT_DEADLINE_EXCEEDED' },
    });
  });

  it('terminates a machine its provider reports as failed, keeping the reason', async () => {
    await start({});
    const instance = (await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small' })).json;
    cp.faulty.failedMachines.add(instance.providerId);
    const report = await reconcile('faulty');
    expect(report.providerCalls.terminate).toBe(1);
    expect(await eventTypes(instance.id)).toContain('instance.machine-failed');
    await reconcile('faulty');
    expect((await cp.call('GET', `/v1/instances/${instance.id}`)).json).toMatchObject({ status: 'terminated', error: { code: 'MACHINE_FAILED' } });
    expect(await cp.faultyBase.provider.get(instance.providerId)).toBeNull();
  });

  it('terminates a spot machine the vendor reclaimed but kept stopped, as SPOT_INTERRUPTED', async () => {
    await start({});
    const instance = (await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small' })).json;
    cp.faulty.spotStoppedMachines.add(instance.providerId);
    const report = await reconcile('faulty');
    expect(report.providerCalls.terminate).toBe(1);
    expect(await eventTypes(instance.id)).toContain('instance.spot-interrupted');
    await reconcile('faulty');
    expect((await cp.call('GET', `/v1/instances/${instance.id}`)).json).toMatchObject({ status: 'terminated', error: { code: 'SPOT_INTERRUPTED' } });
    expect(await cp.faultyBase.provider.get(instance.providerId)).toBeNull();
  });

  it('retries a termination that did not take, and raises an event past the budget', async () => {
    await start({ terminateBudgetMs: 1 }, { orbstack: { terminateDelayMs: { min: 60_000, max: 60_000 } } });
    const instance = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, faults: [{ operation: 'terminate', code: 'RATE_LIMIT_ERROR', times: 1 }] });
    const deleted = await cp.call('DELETE', `/v1/instances/${instance.id}`);
    expect(deleted.json).toMatchObject({ status: 'terminating', error: { code: 'RATE_LIMIT_ERROR' } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const report = await reconcile();
    expect(report).toMatchObject({ terminationsRetried: 1, providerCalls: { terminate: 1 } });
    const types = await eventTypes(instance.id);
    expect(types).toContain('instance.terminate-failed');
    expect(types).toContain('instance.terminate-retried');
    expect(types).toContain('instance.terminate-overdue');
    // The machine is now on its way out ("still terminating"): nothing more is sent, nothing is written.
    expect(await reconcile()).toMatchObject({ providerCalls: { terminate: 0 }, rowsWritten: 0 });
    expect((await cp.call('GET', `/v1/instances/${instance.id}`)).json.status).toBe('terminating');
  });

  it('recognises a reclaimed spot machine as SPOT_INTERRUPTED', async () => {
    await start({});
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, spotInterruptions: { probability: 1, noticeMs: 0 } });
    const instance = (await cp.call('POST', '/v1/instances', { ...spawnBody, spot: true })).json;
    await reconcile();
    await reconcile();
    const reclaimed = (await cp.call('GET', `/v1/instances/${instance.id}`)).json;
    expect(reclaimed).toMatchObject({ status: 'terminated', error: { code: 'SPOT_INTERRUPTED' } });
    expect(await eventTypes(instance.id)).toContain('instance.spot-interrupted');
  });

  it('never runs two reconciles of one provider at once', async () => {
    await start({});
    cp.faulty.nextListDelayMs = 50;
    await Promise.all([reconcile('faulty'), reconcile('faulty'), reconcile('faulty')]);
    expect(cp.faulty.maxListsInFlight).toBe(1);
  });
});

describe('reconciliation API', () => {
  it('POST /v1/reconcile runs one now and returns its report', async () => {
    await start({});
    await cp.call('POST', '/v1/instances', spawnBody);
    const one = await cp.call('POST', '/v1/reconcile', { provider: 'orbstack' });
    expect(one.status).toBe(200);
    expect(Object.keys(one.json)).toEqual(
      expect.arrayContaining(['provider', 'listed', 'updated', 'adopted', 'orphansCollected', 'orphansReported', 'lost', 'drifted', 'durationMs']),
    );
    const all = await cp.call('POST', '/v1/reconcile');
    expect(all.json.map((report: { provider: string }) => report.provider)).toEqual(['faulty', 'orbstack']);
    expect((await cp.call('POST', '/v1/reconcile', { provider: 'nimbus' })).json.error.code).toBe('UNKNOWN_PROVIDER');
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, faults: [{ operation: 'list', code: 'AUTH_ERROR' }] });
    const failed = await cp.call('POST', '/v1/reconcile', { provider: 'orbstack' });
    expect(failed.status).toBe(502);
    expect(failed.json.error.code).toBe('AUTH_ERROR');
    // Reconciling every provider: one failing stops none of the others.
    const mixed = (await cp.call('POST', '/v1/reconcile')).json;
    expect(mixed[0]).toMatchObject({ provider: 'faulty', listed: 0 });
    expect(mixed[1]).toMatchObject({ provider: 'orbstack', error: expect.stringContaining('AUTH_ERROR') });
    expect((await cp.call('POST', '/v1/reconcile', { provder: 'orbstack' })).status).toBe(422);
  });

  it('GET /v1/providers/:name/health shows the last heartbeat per task', async () => {
    await start({});
    await cp.call('POST', '/v1/reconcile', { provider: 'orbstack' });
    const health = (await cp.call('GET', '/v1/providers/orbstack/health')).json;
    expect(health.tasks.reconcile).toMatchObject({ ok: true, consecutiveFailures: 0, lastReport: { provider: 'orbstack' } });
    expect(typeof health.tasks.reconcile.durationMs).toBe('number');
    expect(health.tasks.health_check.lastStartedAt).toBeNull();
  });

  it('backs off after failures, honouring Retry-After', async () => {
    await start({ reconcileIntervalMs: 10, healthCheckIntervalMs: 60_000 });
    await cp.call('PUT', '/v1/providers/orbstack/chaos', {
      seed: 1,
      faults: [{ operation: 'list', code: 'RATE_LIMIT_ERROR', retryAfterMs: 60_000 }],
    });
    cp.plane.scheduler.start();
    const deadline = Date.now() + 5000;
    let health = (await cp.call('GET', '/v1/providers/orbstack/health')).json;
    while (health.tasks.reconcile.consecutiveFailures === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      health = (await cp.call('GET', '/v1/providers/orbstack/health')).json;
    }
    expect(health.tasks.reconcile).toMatchObject({ ok: false, consecutiveFailures: 1 });
    expect(health.tasks.reconcile.message).toContain('RATE_LIMIT_ERROR');
    expect(Date.parse(health.tasks.reconcile.nextRunAt) - Date.now()).toBeGreaterThan(50_000);
    // The health check reads one machine, which the list fault does not touch.
    expect(health.tasks.health_check).toMatchObject({ ok: true, message: 'local driver answers' });
  });

  it('GET /v1/providers/:name/machines lists what the provider reports as ours, generic fields only', async () => {
    await start({});
    for (let i = 0; i < 3; i += 1) await cp.call('POST', '/v1/instances', spawnBody);
    await spawnOwnedMachine(cp.orbstack.provider, 'i-theirs', 'someone-else');
    const first = (await cp.call('GET', '/v1/providers/orbstack/machines?limit=2')).json;
    expect(first.total).toBe(3);
    expect(first.items).toHaveLength(2);
    expect(first.items[0]).not.toHaveProperty('machineId');
    expect(first.items[0].owner).toBe('hangar');
    const rest = (await cp.call('GET', `/v1/providers/orbstack/machines?limit=2&cursor=${first.nextCursor}`)).json;
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    expect((await cp.call('GET', '/v1/providers/orbstack/machines?cursor=garbage')).json.error.code).toBe('INVALID_CURSOR');
  });

  it('GET /v1/events pages after a cursor and filters by instance', async () => {
    await start({});
    const a = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    await cp.call('POST', '/v1/instances', spawnBody);
    const page = (await cp.call('GET', '/v1/events?limit=2')).json;
    expect(page.items).toHaveLength(2);
    const next = (await cp.call('GET', `/v1/events?after=${page.nextCursor}`)).json;
    expect(next.items[0].id).toBeGreaterThan(page.items[1].id);
    const empty = (await cp.call('GET', `/v1/events?after=${next.nextCursor}`)).json;
    expect(empty).toEqual({ items: [], nextCursor: next.nextCursor });
    const only = (await cp.call('GET', `/v1/events?instance=${a.id}`)).json.items;
    expect(new Set(only.map((event: { instanceId: string }) => event.instanceId))).toEqual(new Set([a.id]));
    expect((await cp.call('GET', '/v1/events?after=garbage')).status).toBe(400);
  });

  it('GET /v1/events/stream pushes new events as server-sent events', async () => {
    await start({});
    const controller = new AbortController();
    const response = await cp.plane.app.request('/v1/events/stream', { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const created = (await cp.call('POST', '/v1/instances', spawnBody)).json;
    let text = '';
    while (!text.includes('instance.spawned')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(text).toContain('event: instance.requested');
    expect(text).toContain(created.id);
    expect(text).toMatch(/^id: \d+$/m);
  });
});
