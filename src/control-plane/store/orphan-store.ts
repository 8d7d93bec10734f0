import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

export interface OrphanRecord {
  providerId: string;
  hangarInstanceId: string | null;
  firstSeenAt: string;
  reportedAt: string | null;
  collectedAt: string | null;
}

/** Owned machines with no row, remembered across cycles and restarts so their grace period is measured from first sight. */
export class OrphanStore {
  constructor(private readonly db: Kysely<Database>) {}

  async forProvider(provider: string): Promise<Map<string, OrphanRecord>> {
    const rows = await this.db.selectFrom('orphans').selectAll().where('provider', '=', provider).execute();
    return new Map(
      rows.map((row) => [
        row.provider_id,
        {
          providerId: row.provider_id,
          hangarInstanceId: row.hangar_instance_id,
          firstSeenAt: row.first_seen_at,
          reportedAt: row.reported_at,
          collectedAt: row.collected_at,
        },
      ]),
    );
  }

  async firstSeen(provider: string, providerId: string, hangarInstanceId: string | null, at: string): Promise<void> {
    await this.db
      .insertInto('orphans')
      .values({ provider, provider_id: providerId, hangar_instance_id: hangarInstanceId, first_seen_at: at })
      .onConflict((conflict) => conflict.columns(['provider', 'provider_id']).doNothing())
      .execute();
  }

  async mark(provider: string, providerId: string, column: 'reported_at' | 'collected_at', at: string): Promise<void> {
    await this.db
      .updateTable('orphans')
      .set({ [column]: at })
      .where('provider', '=', provider)
      .where('provider_id', '=', providerId)
      .execute();
  }
}
