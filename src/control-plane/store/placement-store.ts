import type { Kysely, Transaction } from 'kysely';
import type { PoolTry, VolumeRequest } from '../../contracts/index.js';
import type { ChainPolicy, Escalation } from '../../placement/failover-chain.js';
import type { Plan, RankedOffer } from '../../placement/offer-planner.js';
import type { Requirements } from '../../placement/requirements-schema.js';
import type { Database } from './database-schema.js';
import { recordEvent } from './event-store.js';

export const PLACEMENT_STATUSES = ['running', 'placed', 'exhausted', 'deadline', 'cancelled', 'unresolved'] as const;
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number];
export type AttemptOutcome = 'pending' | 'spawned' | 'refused' | 'unknown';

export interface RecordedEscalation extends Escalation {
  at: string;
  afterAttempt: number;
  /** The provider of the attempt whose refusal caused it (what readiness counts as that provider's escalations). */
  fromProvider: string;
}

export interface PlacementRecord {
  id: string;
  instanceId: string;
  status: PlacementStatus;
  requirements: Requirements;
  policy: ChainPolicy;
  /** The plan at decision time: ranked offers with reasons, exclusions. */
  plan: Plan;
  /** What each attempt sends besides the offer; null once the chain is over. */
  request: ChainRequest | null;
  escalations: RecordedEscalation[];
  /** The final word: what was chosen, or why nothing was. */
  outcome: { code: string; message: string; offer?: RankedOffer } | null;
  /** The interrupted spot instance this placement replaces (onInterruption: replace). */
  replaces: string | null;
  deadlineAt: string;
  createdAt: string;
  updatedAt: string;
}

/** The spawn fields every attempt sends, whatever the offer. */
export interface ChainRequest {
  image?: string;
  tags: Record<string, string>;
  volumes?: VolumeRequest[];
  bootstrap?: { script?: string; env?: Record<string, string> };
  onInterruption: 'terminate' | 'replace';
}

export interface AttemptRecord {
  placementId: string;
  n: number;
  offer: RankedOffer;
  /** The provider idempotency token of this attempt (`<instance id>.<n>`). */
  token: string;
  startedAt: string;
  endedAt: string | null;
  outcome: AttemptOutcome;
  errorCode: string | null;
  message: string | null;
  /**
   * A pool attempt: the offers it covers, `offer` first (one call of the provider's pool launcher),
   * or null for a one-offer spawn. An offer open to several zones alone is a pool attempt too.
   */
  pools: RankedOffer[] | null;
  /** What each pool of a pool attempt said (null: a spawn, or not over yet). */
  tries: PoolTry[] | null;
}

type PlacementRow = Awaited<ReturnType<PlacementStore['rawPlacement']>>;

function placementFromRow(row: NonNullable<PlacementRow>): PlacementRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    status: row.status as PlacementStatus,
    requirements: JSON.parse(row.requirements) as Requirements,
    policy: JSON.parse(row.policy) as ChainPolicy,
    plan: JSON.parse(row.plan) as Plan,
    request: row.request === null ? null : (JSON.parse(row.request) as ChainRequest),
    escalations: JSON.parse(row.escalations) as RecordedEscalation[],
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as PlacementRecord['outcome']),
    replaces: row.replaces,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function attemptToken(instanceId: string, n: number): string {
  return `${instanceId}.${n}`;
}

/** A placement's chain as rows: the placement, its attempts, the instance row retargeted per attempt. */
export class PlacementStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inside the instance insert's transaction: the placement and its first attempt. */
  async create(trx: Transaction<Database>, placement: PlacementRecord, first: AttemptRecord): Promise<void> {
    await trx
      .insertInto('placements')
      .values({
        id: placement.id,
        instance_id: placement.instanceId,
        status: placement.status,
        requirements: JSON.stringify(placement.requirements),
        policy: JSON.stringify(placement.policy),
        plan: JSON.stringify(placement.plan),
        request: placement.request === null ? null : JSON.stringify(placement.request),
        escalations: '[]',
        outcome: null,
        replaces: placement.replaces,
        deadline_at: placement.deadlineAt,
        created_at: placement.createdAt,
        updated_at: placement.updatedAt,
      })
      .execute();
    await insertAttempt(trx, first);
    await recordEvent(
      trx,
      {
        provider: null,
        instanceId: placement.instanceId,
        type: 'placement.planned',
        fromStatus: null,
        toStatus: null,
        message: `${placement.plan.ranked.length} offers ranked, ${placement.plan.excludedTotal} excluded; first: ${describe(first.offer)}`,
        data: { placementId: placement.id, ranked: placement.plan.ranked.length, excluded: placement.plan.excludedTotal },
      },
      placement.createdAt,
    );
    await attemptStartedEvent(trx, placement.instanceId, first);
  }

  async rawPlacement(id: string) {
    return this.db.selectFrom('placements').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async get(id: string): Promise<PlacementRecord | null> {
    const row = await this.rawPlacement(id);
    return row ? placementFromRow(row) : null;
  }

  async open(): Promise<PlacementRecord[]> {
    const rows = await this.db.selectFrom('placements').selectAll().where('status', '=', 'running').orderBy('created_at').execute();
    return rows.map(placementFromRow);
  }

  async attempts(placementId: string): Promise<AttemptRecord[]> {
    const rows = await this.db.selectFrom('placement_attempts').selectAll().where('placement_id', '=', placementId).orderBy('n').execute();
    return rows.map((row) => ({
      placementId: row.placement_id,
      n: row.n,
      offer: JSON.parse(row.offer) as RankedOffer,
      token: row.token,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      outcome: row.outcome as AttemptOutcome,
      errorCode: row.error_code,
      message: row.message,
      pools: row.pools === null ? null : (JSON.parse(row.pools) as RankedOffer[]),
      tries: row.tries === null ? null : (JSON.parse(row.tries) as PoolTry[]),
    }));
  }

  /** Ends an attempt with its outcome (and records the event). */
  async endAttempt(
    instanceId: string,
    attempt: AttemptRecord,
    outcome: Exclude<AttemptOutcome, 'pending'>,
    errorCode: string | null,
    message: string | null,
    tries: PoolTry[] | null = null,
  ): Promise<AttemptRecord> {
    const endedAt = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('placement_attempts')
        .set({ outcome, error_code: errorCode, message, ended_at: endedAt, tries: tries === null ? null : JSON.stringify(tries) })
        .where('placement_id', '=', attempt.placementId)
        .where('n', '=', attempt.n)
        .execute();
      await recordEvent(
        trx,
        {
          provider: attempt.offer.provider,
          instanceId,
          type: outcome === 'spawned' ? 'placement.attempt-succeeded' : outcome === 'refused' ? 'placement.attempt-failed' : 'placement.attempt-unknown',
          fromStatus: null,
          toStatus: null,
          message: `attempt ${attempt.n} (${describe(attempt.offer)}): ${outcome}${errorCode === null ? '' : ` ${errorCode}`}${message === null ? '' : `: ${message}`}`,
          data: { placementId: attempt.placementId, attempt: attempt.n, outcome, code: errorCode, ...(tries !== null && { tries }) },
        },
        endedAt,
      );
    });
    return { ...attempt, outcome, errorCode, message, endedAt, tries };
  }

  /**
   * Moves the chain to its next attempt in one transaction: the escalations, the new attempt row,
   * and the instance row retargeted to the new offer (provider, type, region, zone, market, token;
   * `created_at` moves to now, so the intent clocks count from this attempt). Compare-and-set on the
   * row still `requested`, with no machine, on the previous token: false when it moved (a DELETE).
   */
  async advance(instanceId: string, previousToken: string, next: AttemptRecord, escalations: RecordedEscalation[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = next.startedAt;
      const moved = await trx
        .updateTable('instances')
        .set({
          provider: next.offer.provider,
          instance_type: next.offer.instanceType,
          region: next.offer.region,
          zone: next.offer.zone,
          spot: next.offer.market === 'spot' ? 1 : 0,
          spawn_token: next.token,
          error: null,
          created_at: now,
          updated_at: now,
        })
        .where('id', '=', instanceId)
        .where('status', '=', 'requested')
        .where('provider_id', 'is', null)
        .where('spawn_token', '=', previousToken)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      await this.addEscalations(trx, next.placementId, instanceId, escalations);
      await insertAttempt(trx, next);
      await attemptStartedEvent(trx, instanceId, next);
      return true;
    });
  }

  async addEscalations(db: Kysely<Database>, placementId: string, instanceId: string, escalations: RecordedEscalation[]): Promise<void> {
    if (escalations.length === 0) return;
    const row = await db.selectFrom('placements').select('escalations').where('id', '=', placementId).executeTakeFirstOrThrow();
    const all = [...(JSON.parse(row.escalations) as RecordedEscalation[]), ...escalations];
    await db.updateTable('placements').set({ escalations: JSON.stringify(all), updated_at: escalations[0]?.at ?? new Date().toISOString() }).where('id', '=', placementId).execute();
    for (const escalation of escalations) {
      await recordEvent(
        db,
        {
          provider: escalation.provider ?? null,
          instanceId,
          type: 'placement.escalated',
          fromStatus: null,
          toStatus: null,
          message: `${escalation.kind} (${escalation.trigger}): ${escalation.message}`,
          data: { placementId, ...escalation },
        },
        escalation.at,
      );
    }
  }

  /** The chain's end: its status and outcome, with a final event. */
  async finish(placement: PlacementRecord, status: Exclude<PlacementStatus, 'running'>, outcome: NonNullable<PlacementRecord['outcome']>, escalations: RecordedEscalation[] = []): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      await this.addEscalations(trx, placement.id, placement.instanceId, escalations);
      await trx.updateTable('placements').set({ status, outcome: JSON.stringify(outcome), ...(!(status === 'placed' && placement.request?.onInterruption === 'replace') && { request: null }), updated_at: now }).where('id', '=', placement.id).where('status', '=', 'running').execute();
      await recordEvent(
        trx,
        {
          provider: outcome.offer?.provider ?? null,
          instanceId: placement.instanceId,
          type: `placement.${status}`,
          fromStatus: null,
          toStatus: null,
          message: outcome.message,
          data: { placementId: placement.id, code: outcome.code },
        },
        now,
      );
    });
  }

  /** Placements older than the retention that are over: dropped with their attempts (the instance rows stay). */
  async prune(olderThan: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const old = await trx.selectFrom('placements').select('id').where('status', '!=', 'running').where('updated_at', '<', olderThan).execute();
      if (old.length === 0) return 0;
      const ids = old.map((row) => row.id);
      await trx.deleteFrom('placement_attempts').where('placement_id', 'in', ids).execute();
      await trx.deleteFrom('placements').where('id', 'in', ids).execute();
      return ids.length;
    });
  }
}

async function insertAttempt(db: Kysely<Database>, attempt: AttemptRecord): Promise<void> {
  await db
    .insertInto('placement_attempts')
    .values({
      placement_id: attempt.placementId,
      n: attempt.n,
      offer: JSON.stringify(attempt.offer),
      token: attempt.token,
      started_at: attempt.startedAt,
      ended_at: null,
      outcome: 'pending',
      error_code: null,
      message: null,
      pools: attempt.pools === null ? null : JSON.stringify(attempt.pools),
      tries: null,
    })
    .execute();
}

async function attemptStartedEvent(db: Kysely<Database>, instanceId: string, attempt: AttemptRecord): Promise<void> {
  await recordEvent(
    db,
    {
      provider: attempt.offer.provider,
      instanceId,
      type: 'placement.attempt-started',
      fromStatus: null,
      toStatus: null,
      message: `attempt ${attempt.n}: ${describe(attempt.offer)}${attempt.pools !== null && attempt.pools.length > 1 ? ` and ${attempt.pools.length - 1} more offers in one launch` : ''}`,
      data: { placementId: attempt.placementId, attempt: attempt.n, offer: attempt.offer, ...(attempt.pools !== null && { pools: attempt.pools.map(describe) }) },
    },
    attempt.startedAt,
  );
}

export function describe(offer: RankedOffer): string {
  const price = offer.pricePerHour === null ? 'price unknown' : `$${offer.pricePerHour}/h`;
  return `${offer.provider} ${offer.instanceType} in ${offer.region}${offer.zone === null ? '' : `/${offer.zone}`} (${offer.market}, ${price}, rank ${offer.rank})`;
}
