import type { Kysely, Selectable } from 'kysely';
import type { StoredError } from '../instance-record.js';
import type { SnapshotRecord, SnapshotStatus } from '../snapshot-record.js';
import type { Database, SnapshotsTable } from './database-schema.js';

function fromRow(row: Selectable<SnapshotsTable>): SnapshotRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    provider: row.provider,
    providerSnapshotId: row.provider_snapshot_id,
    status: row.status as SnapshotStatus,
    sizeGiB: row.size_gib,
    description: row.description,
    error: row.error === null ? null : (JSON.parse(row.error) as StoredError),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface SnapshotPatch {
  status: SnapshotStatus;
  providerSnapshotId?: string;
  sizeGiB?: number | null;
  error?: StoredError | null;
}

export interface ListSnapshotsQuery {
  provider?: string;
  instanceId?: string;
  statuses?: readonly SnapshotStatus[];
  afterId?: string;
  limit: number;
}

export class SnapshotStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: SnapshotRecord): Promise<void> {
    await this.db
      .insertInto('snapshots')
      .values({
        id: record.id,
        instance_id: record.instanceId,
        provider: record.provider,
        provider_snapshot_id: record.providerSnapshotId,
        status: record.status,
        size_gib: record.sizeGiB,
        description: record.description,
        error: record.error === null ? null : JSON.stringify(record.error),
        created_at: record.createdAt,
        updated_at: record.updatedAt,
      })
      .execute();
  }

  async findById(id: string): Promise<SnapshotRecord | null> {
    const row = await this.db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(query: ListSnapshotsQuery): Promise<SnapshotRecord[]> {
    let select = this.db.selectFrom('snapshots').selectAll().orderBy('id').limit(query.limit);
    if (query.provider !== undefined) select = select.where('provider', '=', query.provider);
    if (query.instanceId !== undefined) select = select.where('instance_id', '=', query.instanceId);
    if (query.statuses && query.statuses.length > 0) select = select.where('status', 'in', [...query.statuses]);
    if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
    return (await select.execute()).map(fromRow);
  }

  /** Updates a snapshot if it is still in one of `from`; returns the new record or null. */
  async update(id: string, from: readonly SnapshotStatus[], patch: SnapshotPatch): Promise<SnapshotRecord | null> {
    const row = await this.db
      .updateTable('snapshots')
      .set({
        status: patch.status,
        updated_at: new Date().toISOString(),
        ...(patch.providerSnapshotId !== undefined && { provider_snapshot_id: patch.providerSnapshotId }),
        ...(patch.sizeGiB !== undefined && { size_gib: patch.sizeGiB }),
        ...(patch.error !== undefined && { error: patch.error === null ? null : JSON.stringify(patch.error) }),
      })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }
}
