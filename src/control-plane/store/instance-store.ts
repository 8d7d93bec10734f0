import { CompiledQuery, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { VolumeRequest } from '../../contracts/index.js';
import type { InstanceDrift, InstanceRecord, InstanceStatus, StoredError } from '../instance-record.js';
import type { Database, InstancesTable } from './database-schema.js';
import { type NewEvent, recordEvent } from './event-store.js';
import { INSTANCE_JSON_SELECT } from './instance-json-select.js';
import { writePlannedChanges } from './planned-change-writer.js';

type InstanceRow = Selectable<InstancesTable>;

/** Every status a row can still leave: what reconciliation looks at. */
export const OPEN_STATUSES: readonly InstanceStatus[] = ['requested', 'provisioning', 'running', 'terminating', 'lost'];
/** OPEN_STATUSES as SQL literals: the partial index on open rows is usable only when a query names them literally. */
const OPEN_STATUS_LIST = OPEN_STATUSES.map((status) => `'${status}'`).join(', ');

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

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
    volumes: JSON.parse(row.volumes) as VolumeRequest[],
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    bootstrapChecksum: row.bootstrap_checksum,
    error: parseJson<StoredError>(row.error),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    terminateRequestedAt: row.terminate_requested_at,
    terminatedAt: row.terminated_at,
    specHash: row.spec_hash,
    specHashVersion: row.spec_hash_version,
    drift: parseJson<InstanceDrift>(row.drift),
    terminateAttempts: row.terminate_attempts,
    lastTerminateAt: row.last_terminate_at,
    terminateOverdueAt: row.terminate_overdue_at,
    bootOverdueAt: row.boot_overdue_at,
    placementId: row.placement_id,
    spawnToken: row.spawn_token,
  };
}

/** The columns a change may write besides status, named as on the record. */
export type InstancePatch = Partial<
  Pick<
    InstanceRecord,
    | 'providerId'
    | 'instanceType'
    | 'zone'
    | 'error'
    | 'terminateRequestedAt'
    | 'terminatedAt'
    | 'specHash'
    | 'specHashVersion'
    | 'drift'
    | 'terminateAttempts'
    | 'lastTerminateAt'
    | 'terminateOverdueAt'
    | 'bootOverdueAt'
  >
>;

function patchColumns(patch: InstancePatch): Updateable<InstancesTable> {
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return {
    ...(patch.providerId !== undefined && { provider_id: patch.providerId }),
    ...(patch.instanceType !== undefined && { instance_type: patch.instanceType }),
    ...(patch.zone !== undefined && { zone: patch.zone }),
    ...(patch.error !== undefined && { error: json(patch.error) }),
    ...(patch.terminateRequestedAt !== undefined && { terminate_requested_at: patch.terminateRequestedAt }),
    ...(patch.terminatedAt !== undefined && { terminated_at: patch.terminatedAt }),
    ...(patch.specHash !== undefined && { spec_hash: patch.specHash }),
    ...(patch.specHashVersion !== undefined && { spec_hash_version: patch.specHashVersion }),
    ...(patch.drift !== undefined && { drift: json(patch.drift) }),
    ...(patch.terminateAttempts !== undefined && { terminate_attempts: patch.terminateAttempts }),
    ...(patch.lastTerminateAt !== undefined && { last_terminate_at: patch.lastTerminateAt }),
    ...(patch.terminateOverdueAt !== undefined && { terminate_overdue_at: patch.terminateOverdueAt }),
    ...(patch.bootOverdueAt !== undefined && { boot_overdue_at: patch.bootOverdueAt }),
  };
}

export type EventSpec = Omit<NewEvent, 'instanceId' | 'fromStatus' | 'toStatus' | 'provider'>;

export interface Transition {
  /** The statuses the row must be in for the transition to apply (compare-and-set). */
  from: readonly InstanceStatus[];
  to: InstanceStatus;
  patch?: InstancePatch;
  /** The event the change records; a change without one (bookkeeping) records none. */
  event?: EventSpec;
}

/** One change the reconciler decided, against the row as it read it. */
export interface PlannedChange {
  record: InstanceRecord;
  to: InstanceStatus;
  patch: InstancePatch;
  events: EventSpec[];
}

export class UniqueViolation extends Error {}

export interface ListInstancesQuery {
  provider?: string;
  statuses?: readonly InstanceStatus[];
  afterId?: string;
  limit: number;
}

export class InstanceStore {
  /** The hottest point read, compiled once rather than per call. */
  private readonly findByIdSql: string;

  constructor(private readonly db: Kysely<Database>) {
    this.findByIdSql = db.selectFrom('instances').selectAll().where('id', '=', '').compile().sql;
  }

  /** Commits a new intent row and its `requested` event in one transaction. */
  /** Inserts a new row with its `instance.requested` event; `alongside` writes more in the same transaction. */
  async insert(record: InstanceRecord, alongside?: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
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
            volumes: JSON.stringify(record.volumes),
            idempotency_key: record.idempotencyKey,
            request_hash: record.requestHash,
            bootstrap_checksum: record.bootstrapChecksum,
            error: record.error === null ? null : JSON.stringify(record.error),
            created_at: record.createdAt,
            updated_at: record.updatedAt,
            terminate_requested_at: record.terminateRequestedAt,
            terminated_at: record.terminatedAt,
            spec_hash: record.specHash,
            spec_hash_version: record.specHashVersion,
            drift: null,
            terminate_attempts: record.terminateAttempts,
            placement_id: record.placementId,
            spawn_token: record.spawnToken,
          })
          .execute();
        await recordEvent(trx, {
          provider: record.provider,
          instanceId: record.id,
          type: 'instance.requested',
          fromStatus: null,
          toStatus: record.status,
          message: `spawn of ${record.instanceType} on ${record.provider} requested`,
        });
        await alongside?.(trx);
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

  /** Rows by id, any status (500 ids a query). */
  async findByIds(ids: readonly string[]): Promise<InstanceRecord[]> {
    const records: InstanceRecord[] = [];
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      records.push(...(await this.db.selectFrom('instances').selectAll().where('id', 'in', chunk).execute()).map(fromRow));
    }
    return records;
  }

  /** A page in id (= creation) order. */
  async list(query: ListInstancesQuery): Promise<InstanceRecord[]> {
    let select = this.db.selectFrom('instances').selectAll().orderBy('id').limit(query.limit);
    if (query.provider !== undefined) select = select.where('provider', '=', query.provider);
    if (query.statuses && query.statuses.length > 0) select = select.where('status', 'in', [...query.statuses]);
    if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
    return (await select.execute()).map(fromRow);
  }

  /** A page, in id order, of a provider's rows that can still change: the store's side of a reconcile. */
  /** The providers (adapter names) that own at least one open row, sorted: each must be reconciled whatever the configuration says. */
  async openProviders(): Promise<string[]> {
    const { rows } = await this.db.executeQuery<{ provider: string }>(
      CompiledQuery.raw(`select distinct "provider" from "instances" where "status" in (${OPEN_STATUS_LIST}) order by "provider"`),
    );
    return rows.map((row) => row.provider);
  }

  async openPage(provider: string, afterId: string | undefined, limit: number): Promise<InstanceRecord[]> {
    // A seek in the partial index instances_open_by_provider (migration 0004), whose status list this repeats literally.
    const { rows } = await this.db.executeQuery<{ record: string }>(
      CompiledQuery.raw(
        `select ${INSTANCE_JSON_SELECT} as "record" from "instances" where "provider" = ? and "status" in (${OPEN_STATUS_LIST}) and "id" > ? order by "id" limit ?`,
        [provider, afterId ?? '', limit],
      ),
    );
    return rows.map((row) => JSON.parse(row.record) as InstanceRecord);
  }

  /**
   * Moves a row from one of `from` to `to`, with its event, in one transaction. Returns the new
   * record, or null when the row was not in a `from` status (someone else moved it first).
   */
  async transition(id: string, transition: Transition): Promise<InstanceRecord | null> {
    return this.db.transaction().execute(async (trx) => applyTransition(trx, id, transition));
  }

  /**
   * A provider's rows the fresh-instance follower watches, oldest first: a machine is known
   * (`provider_id` set) and the row waits for the provider to say `running` or `terminated`.
   */
  async freshRows(provider: string, limit: number): Promise<InstanceRecord[]> {
    const rows = await this.db
      .selectFrom('instances')
      .selectAll()
      .where('provider', '=', provider)
      .where('status', 'in', ['provisioning', 'terminating'])
      .where('provider_id', 'is not', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Records a DELETE on a failed spawn (`terminate_requested_at`; the status stays `failed`), so the
   * Idempotency-Key that made it is not re-driven any more. Compare-and-set: null when the row is
   * not failed or was marked already.
   */
  async markFailedAbandoned(id: string, at: string): Promise<InstanceRecord | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('instances')
        .set({ terminate_requested_at: at, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .where('terminate_requested_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await recordEvent(
        trx,
        { provider: row.provider, instanceId: id, fromStatus: 'failed', toStatus: 'failed', type: 'instance.terminate-requested', message: 'termination requested for a failed spawn: its Idempotency-Key will replay the failure' },
        at,
      );
      return fromRow(row);
    });
  }

  /**
   * Re-opens a spawn that failed with a retryable error that created nothing (capacity, rate limit),
   * for a re-drive under the same Idempotency-Key: `failed -> requested`, error cleared, and
   * `created_at` moved to now, because the intent and boot clocks the reconciler keeps run from it
   * (the first attempt stays in the events). Compare-and-set on `failed` with no machine: null when
   * another request re-opened it first.
   */
  async reopenFailedSpawn(id: string, event: EventSpec): Promise<InstanceRecord | null> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      const row = await trx
        .updateTable('instances')
        .set({ status: 'requested', error: null, created_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .where('provider_id', 'is', null)
        .where('terminate_requested_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await recordEvent(trx, { provider: row.provider, instanceId: id, fromStatus: 'failed', toStatus: 'requested', ...event }, now);
      return fromRow(row);
    });
  }

  /**
   * Writes a reconcile's changes in one transaction. Each applies only if its row is still in the
   * status it was read in (a concurrent request wins); returns how many applied.
   */
  async applyPlanned(changes: readonly PlannedChange[]): Promise<{ applied: number; events: number }> {
    if (changes.length === 0) return { applied: 0, events: 0 };
    const now = new Date().toISOString();
    return this.db.transaction().execute((trx) => writePlannedChanges(trx, changes, now));
  }
}

async function applyTransition(trx: Transaction<Database>, id: string, transition: Transition): Promise<InstanceRecord | null> {
  const current = await trx.selectFrom('instances').select(['status', 'provider']).where('id', '=', id).executeTakeFirst();
  if (!current || !transition.from.includes(current.status as InstanceStatus)) return null;
  const row = await trx
    .updateTable('instances')
    .set({ status: transition.to, updated_at: new Date().toISOString(), ...patchColumns(transition.patch ?? {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (transition.event) {
    await recordEvent(trx, {
      provider: current.provider,
      instanceId: id,
      fromStatus: current.status,
      toStatus: transition.to,
      ...transition.event,
    });
  }
  return fromRow(row);
}
