import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext, BenchResult, Benchmark, Metric, Target } from './benchmark.js';
import { formatNumber } from './report.js';
import type { SqliteFloor } from './sqlite-floor.js';

const run = promisify(execFile);
const SIZES = [10_000, 100_000];
/** Each cycle within this many times its SQLite floor (bench/sqlite-floor.ts, measured in the same run). */
const FLOOR_RATIO_TARGET = 3;
const RSS_TARGET_MIB = 400;
/**
 * V8 grows the heap lazily: with its default sizing a 100,000-machine reconcile peaks near 750 MiB
 * RSS over a live heap of about 86 MiB. Capping old space (as docs/reconciliation.md recommends
 * for production) makes the collector keep up; the live heap is reported beside the peak.
 */
const HEAP_FLAGS = ['--max-old-space-size=384', '--expose-gc'];

interface CycleOutput {
  wallMs: number;
  maxRssMiB: number;
  liveHeapMiB: number;
  report: { listed: number; updated: number; rowsWritten: number; providerCalls: Record<string, number> };
}

interface WorkerOutput {
  openMs: number;
  changed: CycleOutput;
  steady: CycleOutput;
}

async function worker(...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [...HEAP_FLAGS, '--import', 'tsx', join(import.meta.dirname, 'reconcile-worker.ts'), ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

/** Reconciles of 10,000 and 100,000 owned machines: a cycle where every row changes, then a steady one. */
export const reconcileBenchmark: Benchmark = {
  name: 'reconcile',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const metrics: Metric[] = [];
    const targets: Target[] = [];
    for (const size of SIZES) {
      const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-reconcile-'));
      ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
      ctx.log(`seeding ${size} machines and rows`);
      await worker('seed', dir, String(size));
      ctx.log(`reconciling ${size} machines in a fresh process`);
      const output = (await worker('run', dir)) as WorkerOutput;
      ctx.log('measuring the SQLite floor on the same database file in a fresh process');
      const floor = (await worker('floor', dir)) as SqliteFloor;
      const label = formatNumber(size);
      // A changed row is one row read, one row updated and one event inserted: read + 2 x update.
      const floors = { 'with changes': floor.readMs + 2 * floor.updateMs, steady: floor.readMs };
      metrics.push(
        { key: `${size}.openMs`, label: `${label} machines: open data dir (journal replay, migrations)`, value: output.openMs, unit: 'ms' },
        { key: `${size}.floor.readMs`, label: `${label} machines, floor: read ${formatNumber(floor.rows)} rows into a map`, value: floor.readMs, unit: 'ms' },
        { key: `${size}.floor.updateMs`, label: `${label} machines, floor: update them in one transaction`, value: floor.updateMs, unit: 'ms' },
      );
      for (const [name, cycle] of [
        ['with changes', output.changed],
        ['steady', output.steady],
      ] as const) {
        const calls = Object.entries(cycle.report.providerCalls)
          .filter(([, value]) => value > 0)
          .map(([kind, value]) => `${kind} ${value}`)
          .join(', ');
        metrics.push(
          { key: `${size}.${name}.wallMs`, label: `${label} machines, cycle ${name}: wall time`, value: cycle.wallMs, unit: 'ms' },
          {
            key: `${size}.${name}.floorRatio`,
            label: `${label} machines, cycle ${name}: x its floor (${name === 'steady' ? 'read' : 'read + 2 x update'}, ${formatNumber(floors[name])} ms)`,
            value: cycle.wallMs / floors[name],
            unit: 'x',
          },
          { key: `${size}.${name}.rowsWritten`, label: `${label} machines, cycle ${name}: rows written`, value: cycle.report.rowsWritten, unit: 'rows' },
          {
            key: `${size}.${name}.providerCalls`,
            label: `${label} machines, cycle ${name}: provider calls (${calls || 'none'})`,
            value: Object.values(cycle.report.providerCalls).reduce((sum, value) => sum + value, 0),
            unit: 'calls',
          },
          { key: `${size}.${name}.peakRss`, label: `${label} machines, cycle ${name}: peak RSS (old space cap 384 MiB)`, value: cycle.maxRssMiB, unit: 'MiB' },
          { key: `${size}.${name}.liveHeap`, label: `${label} machines, cycle ${name}: live heap after GC`, value: cycle.liveHeapMiB, unit: 'MiB' },
        );
      }
      if (size === 100_000) {
        const changedRatio = output.changed.wallMs / floors['with changes'];
        const steadyRatio = output.steady.wallMs / floors.steady;
        const steadyCalls = output.steady.report.providerCalls;
        const onlyList = Object.entries(steadyCalls).every(([kind, value]) => (kind === 'list' ? value === 1 : value === 0));
        targets.push(
          {
            key: 'changedFloor',
            label: '100,000 machines, cycle with changes vs read + 2 x update',
            goal: `<= ${FLOOR_RATIO_TARGET}x`,
            actual: `${formatNumber(changedRatio)}x`,
            met: changedRatio <= FLOOR_RATIO_TARGET,
          },
          {
            key: 'steadyFloor',
            label: '100,000 machines, steady cycle vs read',
            goal: `<= ${FLOOR_RATIO_TARGET}x`,
            actual: `${formatNumber(steadyRatio)}x`,
            met: steadyRatio <= FLOOR_RATIO_TARGET,
          },
          { key: 'steadyWrites', label: 'steady cycle rows written', goal: '= 0', actual: String(output.steady.report.rowsWritten), met: output.steady.report.rowsWritten === 0 },
          { key: 'steadyCalls', label: 'steady cycle provider calls', goal: 'list only', actual: JSON.stringify(steadyCalls), met: onlyList },
          {
            key: 'rss',
            label: 'peak RSS, 100,000 machines',
            goal: `< ${RSS_TARGET_MIB} MiB`,
            actual: `${formatNumber(output.changed.maxRssMiB)} MiB`,
            met: Math.max(output.changed.maxRssMiB, output.steady.maxRssMiB) < RSS_TARGET_MIB,
          },
        );
      }
    }
    return { metrics, targets };
  },
};
