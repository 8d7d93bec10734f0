import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { ProbeSpendingLedger } from '../../readiness/probe-budget.js';
import type { StatusInputs } from '../../readiness/provider-status.js';
import type { UsageEvent, UsageLedger } from '../../readiness/usage-ledger.js';
import type { CheckOutcome, ErrorClass, ProviderValidation, ValidationMode, ValidationTrigger } from '../../readiness/validation-result.js';
import type { Database, ProviderValidationResultsTable } from './database-schema.js';

const DAY_MS = 24 * 3_600_000;

export interface ValidationRunRecord {
  runId: string;
  mode: ValidationMode;
  trigger: ValidationTrigger;
  startedAt: string;
  completedAt: string | null;
}

/** A stored result: the run's result, and the provider's counters right after it. */
export interface StoredValidation extends ProviderValidation {
  runId: string;
  ready: boolean;
  retryCount24h: number;
  escalationCount24h: number;
}

/**
 * One escalation away from a provider: placement's (a spawn refused, the chain moving on; its
 * decision evidence is the placement) or the LLM gateway's (a call moved to another model, kind
 * `llm`; its evidence is the gateway's routing decision: `placementId` and `decisionId` both hold the
 * decision id, `instanceId` is empty).
 */
export interface EscalationTrace {
  at: string;
  /** Placement's kind (`next-offer`, …), or `llm`. */
  kind: string;
  trigger: string;
  message: string;
  instanceId: string;
  placementId: string;
  /** The LLM gateway's decision (`llm_decisions.id`); null for a placement escalation. */
  decisionId: string | null;
}

const bool = (value: number | null): boolean | null => (value === null ? null : value === 1);

function fromRow(row: ProviderValidationResultsTable): StoredValidation {
  return {
    runId: row.run_id,
    provider: row.provider,
    mode: row.mode as ValidationMode,
    configured: row.configured === 1,
    authProbePassed: row.auth_probe_passed === 1,
    executionProbePassed: bool(row.execution_probe_passed),
    usageEventWritten: row.usage_event_written === 1,
    passed: row.passed === 1,
    ready: row.ready === 1,
    lastErrorClass: row.last_error_class as ErrorClass | null,
    retries: row.retries,
    retryCount24h: row.retry_count_24h,
    escalationCount24h: row.escalation_count_24h,
    checks: JSON.parse(row.checks) as CheckOutcome[],
    startedAt: row.started_at,
    completedAt: row.completed_at,
    usageEventId: row.usage_event_id,
  };
}

/**
 * Validation runs, their results, and the usage events they write; the probe budget's ledger
 * (`spentSince`). Reads the LLM gateway's attempts and escalations for a provider's 24-hour counters
 * and escalation traces, and never writes or prunes them (the gateway owns those tables).
 */
export class ValidationStore implements UsageLedger, ProbeSpendingLedger {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the run under the first free id of its second (`prv_…Z`, `…Z_2`, …): the primary key
   * decides, so two runs started in the same second, here or in another process, never share one.
   */
  async createRun(idAt: (sequence: number) => string, run: Omit<ValidationRunRecord, 'runId' | 'completedAt'>): Promise<ValidationRunRecord> {
    for (let sequence = 1; ; sequence += 1) {
      const runId = idAt(sequence);
      const inserted = await this.db
        .insertInto('provider_validation_runs')
        .values({ run_id: runId, mode: run.mode, trigger: run.trigger, started_at: run.startedAt, completed_at: null })
        .onConflict((conflict) => conflict.column('run_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { runId, ...run, completedAt: null };
    }
  }

  async completeRun(runId: string, completedAt: string): Promise<void> {
    await this.db.updateTable('provider_validation_runs').set({ completed_at: completedAt }).where('run_id', '=', runId).execute();
  }

  async saveResult(runId: string, result: ProviderValidation, derived: { ready: boolean; retryCount24h: number; escalationCount24h: number }): Promise<void> {
    await this.db
      .insertInto('provider_validation_results')
      .values({
        run_id: runId,
        provider: result.provider,
        mode: result.mode,
        configured: result.configured ? 1 : 0,
        auth_probe_passed: result.authProbePassed ? 1 : 0,
        execution_probe_passed: result.executionProbePassed === null ? null : result.executionProbePassed ? 1 : 0,
        usage_event_written: result.usageEventWritten ? 1 : 0,
        passed: result.passed ? 1 : 0,
        ready: derived.ready ? 1 : 0,
        last_error_class: result.lastErrorClass,
        retries: result.retries,
        retry_count_24h: derived.retryCount24h,
        escalation_count_24h: derived.escalationCount24h,
        checks: JSON.stringify(result.checks),
        usage_event_id: result.usageEventId,
        started_at: result.startedAt,
        completed_at: result.completedAt,
      })
      .execute();
  }

  /** The provider's readiness and 24-hour counters right after this result (computed from the stored results, this one included). */
  async saveDerived(runId: string, provider: string, derived: { ready: boolean; retryCount24h: number; escalationCount24h: number }): Promise<void> {
    await this.db
      .updateTable('provider_validation_results')
      .set({ ready: derived.ready ? 1 : 0, retry_count_24h: derived.retryCount24h, escalation_count_24h: derived.escalationCount24h })
      .where('run_id', '=', runId)
      .where('provider', '=', provider)
      .execute();
  }

  async run(runId: string): Promise<{ run: ValidationRunRecord; results: StoredValidation[] } | null> {
    const row = await this.db.selectFrom('provider_validation_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    if (!row) return null;
    const results = await this.db.selectFrom('provider_validation_results').selectAll().where('run_id', '=', runId).orderBy('provider').execute();
    return { run: runFromRow(row), results: results.map(fromRow) };
  }

  /** Runs newest first; `before` is the last run id of the previous page. */
  async runs(limit: number, before?: string): Promise<{ run: ValidationRunRecord; results: StoredValidation[] }[]> {
    let query = this.db.selectFrom('provider_validation_runs').selectAll().orderBy('started_at', 'desc').orderBy('run_id', 'desc').limit(limit);
    if (before !== undefined) {
      const anchor = await this.db.selectFrom('provider_validation_runs').select(['started_at', 'run_id']).where('run_id', '=', before).executeTakeFirst();
      if (anchor) {
        query = query.where((eb) =>
          eb.or([eb('started_at', '<', anchor.started_at), eb.and([eb('started_at', '=', anchor.started_at), eb('run_id', '<', anchor.run_id)])]),
        );
      }
    }
    const runs = (await query.execute()).map(runFromRow);
    if (runs.length === 0) return [];
    const results = await this.db
      .selectFrom('provider_validation_results')
      .selectAll()
      .where(
        'run_id',
        'in',
        runs.map((run) => run.runId),
      )
      .orderBy('provider')
      .execute();
    return runs.map((run) => ({ run, results: results.filter((result) => result.run_id === run.runId).map(fromRow) }));
  }

  /** A provider's results, newest first (its failure history). */
  async history(provider: string, limit: number): Promise<StoredValidation[]> {
    const rows = await this.db.selectFrom('provider_validation_results').selectAll().where('provider', '=', provider).orderBy('completed_at', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** What a provider's status is computed from (see `providerStatus`). */
  async statusInputs(provider: string, required: boolean, now: number): Promise<StatusInputs> {
    const since = new Date(now - DAY_MS).toISOString();
    const results = this.db.selectFrom('provider_validation_results').where('provider', '=', provider);
    const [last24h, latest, latestFull, lastExecution, lastFailure, escalations, llmRetries] = await Promise.all([
      results.select(['passed', 'retries']).where('completed_at', '>=', since).execute(),
      results.select(['passed', 'completed_at']).orderBy('completed_at', 'desc').limit(1).executeTakeFirst(),
      results.select(['passed', 'completed_at']).where('mode', '=', 'full').orderBy('completed_at', 'desc').limit(1).executeTakeFirst(),
      results.select('completed_at').where('execution_probe_passed', '=', 1).orderBy('completed_at', 'desc').limit(1).executeTakeFirst(),
      results.select(['completed_at', 'last_error_class']).where('passed', '=', 0).orderBy('completed_at', 'desc').limit(1).executeTakeFirst(),
      this.escalations(provider, since),
      this.db
        .selectFrom('llm_attempts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('provider', '=', provider)
        .where('retry', '=', 1)
        .where('started_at', '>=', since)
        .executeTakeFirst(),
    ]);
    return {
      provider,
      required,
      last24h: last24h.map((row) => ({ passed: row.passed === 1, retries: row.retries })),
      latest: latest ? { passed: latest.passed === 1, completedAt: latest.completed_at } : null,
      latestFull: latestFull ? { passed: latestFull.passed === 1, completedAt: latestFull.completed_at } : null,
      lastSuccessfulExecutionAt: lastExecution?.completed_at ?? null,
      lastFailure: lastFailure ? { at: lastFailure.completed_at, errorClass: lastFailure.last_error_class as ErrorClass | null } : null,
      escalations24h: escalations.length,
      workRetries24h: Number(llmRetries?.count ?? 0),
    };
  }

  /**
   * The escalations away from a provider since `since`, newest first, from both sources: placement's
   * (each from the `placement.escalated` event the chain wrote, linked to its placement) and the LLM
   * gateway's (`llm_escalations` rows from the provider, kind `llm`, linked to the routing decision).
   * Placement's JSON is read in application code (not with a JSON SQL function), so the query is
   * the same on every SQL dialect.
   */
  async escalations(provider: string, since: string): Promise<EscalationTrace[]> {
    const [rows, llmRows] = await Promise.all([
      this.db
        .selectFrom('events')
        .select(['data', 'instance_id', 'created_at'])
        .where('type', '=', 'placement.escalated')
        .where('created_at', '>=', since)
        .orderBy('id', 'desc')
        .execute(),
      this.db
        .selectFrom('llm_escalations')
        .selectAll()
        .where('from_provider', '=', provider)
        .where('at', '>=', since)
        .orderBy('at', 'desc')
        .orderBy('decision_id', 'desc')
        .orderBy('seq', 'desc')
        .execute(),
    ]);
    const traces: EscalationTrace[] = [];
    for (const row of rows) {
      const data = row.data === null ? null : (JSON.parse(row.data) as { fromProvider?: string; kind?: string; trigger?: string; message?: string; placementId?: string });
      if (data?.fromProvider !== provider) continue;
      traces.push({ at: row.created_at, kind: data.kind ?? '', trigger: data.trigger ?? '', message: data.message ?? '', instanceId: row.instance_id ?? '', placementId: data.placementId ?? '', decisionId: null });
    }
    const llm: EscalationTrace[] = llmRows.map((row) => ({
      at: row.at,
      kind: 'llm',
      trigger: row.trigger,
      message: `${row.from_provider}/${row.from_model} → ${row.to_provider}/${row.to_model}: ${row.detail}`,
      instanceId: '',
      placementId: row.decision_id,
      decisionId: row.decision_id,
    }));
    // Both lists are newest first; a stable merge keeps each source's own order among equal times.
    return mergeNewestFirst(traces, llm);
  }

  /**
   * USD the readiness probes spent since `since` (inclusive): the sum of the provider-validation
   * usage events' cost. The daily probe budget's ledger.
   */
  async spentSince(since: string): Promise<number> {
    const row = await this.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.sum<number | null>('cost_usd').as('spent'))
      .where('kind', '=', 'provider-validation')
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.spent ?? 0);
  }

  /** Runs (with their results) and usage events older than the retention. */
  async prune(olderThan: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('provider_validation_runs').select('run_id').where('started_at', '<', olderThan).execute();
      const ids = old.map((row) => row.run_id);
      if (ids.length > 0) {
        await trx.deleteFrom('provider_validation_results').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('provider_validation_runs').where('run_id', 'in', ids).execute();
      }
      await trx.deleteFrom('usage_events').where('created_at', '<', olderThan).execute();
      return ids.length;
    });
  }

  async write(event: UsageEvent): Promise<string> {
    const id = newId('ue');
    await this.db
      .insertInto('usage_events')
      .values({ id, provider: event.provider, kind: event.kind, run_id: event.runId, outcome: event.outcome, cost_usd: event.costUsd, data: JSON.stringify(event.data), created_at: event.createdAt })
      .execute();
    return id;
  }

  async read(id: string): Promise<(UsageEvent & { id: string }) | null> {
    const row = await this.db.selectFrom('usage_events').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      provider: row.provider,
      kind: row.kind,
      runId: row.run_id ?? '',
      outcome: row.outcome as UsageEvent['outcome'],
      costUsd: row.cost_usd,
      createdAt: row.created_at,
      data: JSON.parse(row.data) as Record<string, unknown>,
    };
  }
}

/** Two newest-first lists as one, newest first (ISO timestamps compare as strings). */
function mergeNewestFirst(left: readonly EscalationTrace[], right: readonly EscalationTrace[]): EscalationTrace[] {
  const merged: EscalationTrace[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const a = left[i];
    const b = right[j];
    if (b === undefined || (a !== undefined && a.at >= b.at)) {
      merged.push(a as EscalationTrace);
      i += 1;
    } else {
      merged.push(b);
      j += 1;
    }
  }
  return merged;
}

function runFromRow(row: { run_id: string; mode: string; trigger: string; started_at: string; completed_at: string | null }): ValidationRunRecord {
  return { runId: row.run_id, mode: row.mode as ValidationMode, trigger: row.trigger as ValidationTrigger, startedAt: row.started_at, completedAt: row.completed_at };
}
