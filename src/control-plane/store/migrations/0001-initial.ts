import { type Kysely, type Migration, sql } from 'kysely';

/** Instances, their events, snapshots. */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('instances')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('provider_id', 'text')
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('instance_type', 'text', (column) => column.notNull())
      .addColumn('region', 'text', (column) => column.notNull())
      .addColumn('zone', 'text')
      .addColumn('spot', 'integer', (column) => column.notNull())
      .addColumn('image', 'text')
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('idempotency_key', 'text', (column) => column.unique())
      .addColumn('request_hash', 'text', (column) => column.notNull())
      .addColumn('bootstrap_checksum', 'text', (column) => column.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .addColumn('terminate_requested_at', 'text')
      .addColumn('terminated_at', 'text')
      .execute();
    await db.schema.createIndex('instances_provider_status').on('instances').columns(['provider', 'status', 'id']).execute();
    await db.schema.createIndex('instances_status_updated').on('instances').columns(['status', 'updated_at']).execute();
    await db.schema.createIndex('instances_provider_id').on('instances').columns(['provider', 'provider_id']).execute();

    await db.schema
      .createTable('instance_events')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('instance_id', 'text', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('data', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('instance_events_instance').on('instance_events').columns(['instance_id', 'id']).execute();

    await db.schema
      .createTable('snapshots')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('instance_id', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('provider_snapshot_id', 'text')
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('size_gib', 'real')
      .addColumn('description', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('snapshots_instance').on('snapshots').columns(['instance_id', 'id']).execute();
    await db.schema.createIndex('snapshots_status').on('snapshots').columns(['status', 'updated_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('snapshots').execute();
    await db.schema.dropTable('instance_events').execute();
    await db.schema.dropTable('instances').execute();
    await sql`select 1`.execute(db);
  },
};
