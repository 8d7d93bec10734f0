import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { initialMigration } from './migrations/0001-initial.js';
import { reconciliationMigration } from './migrations/0002-reconciliation.js';
import { volumesMigration } from './migrations/0003-volumes.js';
import { openRowsIndexMigration } from './migrations/0004-open-rows-index.js';
import { placementMigration } from './migrations/0005-placement.js';
import { poolAttemptsMigration } from './migrations/0006-pool-attempts.js';
import { providerValidationMigration } from './migrations/0007-provider-validation.js';
import { llmGatewayMigration } from './migrations/0008-llm-gateway.js';
import { conformanceReportsMigration } from './migrations/0009-conformance-reports.js';
import { apiTokensMigration } from './migrations/0010-api-tokens.js';

/** Migrations live in code (not a folder scanned at run time), so a bundled or tsx-run build finds them all. */
const migrations: Record<string, Migration> = {
  '0001_initial': initialMigration,
  '0002_reconciliation': reconciliationMigration,
  '0003_volumes': volumesMigration,
  '0004_open_rows_index': openRowsIndexMigration,
  '0005_placement': placementMigration,
  '0006_pool_attempts': poolAttemptsMigration,
  '0007_provider_validation': providerValidationMigration,
  '0008_llm_gateway': llmGatewayMigration,
  '0009_conformance_reports': conformanceReportsMigration,
  '0010_api_tokens': apiTokensMigration,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
}
