import { type Kysely, type Migration, sql } from 'kysely';

/**
 * API tokens (docs/operations.md): one row per token, its secret stored only as a sha256 hash; the
 * token itself is shown once, at creation. Revoking deletes the row.
 */
export const apiTokensMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      // sha256 hex of the token.
      .addColumn('token_hash', 'text', (column) => column.notNull())
      // JSON array of scopes: read, spawn, admin.
      .addColumn('scopes', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('last_used_at', 'text')
      .execute();
    await sql`create unique index "api_tokens_by_hash" on "api_tokens" ("token_hash")`.execute(db);
  },
};
