import { performance } from 'node:perf_hooks';
import { findUnmappedGpus } from '../src/placement/gpu-vocabulary.js';
import { type Offer, offersOf } from '../src/placement/offer.js';
import { offerIndexOf } from '../src/placement/offer-index.js';
import { type CapacityBlock, EVIDENCE_PLAN_LIMITS, type PlanInput, planOffers, type ProviderReadiness } from '../src/placement/offer-planner.js';
import type { Requirements } from '../src/placement/requirements-schema.js';
import type { BenchContext } from './benchmark.js';
import { type LatencySummary, summarizeLatencies } from './latency-stats.js';
import { requirementMix, syntheticWorld } from './placement-catalogs.js';

const SEED = 12;
const CAPACITY_BLOCKS = 300;
const REQUIREMENT_SETS = 500;
const WARMUP_CALLS = 200;
const WARMUP_BUDGET_MS = 10_000;
const CALLS = 3_000;
/** A planner far over its target would keep the run going for many minutes: the timed calls stop here and say how many ran. */
const BUDGET_MS = 60_000;

export interface PlanningResult {
  /** planOffers as the spawn path calls it between changes: the catalogs' and the capacity cache's indexes already built. No plan is memoized. */
  planner: LatencySummary;
  /** planOffers right after the capacity cache changed (a new list of entries before every call, so its index is built in the call). */
  plannerCacheChanged: LatencySummary;
  baseline: LatencySummary;
  /** After a refresh of every catalog, ms (median of 5): building the four catalogs' offers (`offersOf`, GPU names read), then their offer indexes. */
  offerBuildMs: number;
  indexBuildMs: number;
  offersConsidered: number;
  capacityBlocks: number;
  /** Timed calls made (each of planner and baseline); fewer than `plannedCalls` when the time budget ran out. */
  calls: number;
  plannedCalls: number;
  requirementSets: number;
  /** Mean ranked offers per plan, and how many plans ranked nothing. */
  meanRanked: number;
  emptyPlans: number;
}

/**
 * planOffers over four synthetic catalogs (>= 10,000 offers) and a few hundred capacity-cache
 * entries, called as the spawn path calls it (EVIDENCE_PLAN_LIMITS: the best 200 offers and the nearest 200 misses kept), with varied requirements after a warm-up;
 * 3,000 timed calls of each, or as many as fit in 60 s. Each request is also planned with a new
 * list of capacity-cache entries (as after a capacity error: the list's index is built in that call).
 * No plan is memoized: every call plans.
 * The baseline, timed in the same run over the same offer list: one numeric comparison per offer
 * (the price against the budget) and a sort of the survivors by price.
 */
export function measurePlanning(ctx: BenchContext): PlanningResult {
  const now = Date.now();
  const world = syntheticWorld(SEED, now, CAPACITY_BLOCKS);
  for (const catalog of world.catalogs) {
    const unmapped = findUnmappedGpus(catalog.provider, catalog.offerings);
    if (unmapped.length > 0) throw new Error(`synthetic ${catalog.provider} catalog has GPUs the vocabulary cannot map: ${unmapped.map((entry) => entry.gpu.model).join(', ')}`);
  }
  const readiness = new Map<string, ProviderReadiness>(world.catalogs.map((catalog) => [catalog.provider, { ready: true }]));
  const mix = requirementMix(SEED, REQUIREMENT_SETS);
  const inputFor = (requirements: Requirements, capacityBlocks: readonly CapacityBlock[] = world.capacityBlocks): PlanInput => ({ requirements, catalogs: world.catalogs, readiness, capacityBlocks, now });
  // The same offer list the planner walks (offersOf builds it once per catalog, as in the control plane).
  const offers: Offer[] = [...world.catalogs].sort((a, b) => (a.provider < b.provider ? -1 : 1)).flatMap((catalog) => [...offersOf(catalog)]);
  ctx.log(
    `planner: ${world.catalogs.map((catalog) => `${catalog.provider} ${catalog.offerings.length} types / ${offersOf(catalog).length} offers`).join(', ')}; ` +
      `${world.capacityBlocks.length} capacity blocks; ${mix.length} requirement sets`,
  );

  let sink = 0;
  const plan = (requirements: Requirements, capacityBlocks?: readonly CapacityBlock[]) => {
    const result = planOffers(inputFor(requirements, capacityBlocks), EVIDENCE_PLAN_LIMITS);
    sink += result.ranked.length;
    return result;
  };
  const baseline = (requirements: Requirements) => {
    const budget = requirements.maxPricePerHour ?? Number.POSITIVE_INFINITY;
    const survivors: Offer[] = [];
    for (const offer of offers) if ((offer.pricePerHour ?? Number.POSITIVE_INFINITY) <= budget) survivors.push(offer);
    survivors.sort((a, b) => (a.pricePerHour ?? Number.POSITIVE_INFINITY) - (b.pricePerHour ?? Number.POSITIVE_INFINITY));
    sink += survivors.length;
  };

  const warmupStartedAt = performance.now();
  for (let index = 0; index < WARMUP_CALLS && performance.now() - warmupStartedAt < WARMUP_BUDGET_MS; index += 1) {
    const requirements = mix[index % mix.length] as Requirements;
    plan(requirements);
    plan(requirements, [...world.capacityBlocks]);
    baseline(requirements);
  }

  // Planner and baseline alternate request by request (and which goes first), so a busy machine
  // slows both alike and the ratio stays meaningful.
  const plannerSamples: number[] = [];
  const changedSamples: number[] = [];
  const baselineSamples: number[] = [];
  let offersConsidered = -1;
  let ranked = 0;
  let emptyPlans = 0;
  const timePlan = (requirements: Requirements) => {
    const startedAt = performance.now();
    const result = plan(requirements);
    plannerSamples.push(performance.now() - startedAt);
    if (offersConsidered !== -1 && result.offersConsidered !== offersConsidered) {
      throw new Error(`offersConsidered changed between plans: ${offersConsidered} then ${result.offersConsidered}`);
    }
    offersConsidered = result.offersConsidered;
    ranked += result.ranked.length;
    if (result.ranked.length === 0) emptyPlans += 1;
  };
  const timeChanged = (requirements: Requirements) => {
    const capacityBlocks = [...world.capacityBlocks];
    const startedAt = performance.now();
    plan(requirements, capacityBlocks);
    changedSamples.push(performance.now() - startedAt);
  };
  const timeBaseline = (requirements: Requirements) => {
    const startedAt = performance.now();
    baseline(requirements);
    baselineSamples.push(performance.now() - startedAt);
  };
  const timedStartedAt = performance.now();
  for (let index = 0; index < CALLS && performance.now() - timedStartedAt < BUDGET_MS; index += 1) {
    const requirements = mix[index % mix.length] as Requirements;
    if (index % 2 === 0) {
      timePlan(requirements);
      timeBaseline(requirements);
    } else {
      timeBaseline(requirements);
      timePlan(requirements);
    }
    timeChanged(requirements);
  }
  const calls = plannerSamples.length;
  // What a refresh of every catalog costs the next plan (new offering arrays, as a fetch gives): its offers built, then indexed; the median of 5.
  const offerBuilds: number[] = [];
  const indexBuilds: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const refreshed = world.catalogs.map((catalog) => ({ ...catalog, offerings: [...catalog.offerings] }));
    const startedAt = performance.now();
    for (const catalog of refreshed) sink += offersOf(catalog).length;
    const builtAt = performance.now();
    for (const catalog of refreshed) sink += offerIndexOf(catalog).offers.length;
    offerBuilds.push(builtAt - startedAt);
    indexBuilds.push(performance.now() - builtAt);
  }
  if (sink < 0) throw new Error('unreachable');
  if (offersConsidered < 10_000) throw new Error(`the synthetic catalogs give ${offersConsidered} offers; the benchmark needs at least 10,000`);
  return {
    planner: summarizeLatencies(plannerSamples),
    plannerCacheChanged: summarizeLatencies(changedSamples),
    baseline: summarizeLatencies(baselineSamples),
    offerBuildMs: summarizeLatencies(offerBuilds).p50Ms,
    indexBuildMs: summarizeLatencies(indexBuilds).p50Ms,
    offersConsidered,
    capacityBlocks: world.capacityBlocks.length,
    calls,
    plannedCalls: CALLS,
    requirementSets: mix.length,
    meanRanked: ranked / calls,
    emptyPlans,
  };
}
