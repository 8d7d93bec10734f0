import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orbstackCrashTarget, runCrashStorm } from '../tests/support/crash-storm.js';
import type { BenchContext, BenchResult, Benchmark } from './benchmark.js';

const STORM = { seed: 7, operations: 2_000, kills: 40, concurrency: 8 };

/** The crash test at scale: thousands of operations, dozens of SIGKILLs; the four invariants must stay 0. */
export const crashStormBenchmark: Benchmark = {
  name: 'crash-storm',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-storm-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
    ctx.log(`${STORM.operations} operations, ${STORM.kills} SIGKILLs, ${STORM.concurrency} in flight`);
    const result = await runCrashStorm({ dataDir: dir, target: orbstackCrashTarget(dir, STORM.seed), ...STORM });
    const invariants = [
      ['leaked', 'leaked machines', result.leaked],
      ['silentlyLost', 'silently lost rows', result.silentlyLost],
      ['keysWithTwoMachines', 'idempotency keys with two machines', result.keysWithTwoMachines],
      ['terminatedButPresent', 'terminated but still present', result.terminatedButPresent],
    ] as const;
    return {
      metrics: [
        { key: 'operations', label: 'operations', value: result.operations, unit: '' },
        { key: 'kills', label: 'SIGKILLs', value: result.kills, unit: '' },
        { key: 'spawnsAccepted', label: 'spawns accepted (202)', value: result.spawnsAccepted, unit: '' },
        { key: 'terminatesAccepted', label: 'terminates accepted (202)', value: result.terminatesAccepted, unit: '' },
        { key: 'rows', label: 'instance rows', value: result.rows, unit: '' },
        { key: 'settleMs', label: 'settle after the storm', value: result.settleMs, unit: 'ms' },
        ...Object.entries(result.healed).map(([key, value]) => ({ key: `healed.${key}`, label: `healed: ${key}`, value, unit: '' })),
        ...invariants.map(([key, label, value]) => ({ key, label, value, unit: '' })),
      ],
      targets: invariants.map(([key, label, value]) => ({ key, label, goal: '= 0', actual: String(value), met: value === 0 })),
    };
  },
};
