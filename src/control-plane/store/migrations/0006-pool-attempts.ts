import type { Kysely, Migration } from 'kysely';

/**
 * Pool attempts: an attempt the placement chain hands a provider's pool launcher (AWS: one EC2
 * Fleet over several offers, or a zone-by-zone probe) names the offers it covers (`pools`, JSON,
 * null for a one-offer spawn) and, once over, what each pool said (`tries`, JSON).
 */
export const poolAttemptsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('placement_attempts').addColumn('pools', 'text').execute();
    await db.schema.alterTable('placement_attempts').addColumn('tries', 'text').execute();
  },
};
