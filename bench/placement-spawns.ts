import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ControlPlaneSettingsSchema } from '../src/control-plane/config.js';
import { startControlPlane } from '../src/control-plane/control-plane.js';
import { createLogger } from '../src/control-plane/logger.js';
import { startRunPodEmulator } from '../src/emulators/runpod/start-runpod-emulator.js';
import type { ChainOptions, RequirementsInput } from '../src/placement/requirements-schema.js';
import { OrbStackConfigSchema } from '../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../src/providers/orbstack/orbstack-registration.js';
import { RunPodConfigSchema } from '../src/providers/runpod/runpod-config.js';
import { createRunPodRegistration } from '../src/providers/runpod/runpod-registration.js';
import type { BenchContext } from './benchmark.js';

export const SPAWNS = 1_000;
export const CONCURRENCY = 16;
export const CAPACITY_ERROR_PROBABILITY = 0.3;
/** The capacity-error cache's TTL for this run: short, so the chain (not the cache) is what is measured. */
export const CAPACITY_TTL_MS = 20;
const SEED = 12;
const API_KEY = 'rpa_BENCHPLACEMENT000000000000000';
const PROVIDERS = ['orbstack', 'runpod'] as const;

interface SpawnShape {
  label: string;
  requirements: RequirementsInput;
  placement?: ChainOptions;
}

/**
 * Requirements every one of which both providers can satisfy: OrbStack's small shapes and RunPod's
 * 1- and 2-GPU pods (whose catalog reports 1 vCPU and 1 GiB per GPU as floors). OrbStack's notional
 * prices rank it first; the per-request chain limits decide how soon a chain moves to RunPod.
 */
const SHAPES: readonly SpawnShape[] = [
  { label: 'small, default chain', requirements: { vcpus: { max: 2 }, memoryGiB: { max: 4 } } },
  { label: '1 vCPU under $0.80/h, spot preferred', requirements: { vcpus: { min: 1, max: 1 }, maxPricePerHour: 0.8, spot: 'preferred' } },
  { label: 'small, 1 failure per provider', requirements: { vcpus: { max: 2 }, memoryGiB: { max: 4 } }, placement: { maxAttemptsPerProvider: 1 } },
  {
    label: '1-2 GiB in local-2 / US / EU, 2 failures per provider',
    requirements: { memoryGiB: { min: 1, max: 2 }, regions: ['local-2', 'US-*', 'EU-*'] },
    placement: { maxAttemptsPerProvider: 2 },
  },
];

export interface SpawnRunResult {
  spawns: number;
  placed: number;
  refused: number;
  refusedByCode: Record<string, number>;
  otherErrors: number;
  otherErrorSamples: string[];
  machines: number;
  machinesMadeTwice: number;
  machinesWithoutPlacedInstance: number;
  evidenceRead: number;
  meanAttempts: number;
  meanAttemptsPlaced: number;
  placedOnOtherProvider: number;
  placedBy: Record<string, number>;
  wallMs: number;
  spawnsPerSecond: number;
}

interface Answer {
  status: number;
  json: unknown;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** `items` run `concurrency` at a time. */
async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** The query of GET /v1/offers for these requirements (the fields SHAPES use). */
function offersQuery(requirements: RequirementsInput): string {
  const query = new URLSearchParams({ limit: '500' });
  if (requirements.vcpus?.min !== undefined) query.set('vcpusMin', String(requirements.vcpus.min));
  if (requirements.vcpus?.max !== undefined) query.set('vcpusMax', String(requirements.vcpus.max));
  if (requirements.memoryGiB?.min !== undefined) query.set('memoryMinGiB', String(requirements.memoryGiB.min));
  if (requirements.memoryGiB?.max !== undefined) query.set('memoryMaxGiB', String(requirements.memoryGiB.max));
  if (requirements.maxPricePerHour !== undefined) query.set('maxPricePerHour', String(requirements.maxPricePerHour));
  if (requirements.spot !== undefined) query.set('spot', requirements.spot);
  if (requirements.regions !== undefined) query.set('regions', requirements.regions.join(','));
  return query.toString();
}

interface RankedView {
  rank: number;
  provider: string;
  instanceType: string;
  region: string;
  market: string;
  pricePerHour: number | null;
}

interface AttemptView {
  n: number;
  outcome: string;
  errorCode: string | null;
  offer: { provider: string };
}

/**
 * 1,000 spawns by requirements through the HTTP API of a real control plane (in process, port 0),
 * 16 at a time, on OrbStack local and on RunPod through its emulator, each answering 30 % of spawn
 * calls with CAPACITY_ERROR (chaos: the OrbStack provider's own engine, and the emulator's).
 */
export async function measureSpawns(ctx: BenchContext): Promise<SpawnRunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-bench-placement-'));
  ctx.defer(() => rm(dir, { recursive: true, force: true }));

  const emulator = await startRunPodEmulator({
    seed: SEED,
    apiKeys: [API_KEY],
    bootDelayMs: { provisioning: 100, starting: 100 },
    stock: { default: 100_000 },
    // Rate limiting is another benchmark's subject (runpod-spawns): out of the way here.
    rateLimits: [{ name: 'minute', quota: 1_000_000, windowMs: 60_000 }],
  });
  ctx.defer(() => emulator.close());

  const orbstack = createOrbStackRegistration(
    OrbStackConfigSchema.parse({
      seed: SEED,
      bootDelayMs: { min: 50, max: 200 },
      terminateDelayMs: { min: 0, max: 0 },
      capacityPerZone: { default: 100_000 },
    }),
    { dataDir: dir },
  );
  const runpod = createRunPodRegistration(RunPodConfigSchema.parse({ gpuCounts: [1, 2] }), {
    env: { RUNPOD_API_KEY: API_KEY, HANGAR_RUNPOD_URL: emulator.url, HANGAR_RUNPOD_GRAPHQL_URL: emulator.graphqlUrl },
  });
  const settings = ControlPlaneSettingsSchema.parse({
    dataDir: dir,
    port: 0,
    logLevel: 'error',
    placement: { capacityErrors: { ttlMs: CAPACITY_TTL_MS } },
  });
  const plane = await startControlPlane({ settings, registrations: [orbstack, runpod], logger: createLogger('error') });
  let closed = false;
  ctx.defer(async () => {
    if (closed) return;
    closed = true;
    await plane.close();
  });
  await plane.ctx.registry.warmCatalogs();
  const base = plane.url;

  // Everything placed is terminated at the end, whatever happens in between (runs before the plane closes).
  const placedIds: string[] = [];
  ctx.defer(async () => {
    const failures: string[] = [];
    await eachLimited(placedIds, CONCURRENCY, async (id) => {
      const answer = await call(base, 'DELETE', `/v1/instances/${id}`);
      if (answer.status >= 300) failures.push(`${id}: ${answer.status}`);
    });
    ctx.log(`terminated ${placedIds.length - failures.length} of ${placedIds.length} placed instances`);
    if (failures.length > 0) throw new Error(`DELETE failed for ${failures.length} instances, e.g. ${failures.slice(0, 3).join('; ')}`);
  });

  // Both providers must be able to place every request: check the plans before the run.
  for (const shape of SHAPES) {
    const plan = await call(base, 'GET', `/v1/offers?${offersQuery(shape.requirements)}`);
    const ranked = (plan.json as { ranked?: RankedView[] } | null)?.ranked ?? [];
    if (plan.status !== 200) throw new Error(`GET /v1/offers for "${shape.label}" answered ${plan.status}: ${JSON.stringify(plan.json).slice(0, 300)}`);
    const providers = new Set(ranked.map((offer) => offer.provider));
    const missing = PROVIDERS.filter((name) => !providers.has(name));
    if (missing.length > 0) throw new Error(`"${shape.label}": no ranked offer on ${missing.join(', ')} (${ranked.length} ranked)`);
    ctx.log(`plan for "${shape.label}": ${ranked.length} ranked; top: ${ranked.slice(0, 4).map((offer) => `${offer.rank}. ${offer.provider} ${offer.instanceType} ${offer.region} ${offer.market} $${offer.pricePerHour}`).join(' | ')}`);
  }

  const scenario = (name: string) => ({
    seed: SEED,
    faults: [{ name, operation: 'spawn', code: 'CAPACITY_ERROR', probability: CAPACITY_ERROR_PROBABILITY }],
  });
  const orbChaos = await call(base, 'PUT', '/v1/providers/orbstack/chaos', scenario('orbstack-capacity'));
  if (orbChaos.status !== 200) throw new Error(`PUT /v1/providers/orbstack/chaos answered ${orbChaos.status}: ${JSON.stringify(orbChaos.json).slice(0, 300)}`);
  const emulatorChaos = await call(emulator.url, 'PUT', '/_emulator/chaos', scenario('runpod-capacity'));
  if (emulatorChaos.status !== 200) throw new Error(`PUT <runpod emulator>/_emulator/chaos answered ${emulatorChaos.status}: ${JSON.stringify(emulatorChaos.json).slice(0, 300)}`);
  ctx.log(`${SPAWNS} spawns by requirements, ${CONCURRENCY} at a time; ${CAPACITY_ERROR_PROBABILITY * 100} % CAPACITY_ERROR on spawn on each provider; capacity-cache TTL ${CAPACITY_TTL_MS} ms`);

  const examined: string[] = [];
  const refusedByCode: Record<string, number> = {};
  const otherErrorSamples: string[] = [];
  let refused = 0;
  let otherErrors = 0;
  const startedAt = performance.now();
  await eachLimited(
    Array.from({ length: SPAWNS }, (_, index) => index),
    CONCURRENCY,
    async (index) => {
      const shape = SHAPES[index % SHAPES.length] as SpawnShape;
      let answer: Answer;
      try {
        answer = await call(base, 'POST', '/v1/instances', {
          requirements: shape.requirements,
          ...(shape.placement && { placement: shape.placement }),
          tags: { bench: 'placement' },
        });
      } catch (error) {
        otherErrors += 1;
        if (otherErrorSamples.length < 5) otherErrorSamples.push(error instanceof Error ? error.message : String(error));
        return;
      }
      if (answer.status === 202) {
        const id = (answer.json as { id: string }).id;
        placedIds.push(id);
        examined.push(id);
        return;
      }
      const error = (answer.json as { error?: { code?: string; instanceId?: string } } | null)?.error;
      const code = error?.code ?? 'none';
      const clean = (answer.status === 503 && (code === 'PLACEMENT_EXHAUSTED' || code === 'NO_OFFER_AVAILABLE')) || answer.status === 422;
      if (clean) {
        refused += 1;
        refusedByCode[`${answer.status} ${code}`] = (refusedByCode[`${answer.status} ${code}`] ?? 0) + 1;
        if (error?.instanceId !== undefined) examined.push(error.instanceId);
      } else {
        otherErrors += 1;
        if (otherErrorSamples.length < 5) otherErrorSamples.push(`${answer.status} ${code}: ${JSON.stringify(answer.json).slice(0, 200)}`);
      }
    },
  );
  const wallMs = performance.now() - startedAt;
  ctx.log(`spawns done in ${(wallMs / 1000).toFixed(1)} s: ${placedIds.length} placed, ${refused} refused, ${otherErrors} other errors`);

  // The evidence of every instance a chain ran for: attempts, and where it ended.
  let attempts = 0;
  let attemptsPlaced = 0;
  let evidenceRead = 0;
  let placedOnOtherProvider = 0;
  const placedBy: Record<string, number> = {};
  const placed = new Set(placedIds);
  await eachLimited(examined, CONCURRENCY, async (id) => {
    const evidence = await call(base, 'GET', `/v1/instances/${id}/placement`);
    if (evidence.status !== 200) throw new Error(`GET /v1/instances/${id}/placement answered ${evidence.status}`);
    const list = (evidence.json as { attempts: AttemptView[] }).attempts;
    evidenceRead += 1;
    attempts += list.length;
    if (!placed.has(id)) return;
    attemptsPlaced += list.length;
    const first = list[0];
    const last = list.at(-1);
    if (first === undefined || last === undefined || last.outcome !== 'spawned') throw new Error(`${id} was placed but its last attempt is ${last?.outcome ?? 'missing'}`);
    placedBy[last.offer.provider] = (placedBy[last.offer.provider] ?? 0) + 1;
    if (last.offer.provider !== first.offer.provider) placedOnOtherProvider += 1;
  });

  // Machines per Hangar instance id, across every provider: a chain must never make two.
  const perInstance = new Map<string, number>();
  let machines = 0;
  for (const provider of PROVIDERS) {
    let cursor: string | null = null;
    do {
      const page: Answer = await call(base, 'GET', `/v1/providers/${provider}/machines?limit=1000${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      if (page.status !== 200) throw new Error(`GET /v1/providers/${provider}/machines answered ${page.status}`);
      const body = page.json as { items: { hangarInstanceId: string | null }[]; nextCursor: string | null };
      for (const machine of body.items) {
        machines += 1;
        const key = machine.hangarInstanceId ?? '(none)';
        perInstance.set(key, (perInstance.get(key) ?? 0) + 1);
      }
      cursor = body.nextCursor;
    } while (cursor !== null);
  }
  const machinesMadeTwice = [...perInstance.values()].filter((count) => count > 1).length;
  const machinesWithoutPlacedInstance = [...perInstance].filter(([id]) => !placed.has(id)).reduce((sum, [, count]) => sum + count, 0);

  return {
    spawns: SPAWNS,
    placed: placedIds.length,
    refused,
    refusedByCode,
    otherErrors,
    otherErrorSamples,
    machines,
    machinesMadeTwice,
    machinesWithoutPlacedInstance,
    evidenceRead,
    meanAttempts: evidenceRead === 0 ? Number.NaN : attempts / evidenceRead,
    meanAttemptsPlaced: placedIds.length === 0 ? Number.NaN : attemptsPlaced / placedIds.length,
    placedOnOtherProvider,
    placedBy,
    wallMs,
    spawnsPerSecond: SPAWNS / (wallMs / 1000),
  };
}
