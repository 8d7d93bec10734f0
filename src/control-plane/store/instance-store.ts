import { CompiledQuery, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { InstanceRecord, InstanceStatus, StoredError } from '../instance-record.js';
import type { Database, InstancesTable } from './database-schema.js';
import { type NewEvent, recordEvent } from './event-store.js';

type InstanceRow = Selectable<InstancesTable>;

function fromRow(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    provider: row.provider,
    providerId: row.provider_id,
    status: row.status as InstanceStatus,
    name: row.name,
    instanceType: row.instance_type,
    region: row.region,
    zone: row.zone,
    spot: row.spot === 1,
    image: row.image,
    tags: JSON.parse(row.tags) as Record<string, string>,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    bootstrapChecksum: row.bootstrap_checksum,
    error: row.error === null ? null : (JSON.parse(row.error) as StoredError),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    terminateRequestedAt: row.terminate_requested_at,
    terminatedAt: row.terminated_at,
  };
}

/** The columns a transition may change besides status. */
export interface InstancePatch {
  providerId?: string | null;
  zone?: string | null;
  error?: StoredError | null;
  terminateRequestedAt?: string | null;
  terminatedAt?: string | null;
}

export interface Transition {
  /** The statuses the row must be in for the transition to apply (compare-and-set). */
  from: readonly InstanceStatus[];
  to: InstanceStatus;
  patch?: InstancePatch;
  event: Omit<NewEvent, 'instanceId' | 'fromStatus' | 'toStatus'>;
}

export class UniqueViolation extends Error {}

export interface ListInstancesQuery {
  provider?: string;
  statuses?: readonly InstanceStatus[];
  afterId?: string;
  limit: number;
}

export class InstanceStore {
  /** GET /v1/instances/:id is the hottest read: its SQL is compiled once, not per request. */
  private readonly findByIdSql: string;

  constructor(private readonly db: Kysely<Database>) {
    this.findByIdSql = db.selectFrom('instances').selectAll().where('id', '=', '').compile().sql;
  }

  /** Commits a new intent row and its `requested` event in one transaction. */
  async insert(record: InstanceRecord): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('instances')
          .values({
            id: record.id,
            provider: record.provider,
            provider_id: record.providerId,
            status: record.status,
            name: record.name,
            instance_type: record.instanceType,
            region: record.region,
            zone: record.zone,
            spot: record.spot ? 1 : 0,
            image: record.image,
            tags: JSON.stringify(record.tags),
            idempotency_key: record.idempotencyKey,
            request_hash: record.requestHash,
            bootstrap_checksum: record.bootstrapChecksum,
            error: record.error === null ? null : JSON.stringify(record.error),
            created_at: record.createdAt,
            updated_at: record.updatedAt,
            terminate_requested_at: record.terminateRequestedAt,
            terminated_at: record.terminatedAt,
          })
          .execute();
        await recordEvent(trx, {
          instanceId: record.id,
          type: 'instance.requested',
          fromStatus: null,
          toStatus: record.status,
          message: `spawn of ${record.instanceType} on ${record.provider} requested`,
        });
      });
    } catch (error) {
      if (error instanceof Error && (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UniqueViolation(error.message);
      }
      throw error;
    }
  }

  async findById(id: string): Promise<InstanceRecord | null> {
    const { rows } = await this.db.executeQuery<InstanceRow>(CompiledQuery.raw(this.findByIdSql, [id]));
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async findByIdempotencyKey(key: string): Promise<InstanceRecord | null> {
    const row = await this.db.selectFrom('instances').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  /** A page in id (= creation) order. */
  async list(query: ListInstancesQuery): Promise<InstanceRecord[]> {
    let select = this.db.selectFrom('instances').selectAll().orderBy('id').limit(query.limit);
    if (query.provider !== undefined) select = select.where('provider', '=', query.provider);
    if (query.statuses && query.statuses.length > 0) select = select.where('status', 'in', [...query.statuses]);
    if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
    return (await select.execute()).map(fromRow);
  }

  /**
   * Moves a row from one of `from` to `to`, with its event, in one transaction. Returns the new
   * record, or null when the row was not in a `from` status (someone else moved it first).
   */
  async transition(id: string, transition: Transition): Promise<InstanceRecord | null> {
    return this.db.transaction().execute(async (trx) => applyTransition(trx, id, transition));
  }
}

async function applyTransition(trx: Transaction<Database>, id: string, transition: Transition): Promise<InstanceRecord | null> {
  const current = await trx.selectFrom('instances').select('status').where('id', '=', id).executeTakeFirst();
  if (!current || !transition.from.includes(current.status as InstanceStatus)) return null;
  const patch = transition.patch ?? {};
  const row = await trx
    .updateTable('instances')
    .set({
      status: transition.to,
      updated_at: new Date().toISOString(),
      ...(patch.providerId !== undefined && { provider_id: patch.providerId }),
      ...(patch.zone !== undefined && { zone: patch.zone }),
      ...(patch.error !== undefined && { error: patch.error === null ? null : JSON.stringify(patch.error) }),
      ...(patch.terminateRequestedAt !== undefined && { terminate_requested_at: patch.terminateRequestedAt }),
      ...(patch.terminatedAt !== undefined && { terminated_at: patch.terminatedAt }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(trx, {
    instanceId: id,
    fromStatus: current.status,
    toStatus: transition.to,
    ...transition.event,
  });
  return fromRow(row);
}
