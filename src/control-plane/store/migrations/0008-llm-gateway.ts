import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The LLM gateway's records (docs/llm-gateway.md): one row per routing decision (a route test or a
 * generate call, its rationale and outcome as JSON), the attempts a generate call made, the
 * escalations between models (each with its trigger), and the evaluations scored against a decision
 * afterwards. Attempts and escalations are rows of their own so the readiness layer can count a
 * provider's retries and escalations of the last 24 hours with an index, not by reading JSON.
 */
export const llmGatewayMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('llm_decisions')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('created_at', 'text', (column) => column.notNull())
      // route_test | generate
      .addColumn('kind', 'text', (column) => column.notNull())
      // JSON array of the request's tags, sorted.
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('chosen_provider', 'text')
      .addColumn('chosen_model', 'text')
      .addColumn('final_provider', 'text')
      .addColumn('final_model', 'text')
      // routed | no_candidate | running (written before the first model call) | succeeded | failed
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('policy_hash', 'text', (column) => column.notNull())
      // JSON: the rationale (candidates, exclusions, ladder) and what the call asked for; written once, before any model call.
      .addColumn('data', 'text', (column) => column.notNull())
      // JSON: a generate call's outcome (usage, cost, error), written when it ends; null before, and for a route test.
      .addColumn('outcome', 'text')
      .execute();
    await sql`create index "llm_decisions_by_time" on "llm_decisions" ("created_at", "id")`.execute(db);
    await db.schema
      .createTable('llm_attempts')
      .addColumn('decision_id', 'text', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      .addColumn('latency_ms', 'real', (column) => column.notNull())
      // succeeded | failed | schema_mismatch
      .addColumn('outcome', 'text', (column) => column.notNull())
      .addColumn('error_code', 'text')
      // 1 when this attempt repeats the previous one's model (a retry), 0 for the first try of a model.
      .addColumn('retry', 'integer', (column) => column.notNull())
      .addPrimaryKeyConstraint('llm_attempts_pk', ['decision_id', 'seq'])
      .execute();
    await sql`create index "llm_attempts_by_provider" on "llm_attempts" ("provider", "started_at")`.execute(db);
    await db.schema
      .createTable('llm_escalations')
      .addColumn('decision_id', 'text', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('at', 'text', (column) => column.notNull())
      .addColumn('from_provider', 'text', (column) => column.notNull())
      .addColumn('from_model', 'text', (column) => column.notNull())
      .addColumn('to_provider', 'text', (column) => column.notNull())
      .addColumn('to_model', 'text', (column) => column.notNull())
      // retryable_failures | context_length | model_error | schema_mismatch
      .addColumn('trigger', 'text', (column) => column.notNull())
      .addColumn('detail', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('llm_escalations_pk', ['decision_id', 'seq'])
      .execute();
    await sql`create index "llm_escalations_by_provider" on "llm_escalations" ("from_provider", "at")`.execute(db);
    await db.schema
      .createTable('llm_evals')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('decision_id', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('metric', 'text', (column) => column.notNull())
      .addColumn('score', 'real', (column) => column.notNull())
      .addColumn('label', 'text')
      .addColumn('comment', 'text')
      // JSON: who or what scored it (evaluator, run id), free-form.
      .addColumn('data', 'text', (column) => column.notNull())
      .execute();
    await sql`create index "llm_evals_by_decision" on "llm_evals" ("decision_id", "created_at")`.execute(db);
  },
};
