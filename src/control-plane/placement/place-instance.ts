import type { PlacementSpawnRequest } from '../api-schemas.js';
import { ApiError } from '../api-error.js';
import { canonicalHash } from '../canonical-json.js';
import type { ControlPlaneContext } from '../context.js';
import { newId } from '../ids.js';
import { type InstanceRecord, newIntentRecord } from '../instance-record.js';
import { attemptSpawn, recordSpawned, rememberCapacityError, type SpawnOutcome } from '../lifecycle/spawn-instance.js';
import { UniqueViolation } from '../store/instance-store.js';
import { type AttemptRecord, attemptToken, describe, type ChainRequest, type PlacementRecord, type RecordedEscalation } from '../store/placement-store.js';
import { type ChainPolicy, escalationsAfter, type EndedAttempt, keyOf, nextStep, poolGroup } from '../../placement/failover-chain.js';
import { EVIDENCE_PLAN_LIMITS, type RankedOffer } from '../../placement/offer-planner.js';
import type { SpotPreference } from '../../placement/requirements-schema.js';
import { attemptPoolLaunch, landedOffer, maxPoolsOf, type PoolAttempt, poolsFor } from './launch-pools.js';
import { planFor } from './plan-offers.js';

/** How long an unknown attempt waits between resolution tries (resumed spawns). */
const RESOLVE_BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000];

/**
 * POST /v1/instances with `requirements`: plan, commit the intent (instance row + placement + first
 * attempt, one transaction), then run the failover chain. The answer is the instance once an attempt
 * made its machine (202), or the chain's end as an error naming the instance.
 */
export async function placeInstance(
  ctx: ControlPlaneContext,
  request: PlacementSpawnRequest,
  idempotencyKey: string | null,
  options: { replaces?: string } = {},
): Promise<SpawnOutcome> {
  const requestHash = canonicalHash(request);
  if (idempotencyKey !== null) {
    const existing = await ctx.instances.findByIdempotencyKey(idempotencyKey);
    if (existing) return replayPlacement(ctx, existing, requestHash);
  }
  const policy = chainPolicy(ctx, request);
  const plan = planFor(ctx, request.requirements, EVIDENCE_PLAN_LIMITS);
  if (plan.verdict === 'no-matching-offer') {
    throw new ApiError(422, 'NO_MATCHING_OFFER', 'no offer of any enabled provider can satisfy these requirements', {
      closest: plan.closest,
      excludedByReason: plan.excludedByReason,
    });
  }
  if (plan.verdict === 'none-available') {
    const retryAfter: Record<string, string> = plan.retryAfterMs === null ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(plan.retryAfterMs / 1000))) };
    throw new ApiError(
      503,
      'NO_OFFER_AVAILABLE',
      'offers fit these requirements, but each is out for now (provider not ready, or a capacity error is cached)',
      { excludedByReason: plan.excludedByReason, excluded: plan.excluded.slice(0, 20), retryable: true, ...(plan.retryAfterMs !== null && { retryAfterMs: plan.retryAfterMs }) },
      retryAfter,
    );
  }
  const first = plan.ranked[0] as RankedOffer;
  const now = new Date();
  const id = newId('i');
  const placementId = newId('pl');
  const name = request.name ?? id;
  const entry = ctx.registry.require(first.provider);
  const bootstrap = entry.provider.generateBootstrap({ instanceId: id, hostname: name, ...request.bootstrap });
  const chainRequest: ChainRequest = {
    tags: request.tags,
    onInterruption: request.onInterruption,
    ...(request.image !== undefined && { image: request.image }),
    ...(request.volumes !== undefined && { volumes: request.volumes }),
    ...(request.bootstrap !== undefined && { bootstrap: request.bootstrap }),
  };
  const token = attemptToken(id, 1);
  const record = newIntentRecord({
    id,
    provider: first.provider,
    name,
    instanceType: first.instanceType,
    region: first.region,
    zone: first.zone,
    spot: first.market === 'spot',
    image: request.image ?? null,
    tags: request.tags,
    volumes: request.volumes ?? [],
    idempotencyKey,
    requestHash,
    bootstrapChecksum: bootstrap.checksum,
    createdAt: now.toISOString(),
    placementId,
    spawnToken: token,
  });
  const placement: PlacementRecord = {
    id: placementId,
    instanceId: id,
    status: 'running',
    requirements: request.requirements,
    policy,
    // Planned with EVIDENCE_PLAN_LIMITS: the evidence keeps the best 200 offers (more than any chain tries) and the nearest 200 misses.
    plan,
    request: chainRequest,
    escalations: [],
    outcome: null,
    replaces: options.replaces ?? null,
    deadlineAt: new Date(now.getTime() + policy.chainTimeoutMs).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const pools = poolsOf(ctx, plan.ranked, [], request.requirements.spot, policy, first, chainRequest);
  const attempt: AttemptRecord = { placementId, n: 1, offer: first, token, startedAt: now.toISOString(), endedAt: null, outcome: 'pending', errorCode: null, message: null, pools, tries: null };
  try {
    await ctx.instances.insert(record, (trx) => ctx.placements.create(trx, placement, attempt));
  } catch (error) {
    if (error instanceof UniqueViolation && idempotencyKey !== null) {
      const winner = await ctx.instances.findByIdempotencyKey(idempotencyKey);
      if (winner) return replayPlacement(ctx, winner, requestHash);
    }
    throw error;
  }
  return { record: await driveChain(ctx, placement, false), replayed: false };
}

export function chainPolicy(ctx: ControlPlaneContext, request: Pick<PlacementSpawnRequest, 'placement'>): ChainPolicy {
  const defaults = ctx.placementSettings.chain;
  return { ...defaults, ...request.placement };
}

async function replayPlacement(ctx: ControlPlaneContext, existing: InstanceRecord, requestHash: string): Promise<SpawnOutcome> {
  if (existing.requestHash !== requestHash) {
    throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body', { instanceId: existing.id });
  }
  if (existing.status === 'failed' && existing.error !== null) throw ApiError.fromStored(existing.error, { 'Idempotent-Replayed': 'true' });
  if (existing.status === 'requested' && existing.placementId !== null) {
    const placement = await ctx.placements.get(existing.placementId);
    if (placement?.status === 'running') return { record: await driveChain(ctx, placement, true), replayed: true };
    // The chain ended unresolved (its deadline passed on an unknown outcome): reconciliation owns the row now.
    if (existing.error !== null) throw ApiError.fromStored(existing.error, { 'Idempotent-Replayed': 'true' });
  }
  return { record: existing, replayed: true };
}

/** One chain per placement at a time in this process; a replay or the resumer joins the running one. */
export function driveChain(ctx: ControlPlaneContext, placement: PlacementRecord, resumed: boolean): Promise<InstanceRecord> {
  const inflight = ctx.inflightSpawns.get(placement.instanceId);
  if (inflight) return inflight;
  const run = runChain(ctx, placement, resumed).finally(() => ctx.inflightSpawns.delete(placement.instanceId));
  ctx.inflightSpawns.set(placement.instanceId, run);
  return run;
}

function ended(attempts: readonly AttemptRecord[]): EndedAttempt[] {
  return attempts
    .filter((attempt) => attempt.outcome !== 'pending')
    .map((attempt) => ({
      offerKey: keyOf(attempt.offer),
      provider: attempt.offer.provider,
      region: attempt.offer.region,
      market: attempt.offer.market,
      outcome: attempt.outcome as EndedAttempt['outcome'],
      errorCode: attempt.errorCode,
      covers: (attempt.pools ?? []).slice(1).map(keyOf),
    }));
}

/**
 * The offers an attempt at `head` covers when its provider has a pool launcher (several offers of a
 * one-provider plan in one launch, or one offer open to several zones), else null: a plain spawn.
 */
function poolsOf(
  ctx: ControlPlaneContext,
  ranked: readonly RankedOffer[],
  done: readonly EndedAttempt[],
  spot: SpotPreference,
  policy: ChainPolicy,
  head: RankedOffer,
  request: ChainRequest,
): RankedOffer[] | null {
  const entry = ctx.registry.get(head.provider);
  const launcher = entry?.poolLauncher ?? null;
  return poolsFor(entry, poolGroup(ranked, done, spot, policy, head, maxPoolsOf(launcher, head.market, request)));
}

/**
 * The chain. Its state is the persisted attempts alone: the current attempt is the last row; an
 * attempt is re-tried with `resumed` (the provider looks for its machine first) whenever its outcome
 * is not known, so a restart never makes a second machine, and the chain moves on only after a
 * definite refusal.
 */
async function runChain(ctx: ControlPlaneContext, placement: PlacementRecord, resumedStart: boolean): Promise<InstanceRecord> {
  const policy = placement.policy;
  const deadline = Date.parse(placement.deadlineAt);
  const request = placement.request ?? { tags: {}, onInterruption: 'terminate' as const };
  let attempts = await ctx.placements.attempts(placement.id);
  let resumed = resumedStart;
  let unknownTries = 0;
  for (;;) {
    const current = attempts.at(-1) as AttemptRecord;
    const record = await ctx.instances.findById(placement.instanceId);
    if (!record) throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${placement.instanceId}`);
    if (record.status !== 'requested' || record.providerId !== null) {
      // A DELETE (or reconciliation) moved the row: the chain stops here; the row's owner finishes it.
      await ctx.placements.finish(placement, 'cancelled', { code: 'CANCELLED', message: `the chain stopped: the instance is ${record.status}` });
      return record;
    }
    if (current.outcome === 'refused') {
      // A restart between a refusal and the move to the next offer: move on now, without asking the refusing offer again.
      const moved = await advanceOrExhaust(ctx, placement, record, attempts);
      if (moved.done) return moved.record;
      attempts = moved.attempts;
      resumed = false;
      continue;
    }
    const entry = ctx.registry.get(current.offer.provider);
    if (Date.now() >= deadline) return endAtDeadline(ctx, placement, record, current);
    if (!entry || ctx.registry.isRetiring(entry.name)) {
      // The provider was disabled (or a reload removed it) since the plan: a definite no for this offer, nothing was called.
      attempts = await refuse(ctx, placement, attempts, current, 'PROVIDER_DISABLED', `${current.offer.provider} is not enabled any more`);
      const moved = await advanceOrExhaust(ctx, placement, record, attempts);
      if (moved.done) return moved.record;
      attempts = moved.attempts;
      resumed = false;
      continue;
    }
    const again = resumed || current.outcome === 'unknown';
    const launcher = current.pools === null ? null : entry.poolLauncher;
    const outcome =
      launcher === null
        ? await attemptSpawn(ctx, entry, record, request.bootstrap, again)
        : await attemptPoolLaunch(ctx, entry, launcher, record, current.pools ?? [current.offer], request, placement.requirements.maxPricePerHour ?? null, again);
    const tries = launcher === null || outcome.kind === 'unknown' ? null : [...(outcome as Exclude<PoolAttempt, { kind: 'unknown' }>).tries];
    if (outcome.kind === 'spawned') {
      await ctx.placements.endAttempt(placement.instanceId, current, 'spawned', null, `${entry.name} created ${outcome.instance.providerId}`, tries);
      const spawned = await recordSpawned(ctx, entry, record, outcome.instance);
      const landed = current.pools === null ? current.offer : landedOffer(current.pools, outcome.instance);
      await ctx.placements.finish(placement, 'placed', { code: 'PLACED', message: `placed on attempt ${current.n}: ${describe(landed)}`, offer: landed });
      return spawned;
    }
    if (outcome.kind === 'unknown') {
      // Not known whether the machine exists: never move on; ask again with `resumed` until known or the deadline.
      if (current.outcome !== 'unknown') attempts = replaceLast(attempts, await ctx.placements.endAttempt(placement.instanceId, current, 'unknown', outcome.apiError.code, outcome.apiError.message));
      const wait = RESOLVE_BACKOFF_MS[Math.min(unknownTries, RESOLVE_BACKOFF_MS.length - 1)] as number;
      unknownTries += 1;
      if (Date.now() + wait >= deadline || Date.now() - Date.parse(current.startedAt) > policy.attemptTimeoutMs) {
        return endUnresolved(ctx, placement, record, current, outcome.apiError);
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      resumed = true;
      continue;
    }
    unknownTries = 0;
    const code = outcome.error.code;
    // A pool launch reported each pool's capacity refusal itself (provider signals); the chain adds what is wider (quotas).
    if (launcher === null || code !== 'CAPACITY_ERROR') await rememberCapacityError(ctx, record, outcome.error, 'placement');
    attempts = await refuse(ctx, placement, attempts, current, code, outcome.error.message, tries);
    const moved = await advanceOrExhaust(ctx, placement, record, attempts, outcome.apiError);
    if (moved.done) return moved.record;
    attempts = moved.attempts;
    resumed = false;
  }
}

function replaceLast(attempts: AttemptRecord[], last: AttemptRecord): AttemptRecord[] {
  return [...attempts.slice(0, -1), last];
}

async function refuse(
  ctx: ControlPlaneContext,
  placement: PlacementRecord,
  attempts: AttemptRecord[],
  current: AttemptRecord,
  code: string,
  message: string,
  tries: AttemptRecord['tries'] = null,
): Promise<AttemptRecord[]> {
  return replaceLast(attempts, await ctx.placements.endAttempt(placement.instanceId, current, 'refused', code, message, tries));
}

type Advance = { done: true; record: InstanceRecord } | { done: false; attempts: AttemptRecord[] };

async function advanceOrExhaust(
  ctx: ControlPlaneContext,
  placement: PlacementRecord,
  record: InstanceRecord,
  attempts: AttemptRecord[],
  lastError?: ApiError,
): Promise<Advance> {
  const spot = placement.requirements.spot;
  const done = ended(attempts);
  const at = new Date().toISOString();
  const afterAttempt = attempts.length;
  const current = attempts.at(-1) as AttemptRecord;
  const fromProvider = current.offer.provider;
  const escalations: RecordedEscalation[] = escalationsAfter(placement.plan.ranked, done, spot, placement.policy).map((escalation) => ({ ...escalation, at, afterAttempt, fromProvider }));
  const step = nextStep(placement.plan.ranked, done, spot, placement.policy);
  if (step.kind === 'attempt') {
    const pools = poolsOf(ctx, placement.plan.ranked, done, spot, placement.policy, step.offer, placement.request ?? { tags: {}, onInterruption: 'terminate' });
    const next: AttemptRecord = {
      placementId: placement.id,
      n: current.n + 1,
      offer: step.offer,
      token: attemptToken(placement.instanceId, current.n + 1),
      startedAt: at,
      endedAt: null,
      outcome: 'pending',
      errorCode: null,
      message: null,
      pools,
      tries: null,
    };
    const moved = await ctx.placements.advance(placement.instanceId, current.token, next, escalations);
    if (moved) {
      ctx.instanceChanges.publish([placement.instanceId]);
      return { done: false, attempts: [...attempts, next] };
    }
    const now = (await ctx.instances.findById(placement.instanceId)) ?? record;
    await ctx.placements.finish(placement, 'cancelled', { code: 'CANCELLED', message: `the chain stopped: the instance is ${now.status}` });
    return { done: true, record: now };
  }
  const summary = attempts.map((attempt) => ({ attempt: attempt.n, offer: keyOf(attempt.offer), outcome: attempt.outcome, code: attempt.errorCode }));
  const error = new ApiError(503, 'PLACEMENT_EXHAUSTED', `no offer could be placed: ${step.reason}; last error ${lastError?.code ?? current.errorCode ?? 'none'}`, {
    instanceId: placement.instanceId,
    placementId: placement.id,
    attempts: summary,
    retryable: true,
  });
  await ctx.instances.transition(placement.instanceId, {
    from: ['requested'],
    to: 'failed',
    patch: { error: error.stored() },
    event: { type: 'instance.spawn-failed', message: error.message, data: { code: error.code, placementId: placement.id } },
  });
  await ctx.placements.finish(placement, 'exhausted', { code: 'PLACEMENT_EXHAUSTED', message: error.message }, escalations);
  throw error;
}

async function endAtDeadline(ctx: ControlPlaneContext, placement: PlacementRecord, record: InstanceRecord, current: AttemptRecord): Promise<never> {
  if (current.outcome === 'unknown' || current.outcome === 'pending') {
    // The current attempt may have made a machine: reconciliation resolves the row (adopts it, or expires the intent).
    return endUnresolved(ctx, placement, record, current, null);
  }
  const error = new ApiError(504, 'PLACEMENT_DEADLINE', `the chain's deadline (${placement.policy.chainTimeoutMs} ms) passed after ${current.n} attempts`, {
    instanceId: placement.instanceId,
    placementId: placement.id,
    retryable: true,
  });
  await ctx.instances.transition(placement.instanceId, { from: ['requested'], to: 'failed', patch: { error: error.stored() }, event: { type: 'instance.spawn-failed', message: error.message, data: { code: error.code } } });
  await ctx.placements.finish(placement, 'deadline', { code: 'PLACEMENT_DEADLINE', message: error.message });
  throw error;
}

async function endUnresolved(ctx: ControlPlaneContext, placement: PlacementRecord, record: InstanceRecord, current: AttemptRecord, cause: ApiError | null): Promise<never> {
  const error = new ApiError(504, 'PLACEMENT_UNRESOLVED', `attempt ${current.n} (${describe(current.offer)}) has an unknown outcome at the chain's deadline; reconciliation adopts its machine or expires the intent`, {
    instanceId: record.id,
    placementId: placement.id,
    retryable: true,
    ...(cause !== null && { cause: cause.code }),
  });
  await ctx.instances.transition(record.id, { from: ['requested'], to: 'requested', patch: { error: error.stored() }, event: { type: 'instance.spawn-outcome-unknown', message: error.message, data: { code: error.code } } });
  await ctx.placements.finish(placement, 'unresolved', { code: 'PLACEMENT_UNRESOLVED', message: error.message, offer: current.offer });
  throw error;
}

