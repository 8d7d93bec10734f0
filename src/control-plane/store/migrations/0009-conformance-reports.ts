import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Conformance runs through the API (docs/governance.md, "Conformance kit"): one row per adapter per
 * run, its whole report as JSON. The latest report of each capability and adapter is read by id
 * (ids sort by creation time).
 */
export const conformanceReportsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('provider_conformance_reports')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('run_id', 'text', (column) => column.notNull())
      // compute | llm
      .addColumn('capability', 'text', (column) => column.notNull())
      .addColumn('adapter', 'text', (column) => column.notNull())
      // 1 when no case failed.
      .addColumn('pass', 'integer', (column) => column.notNull())
      // JSON: the report (cases, metrics, errors), keys sorted.
      .addColumn('report', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await sql`create index "provider_conformance_reports_by_adapter" on "provider_conformance_reports" ("capability", "adapter", "id")`.execute(db);
    await sql`create index "provider_conformance_reports_by_run" on "provider_conformance_reports" ("run_id")`.execute(db);
  },
};
