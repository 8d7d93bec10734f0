import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlaneSettingsSchema } from '../src/control-plane/config.js';
import { createControlPlane } from '../src/control-plane/control-plane.js';
import { createLogger } from '../src/control-plane/logger.js';
import { startOpenAiEmulator } from '../src/emulators/openai/start-openai-emulator.js';
import { createOpenAiAdapter, ProviderRuntime } from '../src/llm/index.js';
import { OrbStackConfigSchema } from '../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../src/providers/orbstack/orbstack-registration.js';
import type { BenchContext, BenchResult, Benchmark, Metric, Target } from './benchmark.js';
import { againIfClosed, timeInterleaved } from './interleaved-timing.js';
import { summarizeLatencies } from './latency-stats.js';
import { formatNumber } from './report.js';

const KEY = 'sk-bench-gateway-openai';
const WARMUP = 100;
const SAMPLES = 1_000;
const OVERHEAD_TARGET_MS = 2;

/**
 * The gateway's overhead over the runtime alone, on the OpenAI emulator in this process: the same
 * request (a short prompt to gpt-4o-mini) through `ProviderRuntime.run`, and through
 * `POST /v1/llm/generate` on a control plane (`app.request`, no socket: zod, routing over the
 * catalog, the decision written before and completed after, the span). Timed
 * alternately, so the machine's drift falls on both; the overhead is the p50 of the call-by-call
 * difference.
 */
async function measureGatewayOverhead(ctx: BenchContext): Promise<BenchResult> {
  const emulator = await startOpenAiEmulator({ seed: 1, apiKeys: [KEY] });
  ctx.defer(() => emulator.close());
  const dir = { path: mkdtempSync(join(tmpdir(), 'hangar-bench-llm-gateway-')) };
  ctx.defer(() => rmSync(dir.path, { recursive: true, force: true }));
  const registration = createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 1 }), { dataDir: dir.path });
  const settings = ControlPlaneSettingsSchema.parse({
    dataDir: dir.path,
    logLevel: 'silent',
    readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
    llm: { providers: { openai: { baseUrl: emulator.url } } },
  });
  const plane = await createControlPlane({ settings, registrations: [registration], logger: createLogger('silent'), env: { OPENAI_API_KEY: KEY } });
  ctx.defer(() => plane.close());

  const runtime = ProviderRuntime.builder().adapter(createOpenAiAdapter()).token(() => KEY).baseUrl('openai', emulator.url).retryPolicy({ maxAttempts: 1 }).build();
  const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Name one prime number.' }] }];
  const viaRuntime = () => runtime.run({ model: { provider: 'openai', model: 'gpt-4o-mini' }, messages, maxOutputTokens: 16 });
  const body = JSON.stringify({ messages, maxOutputTokens: 16, model: 'openai/gpt-4o-mini' });
  const routedBody = JSON.stringify({ messages, maxOutputTokens: 16 });
  const viaGateway = (payload: string) => async () => {
    const response = await plane.app.request('/v1/llm/generate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    if (response.status !== 200) throw new Error(`generate answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  await againIfClosed(viaRuntime);
  const pinned = await timeInterleaved(SAMPLES, WARMUP, viaGateway(body), viaRuntime);
  const routed = await timeInterleaved(SAMPLES, WARMUP, viaGateway(routedBody), viaRuntime);
  const metrics: Metric[] = [];
  const targets: Target[] = [];
  for (const [name, timed] of [['pinned', pinned], ['routed', routed]] as const) {
    const gateway = summarizeLatencies(timed.a);
    const bare = summarizeLatencies(timed.b);
    const paired = summarizeLatencies(timed.a.map((time, index) => time - (timed.b[index] ?? 0))).p50Ms;
    ctx.log(`${name}: gateway p50 ${formatNumber(gateway.p50Ms)} ms, runtime alone p50 ${formatNumber(bare.p50Ms)} ms, overhead p50 (paired) ${formatNumber(paired)} ms`);
    metrics.push(
      { key: `${name}GatewayP50Ms`, label: `${name}: POST /v1/llm/generate p50`, value: gateway.p50Ms, unit: 'ms' },
      { key: `${name}RuntimeP50Ms`, label: `${name}: runtime.run alone p50 (baseline, same run)`, value: bare.p50Ms, unit: 'ms' },
      { key: `${name}OverheadP50Ms`, label: `${name}: p50 of (gateway − runtime), call by call`, value: paired, unit: 'ms' },
      { key: `${name}Ratio`, label: `${name}: gateway p50 / runtime p50`, value: Math.round((gateway.p50Ms / bare.p50Ms) * 100) / 100, unit: '×' },
    );
    targets.push({ key: `${name}Overhead`, label: `gateway overhead p50 (${name})`, goal: `< ${OVERHEAD_TARGET_MS} ms`, actual: `${formatNumber(paired)} ms`, met: paired < OVERHEAD_TARGET_MS });
  }
  return { metrics, targets };
}

export const llmGatewayOverheadBenchmark: Benchmark = {
  name: 'llm-gateway-overhead',
  run: measureGatewayOverhead,
};
