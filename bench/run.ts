import { performance } from 'node:perf_hooks';
import { awsApiCallsBenchmark } from './aws-api-calls-bench.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { CleanupStack } from './cleanup-stack.js';
import { crashStormBenchmark } from './crash-storm-bench.js';
import { governanceShadowBenchmark } from './governance-shadow-bench.js';
import { httpApiBenchmark } from './http-api-bench.js';
import { lambdaLabsSpawnBenchmark } from './lambda-labs-spawn-bench.js';
import { llmBenchmark } from './llm-bench.js';
import { llmGatewayOverheadBenchmark } from './llm-gateway-overhead-bench.js';
import { llmGatewayRoutingBenchmark } from './llm-gateway-routing-bench.js';
import { placementBenchmark } from './placement-bench.js';
import { reconcileBenchmark } from './reconcile-bench.js';
import { runPodSpawnBenchmark } from './runpod-spawn-bench.js';
import { spawnRunningBenchmark } from './spawn-running-bench.js';
import { type BenchOutcome, formatOutcome, formatSummary } from './report.js';

/** Every benchmark `npm run bench` knows; `npm run bench -- <name>...` runs only those named. */
const BENCHMARKS: readonly Benchmark[] = [httpApiBenchmark, reconcileBenchmark, crashStormBenchmark, lambdaLabsSpawnBenchmark, awsApiCallsBenchmark, runPodSpawnBenchmark, spawnRunningBenchmark, placementBenchmark, llmBenchmark, llmGatewayRoutingBenchmark, llmGatewayOverheadBenchmark, governanceShadowBenchmark];

let current: CleanupStack | undefined;

// An interrupted run still stops its servers and removes its temp dirs.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void (current?.runAll() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function runBenchmark(benchmark: Benchmark): Promise<BenchOutcome> {
  const cleanup = new CleanupStack();
  current = cleanup;
  const ctx: BenchContext = {
    defer: (fn) => cleanup.push(fn),
    log: (message) => process.stderr.write(`[${benchmark.name}] ${message}\n`),
  };
  const outcome: BenchOutcome = { name: benchmark.name, result: null, errors: [] };
  try {
    outcome.result = await benchmark.run(ctx);
  } catch (error) {
    outcome.errors.push(error instanceof Error ? error.message : String(error));
  } finally {
    const cleanupErrors = await cleanup.runAll();
    outcome.errors.push(...cleanupErrors.map((error) => `cleanup: ${error instanceof Error ? error.message : String(error)}`));
    current = undefined;
  }
  return outcome;
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`);
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name));
  const startedAt = performance.now();
  const outcomes: BenchOutcome[] = [];
  for (const benchmark of selected) {
    const outcome = await runBenchmark(benchmark);
    outcomes.push(outcome);
    process.stdout.write(`${formatOutcome(outcome)}\n`);
  }
  process.stdout.write(`${formatSummary(outcomes, performance.now() - startedAt)}\n`);
  // Timing targets never fail the run; only errors do.
  if (outcomes.some((outcome) => outcome.errors.length > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
