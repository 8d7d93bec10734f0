import { CompiledQuery, type Transaction } from 'kysely';
import type { Database } from './database-schema.js';
import type { InstancePatch, PlannedChange } from './instance-store.js';

/** The patchable fields, each with its column and how its value is stored, in a fixed order. */
const PATCH_COLUMNS: readonly [keyof InstancePatch, string, boolean][] = [
  ['providerId', 'provider_id', false],
  ['zone', 'zone', false],
  ['error', 'error', true],
  ['terminateRequestedAt', 'terminate_requested_at', false],
  ['terminatedAt', 'terminated_at', false],
  ['specHash', 'spec_hash', false],
  ['specHashVersion', 'spec_hash_version', false],
  ['drift', 'drift', true],
  ['terminateAttempts', 'terminate_attempts', false],
  ['lastTerminateAt', 'last_terminate_at', false],
  ['terminateOverdueAt', 'terminate_overdue_at', false],
  ['bootOverdueAt', 'boot_overdue_at', false],
];

const EVENT_COLUMNS = 8;
/** Rows per statement: 512 rows of at most 15 values stay far below SQLite's 32,766 bound parameters. */
const MAX_ROWS = 512;

/**
 * Splits `items` into chunks of power-of-two sizes (at most MAX_ROWS), so the statements built per
 * size are few and the statement cache keeps them instead of one new text per remainder.
 */
function* chunks<T>(items: readonly T[]): Generator<readonly T[]> {
  let start = 0;
  while (start < items.length) {
    let size = MAX_ROWS;
    while (size > items.length - start) size >>= 1;
    yield items.slice(start, start + size);
    start += size;
  }
}

/**
 * The `?` bind markers of a multi-row VALUES list: `rows` tuples of `columns` markers each, e.g.
 * `(?, ?), (?, ?)`. The values themselves are bound separately (never spliced into the SQL).
 */
function bindMarkerRows(rows: number, columns: number): string {
  const row = `(${new Array<string>(columns).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(row).join(', ');
}

/** The patch's fields that are set, in PATCH_COLUMNS order: the change's shape. */
function patchedColumns(patch: InstancePatch): (typeof PATCH_COLUMNS)[number][] {
  return PATCH_COLUMNS.filter(([key]) => patch[key] !== undefined);
}

/** Changes that set the same columns, so one statement writes them all. */
function byShape(changes: readonly PlannedChange[]): Map<string, { columns: (typeof PATCH_COLUMNS)[number][]; changes: PlannedChange[] }> {
  const shapes = new Map<string, { columns: (typeof PATCH_COLUMNS)[number][]; changes: PlannedChange[] }>();
  for (const change of changes) {
    const columns = patchedColumns(change.patch);
    const key = columns.map(([, column]) => column).join(',');
    const shape = shapes.get(key);
    if (shape) shape.changes.push(change);
    else shapes.set(key, { columns, changes: [change] });
  }
  return shapes;
}

/**
 * One compare-and-set UPDATE for many rows: each row moves only if it is still in the status it was
 * read in, and only the columns its patch names are written. Answers the ids that moved.
 */
async function updateChunk(trx: Transaction<Database>, columns: (typeof PATCH_COLUMNS)[number][], chunk: readonly PlannedChange[], now: string): Promise<string[]> {
  const set = columns.map(([, column], index) => `"${column}" = v.column${index + 4}`);
  const sql =
    `update "instances" set "status" = v.column3, "updated_at" = ?${set.map((assignment) => `, ${assignment}`).join('')} ` +
    `from (values ${bindMarkerRows(chunk.length, 3 + columns.length)}) as v ` +
    `where "instances"."id" = v.column1 and "instances"."status" = v.column2 returning "id"`;
  const parameters: unknown[] = [now];
  for (const change of chunk) {
    parameters.push(change.record.id, change.record.status, change.to);
    for (const [key, , json] of columns) {
      const value = change.patch[key];
      parameters.push(json ? (value === null ? null : JSON.stringify(value)) : value);
    }
  }
  const { rows } = await trx.executeQuery<{ id: string }>(CompiledQuery.raw(sql, parameters));
  return rows.map((row) => row.id);
}

async function insertEvents(trx: Transaction<Database>, events: readonly unknown[][]): Promise<void> {
  for (const chunk of chunks(events)) {
    const sql =
      `insert into "events" ("provider", "instance_id", "type", "from_status", "to_status", "message", "data", "created_at") ` +
      `values ${bindMarkerRows(chunk.length, EVENT_COLUMNS)}`;
    await trx.executeQuery(CompiledQuery.raw(sql, chunk.flat()));
  }
}

/**
 * Writes a reconcile's planned changes inside `trx`, a few hundred rows a statement: the rows that
 * are still in the status they were read in move, and only their events are written, in the order
 * of `changes`. Returns how many rows moved and how many events were written.
 */
export async function writePlannedChanges(trx: Transaction<Database>, changes: readonly PlannedChange[], now: string): Promise<{ applied: number; events: number }> {
  const moved = new Set<string>();
  for (const { columns, changes: shaped } of byShape(changes).values()) {
    for (const chunk of chunks(shaped)) for (const id of await updateChunk(trx, columns, chunk, now)) moved.add(id);
  }
  const events: unknown[][] = [];
  for (const change of changes) {
    if (!moved.has(change.record.id)) continue;
    for (const event of change.events) {
      events.push([
        change.record.provider,
        change.record.id,
        event.type,
        change.record.status,
        change.to,
        event.message,
        event.data === undefined ? null : JSON.stringify(event.data),
        now,
      ]);
    }
  }
  await insertEvents(trx, events);
  return { applied: moved.size, events: events.length };
}
