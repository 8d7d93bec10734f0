import type { Kysely, Migration } from 'kysely';

/** The volumes a spawn asked for (JSON list of volume requests), kept with the row like its tags. */
export const volumesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('instances')
      .addColumn('volumes', 'text', (column) => column.notNull().defaultTo('[]'))
      .execute();
  },
};
