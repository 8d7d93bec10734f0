import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderInstance } from '../../src/contracts/index.js';
import { canonicalHash } from '../../src/control-plane/canonical-json.js';
import { type InstanceRecord, type InstanceStatus, newIntentRecord } from '../../src/control-plane/instance-record.js';
import { specHash } from '../../src/control-plane/reconcile/spec-hash.js';
import type { Database } from '../../src/control-plane/store/database-schema.js';
import { listEvents } from '../../src/control-plane/store/event-store.js';
import { InstanceStore, type PlannedChange } from '../../src/control-plane/store/instance-store.js';
import { openDatabase } from '../../src/control-plane/store/open-database.js';

let dir: string;
let db: Kysely<Database>;
let store: InstanceStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hangar-reconcile-store-'));
  db = await openDatabase(dir);
  store = new InstanceStore(db);
});

afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function record(index: number, status: InstanceStatus, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const id = `i-${String(index).padStart(6, '0')}`;
  const intent = newIntentRecord({
    id,
    provider: 'orbstack',
    name: id,
    instanceType: 'orb.small',
    region: 'local-1',
    zone: null,
    spot: false,
    image: null,
    tags: {},
    volumes: [],
    idempotencyKey: null,
    requestHash: `hash-${index}`,
    bootstrapChecksum: 'checksum',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return { ...intent, providerId: `m-${index}`, status, specHash: 'spec', specHashVersion: 1, ...overrides };
}

async function openRows(): Promise<InstanceRecord[]> {
  const rows: InstanceRecord[] = [];
  for (let afterId: string | undefined; ; ) {
    const page = await store.openPage('orbstack', afterId, 7);
    rows.push(...page);
    if (page.length < 7) return rows;
    afterId = page.at(-1)?.id;
  }
}

describe('the reconciler’s store paths', () => {
  it('openPage reads every open row of the provider, in id order, exactly as findById does', async () => {
    const statuses: InstanceStatus[] = ['requested', 'provisioning', 'running', 'terminating', 'lost', 'terminated', 'failed'];
    for (let index = 0; index < 30; index += 1) {
      await store.insert(
        record(index, statuses[index % statuses.length] as InstanceStatus, {
          providerId: index % 3 === 0 ? null : `m-${index}`,
          zone: index % 2 === 0 ? 'local-1a' : null,
          spot: index % 4 === 0,
          image: index % 5 === 0 ? 'ubuntu:24.04' : null,
          tags: { team: `t${index}`, quote: 'a "b" \\ é' },
          volumes: index % 2 === 0 ? [{ providerVolumeId: `v-${index}` }] : [],
          idempotencyKey: index % 2 === 0 ? `key-${index}` : null,
          error: index % 3 === 1 ? { status: 502, code: 'MACHINE_FAILED', message: 'failed' } : null,
          specHash: index % 6 === 0 ? null : 'spec',
          specHashVersion: index % 6 === 0 ? null : 1,
        }),
      );
    }
    await store.insert(record(99, 'running', { provider: 'other' }));
    await db
      .updateTable('instances')
      .set({
        drift: JSON.stringify({ observedHash: 'x', fields: ['zone'], detectedAt: '2026-01-02T00:00:00.000Z' }),
        terminate_attempts: 3,
        last_terminate_at: '2026-01-03T00:00:00.000Z',
        terminate_overdue_at: '2026-01-04T00:00:00.000Z',
        boot_overdue_at: '2026-01-05T00:00:00.000Z',
      })
      .where('id', '=', 'i-000002')
      .execute();
    const rows = await openRows();
    expect(rows.map((row) => row.id)).toEqual(
      Array.from({ length: 30 }, (_, index) => index)
        .filter((index) => index % statuses.length < 5)
        .map((index) => `i-${String(index).padStart(6, '0')}`),
    );
    for (const row of rows) expect(row).toStrictEqual(await store.findById(row.id));
  });

  it('applyPlanned writes only the columns a change names, compare-and-set on status, events only for rows that moved', async () => {
    // More changes than one statement takes, in two shapes, so the batches split and group.
    const rows = Array.from({ length: 1100 }, (_, index) => record(index, 'provisioning'));
    for (const row of rows) await store.insert(row);
    // Requests that land between the reconcile's read and its write: a bookkeeping column, and a status.
    await db.updateTable('instances').set({ terminate_attempts: 5 }).where('id', '=', 'i-000001').execute();
    await db.updateTable('instances').set({ status: 'terminating' }).where('id', '=', 'i-000002').execute();
    const changes: PlannedChange[] = rows.map((row, index) =>
      index % 2 === 0
        ? { record: row, to: 'running', patch: {}, events: [{ type: 'instance.running', message: `${row.id} is running` }] }
        : {
            record: row,
            to: 'provisioning',
            patch: { specHash: `new-${index}`, drift: { observedHash: 'o', fields: ['zone'], detectedAt: 'now' } },
            events: [{ type: 'instance.drifted', message: 'drifted', data: { fields: ['zone'] } }],
          },
    );
    expect(await store.applyPlanned(changes)).toEqual({ applied: 1099, events: 1099 });
    const one = await store.findById('i-000001');
    expect(one).toMatchObject({ status: 'provisioning', specHash: 'new-1', terminateAttempts: 5, drift: { observedHash: 'o', fields: ['zone'] } });
    expect(await store.findById('i-000002')).toMatchObject({ status: 'terminating', specHash: 'spec' });
    expect(await store.findById('i-000004')).toMatchObject({ status: 'running', specHash: 'spec', drift: null });
    const events = (await listEvents(db, { provider: 'orbstack', limit: 5000 })).filter((event) => event.type !== 'instance.requested');
    expect(events.map((event) => event.instanceId)).toEqual(rows.filter((row) => row.id !== 'i-000002').map((row) => row.id));
    expect(events[1]).toMatchObject({ type: 'instance.drifted', fromStatus: 'provisioning', toStatus: 'provisioning', data: { fields: ['zone'] } });
    expect(events[0]).toMatchObject({ type: 'instance.running', fromStatus: 'provisioning', toStatus: 'running', data: null });
  });
});

describe('specHash', () => {
  it('is the canonical hash of the machine’s spec', () => {
    const machine = (overrides: Partial<ProviderInstance>) =>
      ({ instanceType: 'orb.small', region: 'local-1', zone: null, spot: false, image: null, ...overrides }) as ProviderInstance;
    for (const overrides of [{}, { zone: 'local-1a' }, { spot: true }, { image: 'ubuntu:24.04' }, { instanceType: 'a "b" é', zone: 'z', spot: true, image: 'i' }]) {
      const spec = { instanceType: 'orb.small', region: 'local-1', zone: null, spot: false, image: null, ...overrides };
      expect(specHash(machine(overrides))).toBe(canonicalHash(spec));
      expect(specHash(machine(overrides))).toBe(canonicalHash(spec));
    }
  });
});
