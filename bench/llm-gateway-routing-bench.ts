import { performance } from 'node:perf_hooks';
import { bundledCatalog } from '../src/llm/catalog/bundled-catalog.js';
import type { Message, ModelInfo, ModelRef, ToolDefinition } from '../src/llm/core/canonical-types.js';
import { LatencyTracker } from '../src/llm/gateway/latency-tracker.js';
import { bundledModelScores } from '../src/llm/gateway/model-scores.js';
import { type RouteInput, type RouteRequest, routeModels } from '../src/llm/gateway/route-model.js';
import { parseRoutingPolicy, type RoutingPolicy } from '../src/llm/gateway/routing-policy.js';
import type { BenchContext, BenchResult, Benchmark, Metric } from './benchmark.js';
import { summarizeLatencies } from './latency-stats.js';
import { formatNumber } from './report.js';

const CATALOG_SIZE = 500;
const WARMUP_CALLS = 500;
const CALLS = 5_000;
const P99_TARGET_MS = 2;

const ms = (value: number) => Math.round(value * 1000) / 1000;
const ratio = (value: number) => Math.round(value * 100) / 100;

/**
 * The bundled catalog's OpenAI, Anthropic and OpenRouter models, ordered by provider then id, the
 * first 500 (padded with renamed copies, deterministically, should the catalog ever list fewer).
 */
function benchCatalog(): ModelInfo[] {
  const byId = (a: ModelInfo, b: ModelInfo) => (a.provider === b.provider ? (a.model < b.model ? -1 : 1) : a.provider < b.provider ? -1 : 1);
  const source = bundledCatalog()
    .models.filter((model) => model.provider === 'openai' || model.provider === 'anthropic' || model.provider === 'openrouter')
    .sort(byId);
  const models = source.slice(0, CATALOG_SIZE);
  for (let index = 0; models.length < CATALOG_SIZE; index += 1) {
    const original = source[index % source.length] as ModelInfo;
    models.push({ ...original, model: `${original.model}-pad-${index}` });
  }
  return models;
}

function benchPolicy(): RoutingPolicy {
  const parsed = parseRoutingPolicy({
    weights: { cost: 0.35, latency: 0.2, quality: 0.35, safety: 0.1 },
    constraints: { deniedModels: ['openrouter/*:free', 'openrouter/~*'] },
    escalation: { maxEscalations: 3 },
    tags: {
      cheap: { weights: { cost: 0.8, quality: 0.1 }, constraints: { maxPricePerMillion: { output: 5 } } },
      premium: { weights: { quality: 0.8 }, ladder: ['anthropic/claude-opus-4-6', 'openai/gpt-5', 'openrouter/google/gemini-2.5-pro', 'anthropic/claude-sonnet-4-5'] },
      vision: { constraints: { requiredCapabilities: ['vision'] } },
      long: { constraints: { minContextWindow: 200_000 } },
      anthropic: { constraints: { allowedProviders: ['anthropic', 'openrouter'], allowedModels: ['anthropic/*', 'openrouter/anthropic/*'] } },
    },
  });
  if (!parsed.ok) throw new Error(`bench policy: ${JSON.stringify(parsed.issues)}`);
  return parsed.policy;
}

const text = (role: 'user' | 'assistant' | 'system', value: string): Message => ({ role, content: [{ type: 'text', text: value }] });
const TOOLS: ToolDefinition[] = [
  { name: 'get_weather', description: 'The current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'get_time', description: 'The local time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
];

/** Six kinds of request: short, a 20-message conversation, an image, tools with a tool round, a JSON schema answer, a long document. */
function benchRequests(): RouteRequest[] {
  const conversation: Message[] = [text('system', 'You are a concise travel assistant.')];
  for (let index = 0; index < 19; index += 1) conversation.push(text(index % 2 === 0 ? 'user' : 'assistant', `Turn ${index}: what about the weather in city number ${index}, and should I bring an umbrella?`));
  return [
    { messages: [text('user', 'Hello! What can you do?')] },
    { messages: conversation, maxOutputTokens: 512 },
    { messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }, { type: 'text', text: 'What is in this picture?' }] }] },
    {
      messages: [
        text('user', 'Weather in Paris?'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: '{"temperatureC":14,"sky":"clear"}' }] },
      ],
      tools: TOOLS,
    },
    { messages: [text('user', 'Extract the name and the date.')], responseFormat: { type: 'json_schema', name: 'extract', schema: { type: 'object', properties: { name: { type: 'string' }, date: { type: 'string' } } } } },
    { messages: [text('user', `Summarize: ${'lorem ipsum dolor sit amet '.repeat(2000)}`)], maxOutputTokens: 1024 },
  ];
}

const TAG_SETS: readonly (readonly string[])[] = [[], ['cheap'], ['premium'], ['vision'], ['cheap', 'long'], ['anthropic'], ['unknown-tag']];

/**
 * routeModels over a 500-model catalog (the bundled catalog's OpenAI, Anthropic and OpenRouter
 * models) with a policy of five tags, six kinds of request, seven tag sets and a readiness that
 * marks one provider not ready every ninth call; latency from a LatencyTracker holding samples for a
 * third of the models (a new sample between calls, outside the timing, so its p50 cache is
 * invalidated as in a live gateway). 500 warm-up calls, then 5,000 timed ones. The baseline, timed
 * call by call in the same run over the same 500 models: a bare loop that filters them by output
 * price and sorts the survivors by price — the least any router does.
 */
export const llmGatewayRoutingBenchmark: Benchmark = {
  name: 'llm-gateway-routing',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const models = benchCatalog();
    const policy = benchPolicy();
    const requests = benchRequests();
    const scores = bundledModelScores();
    const tracker = new LatencyTracker();
    const refs: ModelRef[] = models.map((model) => ({ provider: model.provider, model: model.model }));
    refs.forEach((ref, index) => {
      if (index % 3 === 0) for (let sample = 0; sample < 20; sample += 1) tracker.record(ref, 300 + ((index * 37 + sample * 101) % 2500));
    });

    const inputFor = (call: number): RouteInput => {
      const notReady = call % 9 === 0 ? (['openai', 'anthropic', 'openrouter'] as const)[(call / 9) % 3] : undefined;
      return {
        models,
        policy,
        tags: TAG_SETS[call % TAG_SETS.length] ?? [],
        request: requests[call % requests.length] as RouteRequest,
        readiness: (provider) => (provider === notReady ? { ready: false, reason: 'bench: marked down' } : { ready: true, reason: 'bench' }),
        latency: (ref, table) => tracker.estimate(ref, table),
        scores,
      };
    };

    // The first call pays the per-catalog and per-policy preparation (cached afterwards).
    const coldStarted = performance.now();
    routeModels(inputFor(1));
    const coldMs = performance.now() - coldStarted;

    const budgets = [0.5, 2, 10, 40, Number.POSITIVE_INFINITY];
    let sink = 0;
    const baseline = (call: number) => {
      const budget = budgets[call % budgets.length] ?? Number.POSITIVE_INFINITY;
      const kept: ModelInfo[] = [];
      for (const model of models) {
        const price = model.prices.outputPerMillion;
        if (price !== null && price <= budget) kept.push(model);
      }
      kept.sort((a, b) => (a.prices.outputPerMillion ?? 0) - (b.prices.outputPerMillion ?? 0));
      return kept.length;
    };

    let candidates = 0;
    let chosenNone = 0;
    for (let call = 0; call < WARMUP_CALLS; call += 1) {
      routeModels(inputFor(call));
      sink += baseline(call);
    }
    const routeSamples: number[] = [];
    const baselineSamples: number[] = [];
    for (let call = 0; call < CALLS; call += 1) {
      const input = inputFor(call);
      // A new sample for one model between calls (outside the timing): its cached p50 is recomputed on the next estimate.
      tracker.record(refs[(call * 3) % refs.length] as ModelRef, 300 + ((call * 53) % 2500));
      // Which goes first alternates, so neither always runs on the other's warmed caches.
      const routeFirst = call % 2 === 0;
      if (!routeFirst) {
        const started = performance.now();
        sink += baseline(call);
        baselineSamples.push(performance.now() - started);
      }
      const started = performance.now();
      const decision = routeModels(input);
      routeSamples.push(performance.now() - started);
      if (routeFirst) {
        const baselineStarted = performance.now();
        sink += baseline(call);
        baselineSamples.push(performance.now() - baselineStarted);
      }
      candidates += decision.candidates.length;
      if (decision.chosen === null) chosenNone += 1;
    }
    if (sink < 0) ctx.log('unreachable');

    const route = summarizeLatencies(routeSamples);
    const bare = summarizeLatencies(baselineSamples);
    ctx.log(
      `routeModels over ${models.length} models: p50 ${formatNumber(route.p50Ms)} ms, p99 ${formatNumber(route.p99Ms)} ms, max ${formatNumber(route.maxMs)} ms (${CALLS} calls); ` +
        `baseline p50 ${formatNumber(bare.p50Ms)} ms, p99 ${formatNumber(bare.p99Ms)} ms; first call (cold caches) ${formatNumber(coldMs)} ms`,
    );
    const metrics: Metric[] = [
      { key: 'routeModels', label: 'models per routing decision', value: models.length, unit: 'models' },
      { key: 'routeCalls', label: `timed routeModels calls (${requests.length} requests × ${TAG_SETS.length} tag sets)`, value: CALLS, unit: 'calls' },
      { key: 'routeCandidatesMean', label: 'eligible candidates per decision, mean', value: ratio(candidates / CALLS), unit: 'models' },
      { key: 'routeNoChoice', label: 'decisions that chose nothing', value: chosenNone, unit: '' },
      { key: 'routeColdMs', label: 'first call (per-catalog and per-policy caches cold)', value: ms(coldMs), unit: 'ms' },
      { key: 'routeP50Ms', label: 'routeModels p50', value: ms(route.p50Ms), unit: 'ms' },
      { key: 'routeP99Ms', label: 'routeModels p99', value: ms(route.p99Ms), unit: 'ms' },
      { key: 'routeMaxMs', label: 'routeModels max', value: ms(route.maxMs), unit: 'ms' },
      { key: 'routeBaselineP50Ms', label: 'baseline p50 (filter by price + sort, same models)', value: ms(bare.p50Ms), unit: 'ms' },
      { key: 'routeBaselineP99Ms', label: 'baseline p99', value: ms(bare.p99Ms), unit: 'ms' },
      { key: 'routeP50Ratio', label: 'routeModels p50 / baseline p50', value: ratio(route.p50Ms / bare.p50Ms), unit: 'x' },
      { key: 'routeP99Ratio', label: 'routeModels p99 / baseline p99', value: ratio(route.p99Ms / bare.p99Ms), unit: 'x' },
    ];
    return {
      metrics,
      targets: [
        { key: 'routeP99', label: `routeModels p99 over ${models.length} models`, goal: `< ${P99_TARGET_MS} ms`, actual: `${formatNumber(route.p99Ms)} ms`, met: route.p99Ms < P99_TARGET_MS },
      ],
    };
  },
};
