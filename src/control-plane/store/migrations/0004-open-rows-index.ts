import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The open rows of one provider in id order, the reconciler's read: a partial index, so a page is a
 * seek plus `limit` entries. Without it, each page merged every remaining open row of five statuses
 * and sorted them (quadratic in the fleet). `openPage` must repeat this status list literally, or
 * SQLite cannot use the index.
 */
export const openRowsIndexMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index "instances_open_by_provider" on "instances" ("provider", "id") where "status" in ('requested', 'provisioning', 'running', 'terminating', 'lost')`.execute(db);
  },
};
