import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

export interface NewEvent {
  instanceId: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  message: string;
  data?: Record<string, unknown>;
}

/** Appends one event row; callers pass their transaction so the event commits with its change. */
export async function recordEvent(db: Kysely<Database>, event: NewEvent): Promise<void> {
  await db
    .insertInto('instance_events')
    .values({
      instance_id: event.instanceId,
      type: event.type,
      from_status: event.fromStatus,
      to_status: event.toStatus,
      message: event.message,
      data: event.data === undefined ? null : JSON.stringify(event.data),
      created_at: new Date().toISOString(),
    })
    .execute();
}

export interface InstanceEvent {
  id: number;
  instanceId: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  message: string;
  data: Record<string, unknown> | null;
  createdAt: string;
}

export async function listInstanceEvents(db: Kysely<Database>, instanceId: string, limit: number): Promise<InstanceEvent[]> {
  const rows = await db
    .selectFrom('instance_events')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    instanceId: row.instance_id,
    type: row.type,
    fromStatus: row.from_status,
    toStatus: row.to_status,
    message: row.message,
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
    createdAt: row.created_at,
  }));
}
