/**
 * What SQLite itself needs for a reconcile's reads and writes, on the data directory the reconcile
 * just used: the floor its cycles are compared with. Straight better-sqlite3, one prepared
 * statement, no kysely, no decisions. Run it in a process of its own (reconcile-worker.ts `floor`):
 * beside a control plane's heap the collector slows it several-fold and flatters the ratios.
 */
import { performance } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';

export interface SqliteFloor {
  /** Every open row of the provider, `select *`, into a Map by id. */
  readMs: number;
  /** The same rows' status and updated_at, one UPDATE by id each, in one transaction. */
  updateMs: number;
  rows: number;
}

const OPEN = `'requested', 'provisioning', 'running', 'terminating', 'lost'`;

/** Measures each floor `rounds` times and keeps the fastest, which is the least disturbed by a shared machine. */
export function measureSqliteFloor(file: string, provider: string, rounds = 2): SqliteFloor {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  try {
    const select = db.prepare(`select * from "instances" where "provider" = ? and "status" in (${OPEN})`);
    const update = db.prepare(`update "instances" set "status" = ?, "updated_at" = ? where "id" = ?`);
    let readMs = Infinity;
    let updateMs = Infinity;
    let rows = new Map<string, { id: string; status: string }>();
    for (let round = 0; round < rounds; round += 1) {
      rows = new Map();
      const readStarted = performance.now();
      for (const row of select.iterate(provider) as IterableIterator<{ id: string; status: string }>) rows.set(row.id, row);
      readMs = Math.min(readMs, performance.now() - readStarted);
      // Flip every row between two open statuses, so each round really moves its index entries.
      const to = round % 2 === 0 ? 'provisioning' : 'running';
      const updateStarted = performance.now();
      db.transaction(() => {
        const now = new Date().toISOString();
        for (const id of rows.keys()) update.run(to, now, id);
      })();
      updateMs = Math.min(updateMs, performance.now() - updateStarted);
    }
    return { readMs, updateMs, rows: rows.size };
  } finally {
    db.close();
  }
}
