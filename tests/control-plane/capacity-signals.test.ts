import { afterEach, describe, expect, it } from 'vitest';
import type { CapacitySignals, ProviderRegistration } from '../../src/contracts/index.js';
import { ControlPlaneSettingsSchema } from '../../src/control-plane/config.js';
import { type ControlPlane, createControlPlane } from '../../src/control-plane/control-plane.js';
import { createLogger } from '../../src/control-plane/logger.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { FaultyProvider, faultyRegistration } from './support/faulty-provider.js';

interface Bed {
  plane: ControlPlane;
  /** The port the control plane bound to the provider that asked for one (`orbstack` here). */
  port: CapacitySignals;
  /** How often each provider was bound. */
  binds: Map<string, number>;
  logs: string[];
  entries(query?: string): Promise<Record<string, unknown>[]>;
}

let plane: ControlPlane | undefined;
let dir: TempDir | undefined;
afterEach(async () => {
  await plane?.close();
  dir?.remove();
  plane = undefined;
  dir = undefined;
});

/** A control plane with two providers: `orbstack` takes the capacity-signals port, `faulty` does not (and is bound nothing). */
async function open(settings: Record<string, unknown> = {}): Promise<Bed> {
  dir = makeTempDir('capacity-signals');
  const orbstack = createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 1 }), { dataDir: dir.path });
  const binds = new Map<string, number>();
  let port: CapacitySignals | undefined;
  const registration: ProviderRegistration = {
    provider: orbstack.provider,
    hooks: {},
    bindCapacitySignals: (signals) => {
      binds.set('orbstack', (binds.get('orbstack') ?? 0) + 1);
      port = signals;
    },
  };
  const faultyBase = createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 2 }), { dataDir: `${dir.path}/faulty` });
  const logs: string[] = [];
  plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir.path, port: 0, ...settings }),
    registrations: [registration, faultyRegistration(new FaultyProvider(faultyBase.provider))],
    logger: createLogger('debug', (line) => logs.push(line)),
  });
  if (port === undefined) throw new Error('the control plane bound no capacity-signals port');
  const current = plane;
  return {
    plane: current,
    port,
    binds,
    logs,
    async entries(query = '') {
      const response = await current.app.request(`/v1/capacity-errors${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Record<string, unknown>[] }).items;
    },
  };
}

const ZONE_A = { region: 'local-1', zone: 'local-1a', instanceType: 'orb.medium', market: 'on-demand' } as const;

describe('the capacity-signals port: providers report to, and read from, the control plane’s one cache', () => {
  it('binds each registration that asks, once, when the cache is loaded', async () => {
    const bed = await open();
    expect(bed.binds).toEqual(new Map([['orbstack', 1]]));
  });

  it('a reported signal shows at GET /v1/capacity-errors with source provider, and blocks at once (before its write lands)', async () => {
    const bed = await open();
    bed.port.report({ ...ZONE_A, code: 'CAPACITY_ERROR', message: 'InsufficientInstanceCapacity: local-1a is full' });
    // Synchronously: the provider's next look already sees its own finding.
    expect(bed.port.isBlocked(ZONE_A)).toBe(true);
    expect(bed.port.blockOf(ZONE_A)).toMatchObject({ code: 'CAPACITY_ERROR', message: 'InsufficientInstanceCapacity: local-1a is full', until: expect.any(String) });
    const [entry] = await waitFor('the signal persisted', async () => {
      const items = await bed.entries('?provider=orbstack');
      return items.length > 0 ? items : undefined;
    });
    expect(entry).toMatchObject({
      provider: 'orbstack',
      ...ZONE_A,
      code: 'CAPACITY_ERROR',
      message: 'InsufficientInstanceCapacity: local-1a is full',
      source: 'provider',
      failures: 1,
      active: true,
    });
    // Scoped to its slice: another zone, type or market, or another provider, is not blocked.
    expect(bed.port.isBlocked({ ...ZONE_A, zone: 'local-1b' })).toBe(false);
    expect(bed.port.isBlocked({ ...ZONE_A, instanceType: 'orb.large' })).toBe(false);
    expect(bed.port.isBlocked({ ...ZONE_A, market: 'spot' })).toBe(false);
    // The planner reads the same cache: the slice is CAPACITY_CACHED there too.
    expect(bed.plane.ctx.capacityErrors.blocks()).toContainEqual(expect.objectContaining({ provider: 'orbstack', zone: 'local-1a', instanceType: 'orb.medium' }));
  });

  it('reports one after another in order: a repeat counts, and a quota is scoped to the region as the cache scopes it', async () => {
    const bed = await open();
    bed.port.report({ ...ZONE_A, code: 'CAPACITY_ERROR', message: 'full' });
    bed.port.report({ ...ZONE_A, code: 'CAPACITY_ERROR', message: 'still full' });
    bed.port.report({ ...ZONE_A, zone: 'local-1b', code: 'QUOTA_EXCEEDED', message: 'vCPU quota' });
    const items = await waitFor('three signals persisted', async () => {
      const all = await bed.entries();
      return all.some((entry) => entry.code === 'QUOTA_EXCEEDED') ? all : undefined;
    });
    expect(items.find((entry) => entry.zone === 'local-1a')).toMatchObject({ failures: 2, message: 'still full', source: 'provider' });
    expect(items.find((entry) => entry.code === 'QUOTA_EXCEEDED')).toMatchObject({ zone: null, instanceType: null, market: 'on-demand', source: 'provider' });
    // Every zone and type of the region, in that market.
    expect(bed.port.isBlocked({ region: 'local-1', zone: 'local-1c', instanceType: 'orb.small', market: 'on-demand' })).toBe(true);
    expect(bed.port.blockOf({ region: 'local-1', zone: 'local-1c', instanceType: 'orb.small', market: 'on-demand' })?.code).toBe('QUOTA_EXCEEDED');
    expect(bed.port.isBlocked({ region: 'local-1', zone: 'local-1c', instanceType: 'orb.small', market: 'spot' })).toBe(false);
  });

  it('isBlocked sees what the control plane recorded itself: null fields cover, expired entries and other providers do not', async () => {
    const bed = await open();
    const store = bed.plane.ctx.capacityErrors;
    expect(bed.port.isBlocked(ZONE_A)).toBe(false);
    await store.record({ provider: 'orbstack', ...ZONE_A, zone: null, market: null, code: 'CAPACITY_ERROR', message: 'a spawn was refused', source: 'spawn' });
    expect(bed.port.isBlocked(ZONE_A)).toBe(true);
    expect(bed.port.isBlocked({ ...ZONE_A, zone: 'local-1b', market: 'spot' })).toBe(true);
    expect(bed.port.blockOf(ZONE_A)).toMatchObject({ code: 'CAPACITY_ERROR', message: 'a spawn was refused' });
    expect(bed.port.isBlocked({ ...ZONE_A, instanceType: 'orb.large' })).toBe(false);
    expect(bed.port.isBlocked({ ...ZONE_A, region: 'local-2' })).toBe(false);

    await store.record({ provider: 'faulty', ...ZONE_A, instanceType: 'orb.large', code: 'CAPACITY_ERROR', message: 'not ours', source: 'spawn' });
    expect(bed.port.isBlocked({ ...ZONE_A, instanceType: 'orb.large' })).toBe(false);

    // Recorded long enough ago that it has lapsed (still listed, for its failure count, but not in force).
    await store.record({ provider: 'orbstack', ...ZONE_A, instanceType: 'orb.small', code: 'CAPACITY_ERROR', message: 'old', source: 'placement' }, Date.now() - 3_600_000);
    expect(bed.port.isBlocked({ ...ZONE_A, instanceType: 'orb.small' })).toBe(false);
    expect(await bed.entries('?provider=orbstack')).toContainEqual(expect.objectContaining({ instanceType: 'orb.small', active: false }));
  });

  it('honours the provider’s TTL from placement.capacityErrors: the held report lapses with it', async () => {
    const bed = await open({ placement: { capacityErrors: { providers: { orbstack: { ttlMs: 1 } } } } });
    bed.port.report({ ...ZONE_A, code: 'CAPACITY_ERROR', message: 'brief' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bed.port.isBlocked(ZONE_A)).toBe(false);
  });

  it('never throws into the provider: a write that fails is logged, and the report still blocks in memory until it lapses', async () => {
    const bed = await open();
    await bed.plane.db.destroy(); // the store can no longer write
    expect(() => bed.port.report({ ...ZONE_A, code: 'CAPACITY_ERROR', message: 'unsaved' })).not.toThrow();
    await waitFor('the failure logged', async () => (bed.logs.some((line) => line.includes('a provider capacity signal was not recorded')) ? true : undefined));
    const line = JSON.parse(bed.logs.find((entry) => entry.includes('a provider capacity signal was not recorded')) ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', provider: 'orbstack', region: 'local-1', zone: 'local-1a' });
    expect(bed.port.isBlocked(ZONE_A)).toBe(true);
    plane = undefined; // closed by hand below: its database is gone
    await bed.plane.close().catch(() => {});
  });
});
