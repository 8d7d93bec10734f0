import { type CapabilityFlag, type InstanceTypeOffering, isProviderError, isWarmVolumeRequest, type ProviderError, type ProviderInstance, CAPACITY_SIGNAL_CODES } from '../../contracts/index.js';
import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import type { SpawnRequest } from '../api-schemas.js';
import { callProvider } from '../call-provider.js';
import { canonicalHash } from '../canonical-json.js';
import type { ControlPlaneContext } from '../context.js';
import { newId } from '../ids.js';
import { type InstanceRecord, newIntentRecord } from '../instance-record.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { UniqueViolation } from '../store/instance-store.js';
import { SPEC_HASH_VERSION, specHash } from '../reconcile/spec-hash.js';
import { failedSpawnAnswer } from './spawn-retry-policy.js';
import { requestTermination } from './terminate-instance.js';

export interface SpawnOutcome {
  record: InstanceRecord;
  /** True when an earlier request with the same Idempotency-Key made this instance. */
  replayed: boolean;
}

/**
 * POST /v1/instances: validate against the provider's catalog, commit the intent, then call the
 * provider with the instance id as idempotency token and ownership marks.
 */
export async function spawnInstance(
  ctx: ControlPlaneContext,
  request: SpawnRequest,
  idempotencyKey: string | null,
): Promise<SpawnOutcome> {
  const requested = ctx.registry.get(request.provider);
  if (!requested) {
    throw new ApiError(422, 'UNKNOWN_PROVIDER', `no enabled provider named ${request.provider}`, {
      field: 'provider',
      known: ctx.registry.names(),
    });
  }
  const requestHash = canonicalHash(request);
  // A replay answers from the row, so it needs neither the catalog nor placement to be reachable.
  if (idempotencyKey !== null) {
    const existing = await ctx.instances.findByIdempotencyKey(idempotencyKey);
    // The row's own adapter: a ramp may have sent the first attempt to the candidate, and a retry lands where it did.
    if (existing) return replay(ctx, ctx.registry.get(existing.provider) ?? requested, existing, request, requestHash);
  }
  const id = newId('i');
  // A ramp (docs/governance.md) sends its share of new spawns for this provider to its candidate, by a stable hash of the key (or the new id).
  const entry = ctx.registry.get(ctx.ramp.assign('compute', requested.name, idempotencyKey ?? id)) ?? requested;
  if (ctx.registry.isRetiring(entry.name)) {
    throw new ApiError(409, 'PROVIDER_RETIRING', `provider ${entry.name} was removed from the configuration: it takes no new work, and its instances are reconciled until they are gone`, { field: 'provider', provider: entry.name });
  }
  const { region, zone } = await resolvePlacement(ctx, entry, request);

  const now = new Date().toISOString();
  const name = request.name ?? id;
  const bootstrap = entry.provider.generateBootstrap({ instanceId: id, hostname: name, ...request.bootstrap });
  const record = newIntentRecord({
    id,
    provider: entry.name,
    name,
    instanceType: request.instanceType,
    region,
    zone,
    spot: request.spot,
    image: request.image ?? null,
    tags: request.tags,
    volumes: request.volumes ?? [],
    idempotencyKey,
    requestHash,
    bootstrapChecksum: bootstrap.checksum,
    createdAt: now,
  });
  try {
    await ctx.instances.insert(record);
  } catch (error) {
    // Another request with the same key committed first: answer as its replay.
    if (error instanceof UniqueViolation && idempotencyKey !== null) {
      const winner = await ctx.instances.findByIdempotencyKey(idempotencyKey);
      if (winner) return replay(ctx, ctx.registry.get(winner.provider) ?? entry, winner, request, requestHash);
    }
    throw error;
  }
  const started = performance.now();
  let driven: InstanceRecord;
  try {
    driven = await driveSpawn(ctx, entry, record, request, false);
  } catch (error) {
    ctx.ramp.record('compute', entry.name, { ok: false, latencyMs: performance.now() - started, errorClass: error instanceof ApiError ? error.code : 'INTERNAL' });
    throw error;
  }
  ctx.ramp.record('compute', entry.name, { ok: driven.status !== 'failed', latencyMs: performance.now() - started, errorClass: driven.error?.code ?? null });
  return { record: driven, replayed: false };
}

async function replay(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  existing: InstanceRecord,
  request: SpawnRequest,
  requestHash: string,
): Promise<SpawnOutcome> {
  if (existing.requestHash !== requestHash) {
    throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body', {
      instanceId: existing.id,
    });
  }
  if (existing.status === 'failed' && existing.error !== null) {
    const answer = failedSpawnAnswer(existing);
    if (answer.kind === 're-drive') return redrive(ctx, entry, existing, request, requestHash);
    const replayed = ApiError.fromStored(existing.error, { 'Idempotent-Replayed': 'true' });
    if (answer.kind === 'replay') throw replayed;
    // Too early: the stored error again, with the Retry-After that is left, and no provider call.
    throw new ApiError(replayed.status, replayed.code, replayed.message, replayed.details, {
      ...replayed.headers,
      'Retry-After': String(Math.ceil(answer.retryAfterMs / 1000)),
    });
  }
  // The first attempt's outcome is unknown (timeout, crash): ask again with the same token, which finds the same machine.
  if (existing.status === 'requested') return { record: await driveSpawn(ctx, entry, existing, request, true), replayed: true };
  return { record: existing, replayed: true };
}

/**
 * A retryable failure that created nothing (capacity, rate limit) is not an answer to keep: the same
 * key spawns again, on the same row, so the key still names one instance. The re-drive is a resumed
 * spawn: a vendor (or the chaos engine's phantom faults) can answer a refusal for a launch that did
 * happen, so the provider looks for this intent's machine before it makes one.
 */
async function redrive(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  failed: InstanceRecord,
  request: SpawnRequest,
  requestHash: string,
): Promise<SpawnOutcome> {
  const reopened = await ctx.instances.reopenFailedSpawn(failed.id, {
    type: 'instance.spawn-retried',
    message: `spawn retried under its Idempotency-Key after ${failed.error?.code ?? 'a retryable failure'}`,
    data: { after: failed.error?.code ?? null },
  });
  if (reopened) return { record: await driveSpawn(ctx, entry, reopened, request, true), replayed: false };
  // Another request with the same key re-opened it first: answer as that request's replay.
  // (If that re-drive has failed again already, its error is the answer; no third call.)
  const current = (await ctx.instances.findById(failed.id)) ?? failed;
  const error = current.error ?? failed.error;
  if (current.status === 'failed' && error !== null) throw ApiError.fromStored(error, { 'Idempotent-Replayed': 'true' });
  return replay(ctx, entry, current, request, requestHash);
}

async function resolvePlacement(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  request: SpawnRequest,
): Promise<{ region: string; zone: string | null }> {
  if (request.spot) requireCapability(entry, 'spot', 'spot instances');
  const volumes = request.volumes ?? [];
  if (volumes.some((volume) => !isWarmVolumeRequest(volume))) requireCapability(entry, 'persistentVolumes', 'persistent volumes');
  if (volumes.some(isWarmVolumeRequest)) requireCapability(entry, 'warmVolumes', 'warm volumes');
  let offerings: InstanceTypeOffering[];
  try {
    offerings = await callProvider(entry.name, 'instanceTypes', ctx.settings.providerTimeoutMs, () =>
      ctx.registry.instanceTypes(entry),
    );
  } catch (error) {
    throw apiErrorFromProviderCall(error, entry.name);
  }
  const offering = offerings.find((candidate) => candidate.name === request.instanceType);
  if (!offering) {
    throw new ApiError(422, 'UNKNOWN_INSTANCE_TYPE', `${entry.name} has no instance type ${request.instanceType}`, {
      field: 'instanceType',
      known: offerings.map((candidate) => candidate.name),
    });
  }
  const region = request.region ?? offering.regions[0]?.region;
  const regionOffering = offering.regions.find((candidate) => candidate.region === region);
  if (region === undefined || !regionOffering) {
    const where = request.region === undefined ? 'in any region' : `in region ${request.region}`;
    throw new ApiError(422, 'UNKNOWN_REGION', `${request.instanceType} is not offered ${where}`, {
      field: 'region',
      known: offering.regions.map((candidate) => candidate.region),
    });
  }
  if (request.zone !== undefined && !regionOffering.zones.includes(request.zone)) {
    throw new ApiError(422, 'UNKNOWN_ZONE', `zone ${request.zone} is not in region ${region}`, {
      field: 'zone',
      known: regionOffering.zones,
    });
  }
  return { region, zone: request.zone ?? null };
}

function requireCapability(entry: RegisteredProvider, flag: CapabilityFlag, what: string): void {
  const declared = entry.provider.capabilities[flag];
  if (declared === true) return;
  throw new ApiError(422, 'CAPABILITY_UNSUPPORTED', `${entry.name} does not offer ${what}`, {
    capability: flag,
    reason: declared.unsupported,
    provider: entry.name,
  });
}

/** One provider call per intent at a time in this process; concurrent replays wait for it. */
function driveSpawn(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  record: InstanceRecord,
  request: SpawnRequest,
  resumed: boolean,
): Promise<InstanceRecord> {
  const inflight = ctx.inflightSpawns.get(record.id);
  if (inflight) return inflight;
  const call = callSpawn(ctx, entry, record, request, resumed).finally(() => ctx.inflightSpawns.delete(record.id));
  ctx.inflightSpawns.set(record.id, call);
  return call;
}

async function callSpawn(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  record: InstanceRecord,
  request: SpawnRequest,
  resumed: boolean,
): Promise<InstanceRecord> {
  const attempt = await attemptSpawn(ctx, entry, record, request.bootstrap, resumed);
  if (attempt.kind === 'spawned') return recordSpawned(ctx, entry, record, attempt.instance);
  // A taxonomy error is the provider's definite "no"; anything else leaves the outcome unknown, so the intent stays open.
  const definite = attempt.kind === 'refused';
  if (attempt.kind === 'refused') await rememberCapacityError(ctx, record, attempt.error, 'spawn');
  await ctx.instances.transition(record.id, {
    from: ['requested'],
    to: definite ? 'failed' : 'requested',
    patch: { error: attempt.apiError.stored() },
    event: {
      type: definite ? 'instance.spawn-failed' : 'instance.spawn-outcome-unknown',
      message: attempt.apiError.message,
      data: { code: attempt.apiError.code },
    },
  });
  ctx.logger.warn('spawn failed', { instanceId: record.id, provider: entry.name, code: attempt.apiError.code, definite });
  throw attempt.apiError;
}

/** Codes the capacity-error cache learns from: "not here, not now" (a quota: not in this region until raised). */
const CAPACITY_CACHE_CODES: ReadonlySet<string> = new Set(CAPACITY_SIGNAL_CODES);

/** Feeds the capacity-error cache from a refused spawn of this row's offer (explicit spawns and placement attempts alike). */
export async function rememberCapacityError(ctx: ControlPlaneContext, record: InstanceRecord, error: ProviderError, source: 'spawn' | 'placement'): Promise<void> {
  if (!CAPACITY_CACHE_CODES.has(error.code)) return;
  await ctx.capacityErrors.record({
    provider: record.provider,
    region: record.region,
    zone: record.zone,
    instanceType: record.instanceType,
    market: record.spot ? 'spot' : 'on-demand',
    code: error.code,
    message: error.message,
    source,
  });
}

/** One provider spawn call's outcome: a machine, the provider's definite no, or unknown (timeout, a non-taxonomy failure). */
export type SpawnAttempt =
  | { kind: 'spawned'; instance: ProviderInstance }
  | { kind: 'refused'; error: ProviderError; apiError: ApiError }
  | { kind: 'unknown'; apiError: ApiError };

/**
 * Calls the provider's spawn for a `requested` row (its current token and offer), writing nothing:
 * the caller decides what the outcome means (an explicit spawn fails the row; a placement chain
 * moves to its next offer).
 */
export async function attemptSpawn(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  record: InstanceRecord,
  bootstrapRequest: SpawnRequest['bootstrap'],
  resumed: boolean,
): Promise<SpawnAttempt> {
  const bootstrap = entry.provider.generateBootstrap({ instanceId: record.id, hostname: record.name, ...bootstrapRequest });
  try {
    const instance = await callProvider(entry.name, 'spawn', ctx.settings.providerTimeoutMs, (signal) =>
      entry.provider.spawn({
        instanceType: record.instanceType,
        region: record.region,
        zone: record.zone,
        spot: record.spot,
        image: record.image,
        name: record.name,
        tags: record.tags,
        bootstrap,
        idempotencyToken: record.spawnToken ?? record.id,
        ownership: { owner: ctx.settings.owner, instanceId: record.id },
        ...(record.volumes.length > 0 && { volumes: record.volumes }),
        ...(resumed && { resumed }),
      }, { signal }),
    );
    return { kind: 'spawned', instance };
  } catch (error) {
    // The row exists now: the error names it, so a client without an Idempotency-Key can still find it.
    const apiError = apiErrorFromProviderCall(error, entry.name).withDetails({ instanceId: record.id });
    return isProviderError(error) ? { kind: 'refused', error, apiError } : { kind: 'unknown', apiError };
  }
}

/**
 * Writes a spawn's machine onto its row (`requested -> provisioning | running`). When a DELETE
 * arrived while the provider worked, the machine is recorded on the `terminating` row and terminated.
 */
export async function recordSpawned(ctx: ControlPlaneContext, entry: RegisteredProvider, record: InstanceRecord, instance: ProviderInstance): Promise<InstanceRecord> {
  const status = instance.status === 'running' ? 'running' : 'provisioning';
  const spawned = await ctx.instances.transition(record.id, {
    from: ['requested'],
    to: status,
    // The machine's type: a pool launch (placement) may have picked another of its offers than the row's first.
    patch: { providerId: instance.providerId, instanceType: instance.instanceType, zone: instance.zone, error: null, specHash: specHash(instance), specHashVersion: SPEC_HASH_VERSION },
    event: {
      type: 'instance.spawned',
      message: `${entry.name} created ${instance.providerId}`,
      data: { providerId: instance.providerId },
    },
  });
  if (spawned) return spawned;
  // The row moved while the provider worked: a DELETE arrived. Record the machine, then terminate it.
  const attached = await ctx.instances.transition(record.id, {
    from: ['terminating'],
    to: 'terminating',
    patch: { providerId: instance.providerId, instanceType: instance.instanceType, zone: instance.zone, specHash: specHash(instance), specHashVersion: SPEC_HASH_VERSION },
    event: { type: 'instance.spawned', message: `${entry.name} created ${instance.providerId} after termination was requested` },
  });
  if (attached) return requestTermination(ctx, entry, attached);
  return (await ctx.instances.findById(record.id)) ?? record;
}
