import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database-schema.js';

export interface NewEvent {
  provider: string | null;
  /** Null for a finding that belongs to no row (an orphan machine). */
  instanceId: string | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  message: string;
  data?: Record<string, unknown>;
}

export interface StoredEvent {
  id: number;
  provider: string | null;
  instanceId: string | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  message: string;
  data: Record<string, unknown> | null;
  createdAt: string;
}

let insertSql: string | undefined;

/** Appends one event row; callers pass their transaction so the event commits with its change. */
export async function recordEvent(db: Kysely<Database>, event: NewEvent, at = new Date().toISOString()): Promise<void> {
  // Compiled once: the reconciler writes events by the thousand in one transaction.
  insertSql ??= db
    .insertInto('events')
    .values({
      provider: '',
      instance_id: '',
      type: '',
      from_status: '',
      to_status: '',
      message: '',
      data: '',
      created_at: '',
    })
    .compile().sql;
  await db.executeQuery(
    CompiledQuery.raw(insertSql, [
      event.provider,
      event.instanceId,
      event.type,
      event.fromStatus,
      event.toStatus,
      event.message,
      event.data === undefined ? null : JSON.stringify(event.data),
      at,
    ]),
  );
}

export interface ListEventsQuery {
  afterId?: number;
  instanceId?: string;
  provider?: string;
  limit: number;
}

export async function listEvents(db: Kysely<Database>, query: ListEventsQuery): Promise<StoredEvent[]> {
  let select = db.selectFrom('events').selectAll().orderBy('id').limit(query.limit);
  if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
  if (query.instanceId !== undefined) select = select.where('instance_id', '=', query.instanceId);
  if (query.provider !== undefined) select = select.where('provider', '=', query.provider);
  const rows = await select.execute();
  return rows.map((row) => ({
    id: row.id,
    provider: row.provider,
    instanceId: row.instance_id,
    type: row.type,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    message: row.message,
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
    createdAt: row.created_at,
  }));
}
