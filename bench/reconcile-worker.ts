/**
 * A reconcile benchmark in two processes, so the reconciling one's peak RSS is its own:
 * `seed <dir> <N>` creates N owned OrbStack machines and their rows (provisioning); `run <dir>`
 * opens that data directory as the control plane does at start, then times a cycle with changes
 * (every row provisioning -> running) and a steady cycle; `floor <dir>`, run next in a fresh process,
 * measures the SQLite floor on the same database file (bench/sqlite-floor.ts). Each prints one JSON line.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable } from 'kysely';
import { ControlPlaneSettingsSchema } from '../src/control-plane/config.js';
import { createControlPlane } from '../src/control-plane/control-plane.js';
import type { InstancesTable } from '../src/control-plane/store/database-schema.js';
import { newId } from '../src/control-plane/ids.js';
import { DATABASE_FILE } from '../src/control-plane/store/open-database.js';
import { createLogger } from '../src/control-plane/logger.js';
import { SPEC_HASH_VERSION, specHash } from '../src/control-plane/reconcile/spec-hash.js';
import { OrbStackConfigSchema } from '../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../src/providers/orbstack/orbstack-registration.js';
import { measureSqliteFloor } from './sqlite-floor.js';

const [mode, dataDir, countArgument] = process.argv.slice(2);
if ((mode !== 'seed' && mode !== 'run' && mode !== 'floor') || !dataDir) {
  throw new Error('usage: reconcile-worker.ts seed <dir> <N> | run <dir> | floor <dir>');
}

async function openPlane(dir: string) {
  const registration = createOrbStackRegistration(
    OrbStackConfigSchema.parse({
      bootDelayMs: { min: 0, max: 0 },
      terminateDelayMs: { min: 0, max: 0 },
      capacityPerZone: { default: 10_000_000 },
    }),
    { dataDir: dir },
  );
  const plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir, logLevel: 'silent' }),
    registrations: [registration],
    logger: createLogger('silent'),
  });
  return { registration, plane };
}

async function seed(dir: string, count: number): Promise<void> {
  const { registration, plane } = await openPlane(dir);
  const seedStarted = performance.now();
  const now = new Date().toISOString();
  const rows: Insertable<InstancesTable>[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = newId('i');
    const machine = await registration.provider.spawn({
      instanceType: 'orb.nano',
      region: 'local-1',
      zone: null,
      spot: false,
      image: null,
      name: id,
      tags: {},
      bootstrap: registration.provider.generateBootstrap({ instanceId: id }),
      idempotencyToken: id,
      ownership: { owner: 'hangar', instanceId: id },
    });
    rows.push({
      id,
      provider: 'orbstack',
      provider_id: machine.providerId,
      status: 'provisioning',
      name: id,
      instance_type: 'orb.nano',
      region: 'local-1',
      zone: machine.zone,
      spot: 0,
      image: null,
      tags: '{}',
      idempotency_key: null,
      request_hash: id,
      bootstrap_checksum: machine.bootstrapChecksum,
      created_at: now,
      updated_at: now,
      spec_hash: specHash(machine),
      spec_hash_version: SPEC_HASH_VERSION,
    });
  }
  await plane.db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += 500) await trx.insertInto('instances').values(rows.slice(start, start + 500)).execute();
  });
  await plane.close();
  process.stdout.write(`${JSON.stringify({ count, seedMs: performance.now() - seedStarted })}\n`);
}

async function reconcileTwice(dir: string): Promise<void> {
  const opened = performance.now();
  const { plane } = await openPlane(dir);
  const openMs = performance.now() - opened;
  const openRssMiB = process.resourceUsage().maxRSS / 1024;
  const cycle = async () => {
    const started = performance.now();
    const [report] = await plane.reconcileNow('orbstack');
    if (!report || 'error' in report) throw new Error(`reconcile failed: ${report?.error ?? 'no report'}`);
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    // With --expose-gc: the live heap after the cycle, apart from garbage V8 has not collected yet.
    globalThis.gc?.();
    return { wallMs: performance.now() - started, report, maxRssMiB, liveHeapMiB: process.memoryUsage().heapUsed / 1024 / 1024 };
  };
  const changed = await cycle();
  const steady = await cycle();
  await plane.close();
  process.stdout.write(`${JSON.stringify({ openMs, openRssMiB, changed, steady })}\n`);
}

if (mode === 'seed') await seed(dataDir, Number(countArgument));
else if (mode === 'run') await reconcileTwice(dataDir);
else process.stdout.write(`${JSON.stringify(measureSqliteFloor(join(dataDir, DATABASE_FILE), 'orbstack', 3))}\n`);
