import { type Kysely, type Migration, sql } from 'kysely';

/**
 * What reconciliation records: the spec hash taken at spawn (with its version) and any drift seen
 * since, termination attempts and budget, events that belong to a provider rather than a row
 * (orphans), and the orphans seen so far.
 */
export const reconciliationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('instances').addColumn('spec_hash', 'text').execute();
    await db.schema.alterTable('instances').addColumn('spec_hash_version', 'integer').execute();
    await db.schema.alterTable('instances').addColumn('drift', 'text').execute();
    await db.schema
      .alterTable('instances')
      .addColumn('terminate_attempts', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('instances').addColumn('last_terminate_at', 'text').execute();
    await db.schema.alterTable('instances').addColumn('terminate_overdue_at', 'text').execute();
    await db.schema.alterTable('instances').addColumn('boot_overdue_at', 'text').execute();

    // SQLite cannot relax NOT NULL in place: rebuild the events table with a nullable instance and a provider.
    await db.schema
      .createTable('events')
      .addColumn('id', 'integer', (column) => column.primaryKey().autoIncrement())
      .addColumn('provider', 'text')
      .addColumn('instance_id', 'text')
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('from_status', 'text')
      .addColumn('to_status', 'text')
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('data', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await sql`insert into events (id, provider, instance_id, type, from_status, to_status, message, data, created_at)
      select e.id, i.provider, e.instance_id, e.type, e.from_status, e.to_status, e.message, e.data, e.created_at
      from instance_events e left join instances i on i.id = e.instance_id`.execute(db);
    await db.schema.dropTable('instance_events').execute();
    await db.schema.createIndex('events_instance').on('events').columns(['instance_id', 'id']).execute();
    await db.schema.createIndex('events_provider').on('events').columns(['provider', 'id']).execute();

    await db.schema
      .createTable('orphans')
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('provider_id', 'text', (column) => column.notNull())
      .addColumn('hangar_instance_id', 'text')
      .addColumn('first_seen_at', 'text', (column) => column.notNull())
      .addColumn('reported_at', 'text')
      .addColumn('collected_at', 'text')
      .addPrimaryKeyConstraint('orphans_pk', ['provider', 'provider_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('orphans').execute();
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
    await sql`insert into instance_events select id, instance_id, type, from_status, to_status, message, data, created_at
      from events where instance_id is not null`.execute(db);
    await db.schema.createIndex('instance_events_instance').on('instance_events').columns(['instance_id', 'id']).execute();
    await db.schema.dropTable('events').execute();
    for (const column of [
      'boot_overdue_at',
      'terminate_overdue_at',
      'last_terminate_at',
      'terminate_attempts',
      'drift',
      'spec_hash_version',
      'spec_hash',
    ]) {
      await db.schema.alterTable('instances').dropColumn(column).execute();
    }
  },
};
