import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Placement: the failover chain of a requirement-based spawn (one `placements` row per instance, one
 * `placement_attempts` row per offer tried), and the capacity-error cache placement ranks by.
 * `instances.spawn_token` is the idempotency token of the current attempt (null: the instance id).
 */
export const placementMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('instances').addColumn('placement_id', 'text').execute();
    await db.schema.alterTable('instances').addColumn('spawn_token', 'text').execute();
    await db.schema
      .createTable('placements')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('instance_id', 'text', (column) => column.notNull().unique())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('requirements', 'text', (column) => column.notNull())
      .addColumn('policy', 'text', (column) => column.notNull())
      .addColumn('plan', 'text', (column) => column.notNull())
      // What each attempt sends besides the offer (image, name, tags, bootstrap, volumes), so a restarted
      // process can go on with the chain; cleared when the chain ends.
      .addColumn('request', 'text')
      .addColumn('escalations', 'text', (column) => column.notNull().defaultTo('[]'))
      .addColumn('outcome', 'text')
      .addColumn('replaces', 'text')
      .addColumn('deadline_at', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await sql`create index "placements_open" on "placements" ("created_at") where "status" = 'running'`.execute(db);
    await db.schema
      .createTable('placement_attempts')
      .addColumn('placement_id', 'text', (column) => column.notNull())
      .addColumn('n', 'integer', (column) => column.notNull())
      .addColumn('offer', 'text', (column) => column.notNull())
      .addColumn('token', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('outcome', 'text', (column) => column.notNull())
      .addColumn('error_code', 'text')
      .addColumn('message', 'text')
      .addPrimaryKeyConstraint('placement_attempts_pk', ['placement_id', 'n'])
      .execute();
    await db.schema
      .createTable('capacity_errors')
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('region', 'text', (column) => column.notNull())
      // '' (not null) for "every zone" / "every type" / "both markets": part of the primary key.
      .addColumn('zone', 'text', (column) => column.notNull())
      .addColumn('instance_type', 'text', (column) => column.notNull())
      .addColumn('market', 'text', (column) => column.notNull())
      .addColumn('code', 'text', (column) => column.notNull())
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('failures', 'integer', (column) => column.notNull())
      .addColumn('first_seen_at', 'text', (column) => column.notNull())
      .addColumn('last_seen_at', 'text', (column) => column.notNull())
      .addColumn('until', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('capacity_errors_pk', ['provider', 'region', 'zone', 'instance_type', 'market'])
      .execute();
  },
};
