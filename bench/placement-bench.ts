import type { BenchContext, BenchResult, Benchmark, Metric } from './benchmark.js';
import { measurePlanning } from './placement-planning.js';
import { CAPACITY_ERROR_PROBABILITY, CAPACITY_TTL_MS, CONCURRENCY, measureSpawns } from './placement-spawns.js';
import { formatNumber } from './report.js';

const PLAN_P99_TARGET_MS = 5;
const ratio = (value: number) => Math.round(value * 100) / 100;
const ms = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Placement by requirements (issue 12), in two parts:
 *
 * 1. planOffers over >= 10,000 offers of four synthetic catalogs (aws, lambda-labs, runpod,
 *    orbstack) and a few hundred capacity-cache entries, with varied requirements, between changes
 *    and right after a capacity-cache change (no plan is memoized); beside it, in the same run, a
 *    bare loop over the same offers as the yardstick (one comparison per offer, a sort of the
 *    survivors by price).
 * 2. 1,000 spawns by requirements through the HTTP API of a real control plane on OrbStack local and
 *    the RunPod emulator, 30 % CAPACITY_ERROR on spawn on each: what the failover chain places, what
 *    it refuses cleanly, and that it never makes a machine twice.
 */
export const placementBenchmark: Benchmark = {
  name: 'placement',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const planning = measurePlanning(ctx);
    ctx.log(
      `planOffers over ${planning.offersConsidered} offers: p50 ${formatNumber(planning.planner.p50Ms)} ms, p99 ${formatNumber(planning.planner.p99Ms)} ms ` +
        `(${planning.calls} calls); baseline p50 ${formatNumber(planning.baseline.p50Ms)} ms, p99 ${formatNumber(planning.baseline.p99Ms)} ms; ` +
        `just after a capacity-cache change p50 ${formatNumber(planning.plannerCacheChanged.p50Ms)} ms, p99 ${formatNumber(planning.plannerCacheChanged.p99Ms)} ms; ` +
        `after a refresh of every catalog, offers built in ${formatNumber(planning.offerBuildMs)} ms and indexed in ${formatNumber(planning.indexBuildMs)} ms`,
    );
    if (planning.calls < planning.plannedCalls) ctx.log(`planner: the time budget ran out after ${planning.calls} of ${planning.plannedCalls} timed calls`);

    const spawns = await measureSpawns(ctx);
    ctx.log(`placed by provider: ${Object.entries(spawns.placedBy).map(([name, count]) => `${name} ${count}`).join(', ')}`);
    if (Object.keys(spawns.refusedByCode).length > 0) ctx.log(`refused: ${Object.entries(spawns.refusedByCode).map(([code, count]) => `${code} × ${count}`).join(', ')}`);
    for (const sample of spawns.otherErrorSamples) ctx.log(`other error: ${sample}`);

    const plannerP99 = planning.planner.p99Ms;
    const metrics: Metric[] = [
      { key: 'planOffers', label: 'offers considered per plan (4 providers)', value: planning.offersConsidered, unit: 'offers' },
      { key: 'planCapacityBlocks', label: 'capacity-cache entries in each plan', value: planning.capacityBlocks, unit: 'entries' },
      { key: 'planCalls', label: `timed planOffers calls (${planning.requirementSets} requirement sets)`, value: planning.calls, unit: 'calls' },
      { key: 'planRankedMean', label: 'ranked offers per plan, mean', value: ratio(planning.meanRanked), unit: 'offers' },
      { key: 'planEmpty', label: 'plans that ranked nothing', value: planning.emptyPlans, unit: 'plans' },
      { key: 'planP50Ms', label: 'planOffers p50', value: ms(planning.planner.p50Ms), unit: 'ms' },
      { key: 'planP99Ms', label: 'planOffers p99', value: ms(plannerP99), unit: 'ms' },
      { key: 'planChangedP50Ms', label: 'planOffers p50, capacity cache changed before each plan', value: ms(planning.plannerCacheChanged.p50Ms), unit: 'ms' },
      { key: 'planChangedP99Ms', label: 'planOffers p99, capacity cache changed before each plan', value: ms(planning.plannerCacheChanged.p99Ms), unit: 'ms' },
      { key: 'offerBuildMs', label: 'offers of the four catalogs built anew (offersOf, after a refresh of each)', value: ms(planning.offerBuildMs), unit: 'ms' },
      { key: 'indexBuildMs', label: 'their offer indexes built anew', value: ms(planning.indexBuildMs), unit: 'ms' },
      { key: 'baselineP50Ms', label: 'baseline p50 (1 comparison/offer + price sort)', value: ms(planning.baseline.p50Ms), unit: 'ms' },
      { key: 'baselineP99Ms', label: 'baseline p99', value: ms(planning.baseline.p99Ms), unit: 'ms' },
      { key: 'planP50Ratio', label: 'planOffers p50 / baseline p50', value: ratio(planning.planner.p50Ms / planning.baseline.p50Ms), unit: 'x' },
      { key: 'planP99Ratio', label: 'planOffers p99 / baseline p99', value: ratio(plannerP99 / planning.baseline.p99Ms), unit: 'x' },
      { key: 'planChangedP99Ratio', label: 'planOffers p99 after a cache change / baseline p99', value: ratio(planning.plannerCacheChanged.p99Ms / planning.baseline.p99Ms), unit: 'x' },
      { key: 'spawns', label: `spawns, ${CONCURRENCY} at a time, ${CAPACITY_ERROR_PROBABILITY * 100} % CAPACITY_ERROR`, value: spawns.spawns, unit: '' },
      { key: 'placed', label: 'placed (202)', value: spawns.placed, unit: '' },
      { key: 'refused', label: 'cleanly refused (503 exhausted / no offer, 422)', value: spawns.refused, unit: '' },
      { key: 'otherErrors', label: 'other errors', value: spawns.otherErrors, unit: '' },
      { key: 'machines', label: 'machines on orbstack + runpod after the run', value: spawns.machines, unit: '' },
      { key: 'machinesMadeTwice', label: 'instances with two machines or more', value: spawns.machinesMadeTwice, unit: '' },
      { key: 'machinesWithoutPlacedInstance', label: 'machines of no placed instance', value: spawns.machinesWithoutPlacedInstance, unit: '' },
      { key: 'meanAttempts', label: `attempts per spawn, mean (${spawns.evidenceRead} with evidence)`, value: ratio(spawns.meanAttempts), unit: '' },
      { key: 'meanAttemptsPlaced', label: 'attempts per placed spawn, mean', value: ratio(spawns.meanAttemptsPlaced), unit: '' },
      { key: 'placedOnOtherProvider', label: "placed on another provider than attempt 1's", value: spawns.placedOnOtherProvider, unit: '' },
      { key: 'spawnsPerSecond', label: `spawns/s (capacity-cache TTL ${CAPACITY_TTL_MS} ms)`, value: ratio(spawns.spawnsPerSecond), unit: '/s' },
      { key: 'spawnSeconds', label: 'wall time of the spawns', value: ratio(spawns.wallMs / 1000), unit: 's' },
    ];
    return {
      metrics,
      targets: [
        { key: 'planP99', label: `planOffers p99 over ${planning.offersConsidered} offers`, goal: `< ${PLAN_P99_TARGET_MS} ms`, actual: `${formatNumber(plannerP99)} ms`, met: plannerP99 < PLAN_P99_TARGET_MS },
        {
          key: 'planChangedP99',
          label: `planOffers p99 over ${planning.offersConsidered} offers, capacity cache changed before each plan`,
          goal: `< ${PLAN_P99_TARGET_MS} ms`,
          actual: `${formatNumber(planning.plannerCacheChanged.p99Ms)} ms`,
          met: planning.plannerCacheChanged.p99Ms < PLAN_P99_TARGET_MS,
        },
        { key: 'machinesMadeTwice', label: 'instances with two machines', goal: '= 0', actual: String(spawns.machinesMadeTwice), met: spawns.machinesMadeTwice === 0 },
        { key: 'otherErrors', label: 'other errors', goal: '= 0', actual: String(spawns.otherErrors), met: spawns.otherErrors === 0 },
      ],
    };
  },
};
