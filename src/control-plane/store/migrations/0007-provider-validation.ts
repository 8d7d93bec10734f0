import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Provider readiness: one row per validation run, one per provider and run (its four checks and the
 * evidence behind them), and the usage events the runs write and read back. Timestamps are ISO-8601 UTC.
 */
export const providerValidationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('provider_validation_runs')
      .addColumn('run_id', 'text', (column) => column.primaryKey())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('trigger', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      .addColumn('completed_at', 'text')
      .execute();
    await db.schema
      .createTable('provider_validation_results')
      .addColumn('run_id', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('configured', 'integer', (column) => column.notNull())
      .addColumn('auth_probe_passed', 'integer', (column) => column.notNull())
      // Null in a quick run: the execution probe was not checked.
      .addColumn('execution_probe_passed', 'integer')
      .addColumn('usage_event_written', 'integer', (column) => column.notNull())
      // Every check the run's mode asks for passed.
      .addColumn('passed', 'integer', (column) => column.notNull())
      // The provider's readiness as GET /api/automation/usage/provider-validation computed it right after this result.
      .addColumn('ready', 'integer', (column) => column.notNull())
      .addColumn('last_error_class', 'text')
      .addColumn('retries', 'integer', (column) => column.notNull())
      .addColumn('retry_count_24h', 'integer', (column) => column.notNull())
      .addColumn('escalation_count_24h', 'integer', (column) => column.notNull())
      .addColumn('checks', 'text', (column) => column.notNull())
      .addColumn('usage_event_id', 'text')
      .addColumn('started_at', 'text', (column) => column.notNull())
      .addColumn('completed_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('provider_validation_results_pk', ['run_id', 'provider'])
      .execute();
    await sql`create index "provider_validation_results_by_provider" on "provider_validation_results" ("provider", "completed_at")`.execute(db);
    await db.schema
      .createTable('usage_events')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('run_id', 'text')
      .addColumn('outcome', 'text', (column) => column.notNull())
      .addColumn('cost_usd', 'real', (column) => column.notNull())
      .addColumn('data', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await sql`create index "usage_events_by_provider" on "usage_events" ("provider", "created_at")`.execute(db);
  },
};
