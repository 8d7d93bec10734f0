import type { Kysely } from 'kysely';
import type { Database, LlmDecisionsTable } from './database-schema.js';

export const LLM_DECISION_KINDS = ['route_test', 'generate'] as const;
export type LlmDecisionKind = (typeof LLM_DECISION_KINDS)[number];
/** `running` is written before the first model call (intent first), then replaced by the outcome. */
export type LlmDecisionStatus = 'routed' | 'no_candidate' | 'running' | 'succeeded' | 'failed';

export interface LlmModelRef {
  provider: string;
  model: string;
}

export interface NewLlmDecision {
  id: string;
  createdAt: string;
  kind: LlmDecisionKind;
  tags: readonly string[];
  status: LlmDecisionStatus;
  policyHash: string;
  chosen: LlmModelRef | null;
  /** The rationale (candidates, exclusions, ladder) and what the call asked for; never the prompt text. */
  data: Record<string, unknown>;
}

export interface LlmAttemptRow {
  seq: number;
  provider: string;
  model: string;
  startedAt: string;
  latencyMs: number;
  outcome: string;
  errorCode: string | null;
  retry: boolean;
}

export interface LlmEscalationRow {
  seq: number;
  at: string;
  from: LlmModelRef;
  to: LlmModelRef;
  trigger: string;
  detail: string;
}

export interface LlmEval {
  id: string;
  decisionId: string;
  createdAt: string;
  metric: string;
  score: number;
  label: string | null;
  comment: string | null;
  data: Record<string, unknown>;
}

export interface StoredLlmDecision {
  id: string;
  createdAt: string;
  kind: LlmDecisionKind;
  tags: string[];
  status: LlmDecisionStatus;
  policyHash: string;
  chosen: LlmModelRef | null;
  final: LlmModelRef | null;
  data: Record<string, unknown>;
  outcome: Record<string, unknown> | null;
}

export interface DecisionQuery {
  /** A decision id (ULID order) or an ISO timestamp: decisions strictly after it, oldest first. */
  after?: string;
  tag?: string;
  /** `provider/model`: decisions that chose it or finished on it. */
  model?: string;
  limit: number;
}

const ref = (provider: string | null, model: string | null): LlmModelRef | null => (provider === null || model === null ? null : { provider, model });

function fromRow(row: LlmDecisionsTable): StoredLlmDecision {
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind as LlmDecisionKind,
    tags: JSON.parse(row.tags) as string[],
    status: row.status as LlmDecisionStatus,
    policyHash: row.policy_hash,
    chosen: ref(row.chosen_provider, row.chosen_model),
    final: ref(row.final_provider, row.final_model),
    data: JSON.parse(row.data) as Record<string, unknown>,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as Record<string, unknown>),
  };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T/;

/** The gateway's decisions, their attempts and escalations (one row each, for the readiness counters), and evals. */
export class LlmDecisionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(decision: NewLlmDecision): Promise<void> {
    await this.db
      .insertInto('llm_decisions')
      .values({
        id: decision.id,
        created_at: decision.createdAt,
        kind: decision.kind,
        tags: JSON.stringify([...decision.tags].sort()),
        chosen_provider: decision.chosen?.provider ?? null,
        chosen_model: decision.chosen?.model ?? null,
        final_provider: null,
        final_model: null,
        status: decision.status,
        policy_hash: decision.policyHash,
        data: JSON.stringify(decision.data),
        outcome: null,
      })
      .execute();
  }

  /** The outcome of a generate call: its status, final model and outcome, with every attempt and escalation, in one transaction (the rationale written at insert is left as it is). */
  async complete(id: string, outcome: { status: LlmDecisionStatus; final: LlmModelRef | null; outcome: Record<string, unknown>; attempts: readonly LlmAttemptRow[]; escalations: readonly LlmEscalationRow[] }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('llm_decisions')
        .set({ status: outcome.status, final_provider: outcome.final?.provider ?? null, final_model: outcome.final?.model ?? null, outcome: JSON.stringify(outcome.outcome) })
        .where('id', '=', id)
        .execute();
      if (outcome.attempts.length > 0) {
        await trx
          .insertInto('llm_attempts')
          .values(
            outcome.attempts.map((attempt) => ({
              decision_id: id,
              seq: attempt.seq,
              provider: attempt.provider,
              model: attempt.model,
              started_at: attempt.startedAt,
              latency_ms: attempt.latencyMs,
              outcome: attempt.outcome,
              error_code: attempt.errorCode,
              retry: attempt.retry ? 1 : 0,
            })),
          )
          .execute();
      }
      if (outcome.escalations.length > 0) {
        await trx
          .insertInto('llm_escalations')
          .values(
            outcome.escalations.map((escalation) => ({
              decision_id: id,
              seq: escalation.seq,
              at: escalation.at,
              from_provider: escalation.from.provider,
              from_model: escalation.from.model,
              to_provider: escalation.to.provider,
              to_model: escalation.to.model,
              trigger: escalation.trigger,
              detail: escalation.detail,
            })),
          )
          .execute();
      }
    });
  }

  async get(id: string): Promise<(StoredLlmDecision & { attempts: LlmAttemptRow[]; escalations: LlmEscalationRow[]; evals: LlmEval[] }) | null> {
    const row = await this.db.selectFrom('llm_decisions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const [attempts, escalations, evals] = await Promise.all([
      this.db.selectFrom('llm_attempts').selectAll().where('decision_id', '=', id).orderBy('seq').execute(),
      this.db.selectFrom('llm_escalations').selectAll().where('decision_id', '=', id).orderBy('seq').execute(),
      this.evals(id),
    ]);
    return {
      ...fromRow(row),
      attempts: attempts.map((attempt) => ({
        seq: attempt.seq,
        provider: attempt.provider,
        model: attempt.model,
        startedAt: attempt.started_at,
        latencyMs: attempt.latency_ms,
        outcome: attempt.outcome,
        errorCode: attempt.error_code,
        retry: attempt.retry === 1,
      })),
      escalations: escalations.map((escalation) => ({
        seq: escalation.seq,
        at: escalation.at,
        from: { provider: escalation.from_provider, model: escalation.from_model },
        to: { provider: escalation.to_provider, model: escalation.to_model },
        trigger: escalation.trigger,
        detail: escalation.detail,
      })),
      evals,
    };
  }

  /** Oldest first after the cursor, filtered by tag and model. */
  async list(query: DecisionQuery): Promise<StoredLlmDecision[]> {
    let select = this.db.selectFrom('llm_decisions').selectAll().orderBy('id').limit(query.limit);
    if (query.after !== undefined) select = ISO_TIME.test(query.after) ? select.where('created_at', '>', query.after) : select.where('id', '>', query.after);
    // Tags are restricted to [a-z0-9_.:-], so the quoted name matches exactly one JSON array element.
    if (query.tag !== undefined) select = select.where('tags', 'like', `%${JSON.stringify(query.tag)}%`);
    if (query.model !== undefined) {
      const slash = query.model.indexOf('/');
      const provider = query.model.slice(0, slash);
      const model = query.model.slice(slash + 1);
      select = select.where((eb) =>
        eb.or([eb.and([eb('chosen_provider', '=', provider), eb('chosen_model', '=', model)]), eb.and([eb('final_provider', '=', provider), eb('final_model', '=', model)])]),
      );
    }
    return (await select.execute()).map(fromRow);
  }

  /** Decisions a previous process left `running` (it stopped mid-call) become `failed` with this outcome; answers how many. */
  async failRunning(outcome: Record<string, unknown>): Promise<number> {
    const result = await this.db.updateTable('llm_decisions').set({ status: 'failed', outcome: JSON.stringify(outcome) }).where('status', '=', 'running').executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('llm_decisions').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async addEval(evaluation: LlmEval): Promise<void> {
    await this.db
      .insertInto('llm_evals')
      .values({
        id: evaluation.id,
        decision_id: evaluation.decisionId,
        created_at: evaluation.createdAt,
        metric: evaluation.metric,
        score: evaluation.score,
        label: evaluation.label,
        comment: evaluation.comment,
        data: JSON.stringify(evaluation.data),
      })
      .execute();
  }

  async evals(decisionId: string): Promise<LlmEval[]> {
    const rows = await this.db.selectFrom('llm_evals').selectAll().where('decision_id', '=', decisionId).orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => ({ id: row.id, decisionId: row.decision_id, createdAt: row.created_at, metric: row.metric, score: row.score, label: row.label, comment: row.comment, data: JSON.parse(row.data) as Record<string, unknown> }));
  }

  /** The latest successful latencies, newest first (to seed the latency tracker at start). */
  async recentLatencies(limit: number): Promise<{ provider: string; model: string; latencyMs: number }[]> {
    const rows = await this.db.selectFrom('llm_attempts').select(['provider', 'model', 'latency_ms']).where('outcome', '=', 'succeeded').orderBy('started_at', 'desc').limit(limit).execute();
    return rows.map((row) => ({ provider: row.provider, model: row.model, latencyMs: row.latency_ms }));
  }

  /**
   * Bounded retention: decisions older than `olderThan`, and all but the newest `maxRows`, go with
   * their attempts, escalations and evals. Answers how many decisions were dropped.
   */
  async prune(olderThan: string, maxRows: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const cutoff = await trx.selectFrom('llm_decisions').select('id').orderBy('id', 'desc').offset(maxRows).limit(1).executeTakeFirst();
      const old = await trx
        .selectFrom('llm_decisions')
        .select('id')
        .where((eb) => (cutoff === undefined ? eb('created_at', '<', olderThan) : eb.or([eb('created_at', '<', olderThan), eb('id', '<=', cutoff.id)])))
        .execute();
      const ids = old.map((row) => row.id);
      for (let start = 0; start < ids.length; start += 500) {
        const chunk = ids.slice(start, start + 500);
        await trx.deleteFrom('llm_attempts').where('decision_id', 'in', chunk).execute();
        await trx.deleteFrom('llm_escalations').where('decision_id', 'in', chunk).execute();
        await trx.deleteFrom('llm_evals').where('decision_id', 'in', chunk).execute();
        await trx.deleteFrom('llm_decisions').where('id', 'in', chunk).execute();
      }
      return ids.length;
    });
  }
}
