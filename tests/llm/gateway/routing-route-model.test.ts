import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../../src/llm/catalog/bundled-catalog.js';
import type { Message, ModelInfo, ModelRef } from '../../../src/llm/core/canonical-types.js';
import { LatencyTracker } from '../../../src/llm/gateway/latency-tracker.js';
import { bundledModelScores, type ModelScoreTable } from '../../../src/llm/gateway/model-scores.js';
import { type RouteDecision, type RouteInput, RouteRequirementsSchema, routeModels } from '../../../src/llm/gateway/route-model.js';
import { ratioToBest } from '../../../src/llm/gateway/route-scoring.js';
import { DEFAULT_ROUTING_POLICY, parseRoutingPolicy, policyHash, type RoutingPolicy, type RoutingPolicyInput } from '../../../src/llm/gateway/routing-policy.js';

// ------------------------------------------------------------------------------------------
// Fixtures: a small synthetic catalog, a score table of its own, and helpers.

interface ModelSpec {
  input?: number | null;
  output?: number | null;
  context?: number | null;
  capabilities?: Partial<ModelInfo['capabilities']>;
  capabilitiesKnown?: boolean;
}

function model(provider: string, id: string, spec: ModelSpec = {}): ModelInfo {
  const source = { source: 'test', asOf: '2026-12-03' };
  return {
    provider,
    model: id,
    displayName: null,
    contextWindow: spec.context === undefined ? 128_000 : spec.context,
    maxOutputTokens: 4096,
    capabilities: { tools: true, vision: true, jsonSchema: true, reasoning: false, ...spec.capabilities },
    prices: { inputPerMillion: spec.input === undefined ? 1 : spec.input, outputPerMillion: spec.output === undefined ? 2 : spec.output, cachedInputPerMillion: null, reasoningPerMillion: null },
    sources: { limits: source, capabilities: spec.capabilitiesKnown === false ? null : source, prices: source },
    origin: 'static',
  };
}

const SCORES: ModelScoreTable = {
  asOf: '2026-12-03',
  sources: { test: { title: 'test figures', url: 'tests', retrieved: '2026-12-03', note: 'fixture' } },
  scale: 'as given',
  entries: [
    { match: 'cheap', quality: { score: 0.3, raw: 0.3, source: 'test' }, safety: { score: 0.6, raw: 0.6, source: 'test' }, latencyMs: { p50: 400, source: 'test' } },
    { match: 'mid', quality: { score: 0.6, raw: 0.6, source: 'test' }, safety: { score: 0.7, raw: 0.7, source: 'test' }, latencyMs: { p50: 800, source: 'test' } },
    { match: 'best', quality: { score: 0.95, raw: 0.95, source: 'test' }, safety: { score: 0.9, raw: 0.9, source: 'test' }, latencyMs: { p50: 1600, source: 'test' } },
    { match: 'safe', quality: { score: 0.5, raw: 0.5, source: 'test' }, safety: { score: 0.99, raw: 0.99, source: 'test' } },
  ],
};

const MODELS: ModelInfo[] = [
  model('alpha', 'cheap', { input: 0.1, output: 0.4 }),
  model('alpha', 'mid', { input: 1, output: 4 }),
  model('beta', 'best', { input: 5, output: 20 }),
  model('beta', 'safe', { input: 2, output: 8 }),
  model('gamma', 'unpriced', { input: null, output: null }),
];

const ready = () => ({ ready: true, reason: 'validated' });
const tableLatency = (_ref: ModelRef, table: { value: number; source: string } | null) => (table ? { ms: table.value, source: table.source, samples: 0 } : { ms: 2000, source: 'default', samples: 0 });
const text = (value: string): Message => ({ role: 'user', content: [{ type: 'text', text: value }] });

function policy(input: RoutingPolicyInput = {}): RoutingPolicy {
  const result = parseRoutingPolicy(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.policy;
}

function route(overrides: Partial<RouteInput> = {}): RouteDecision {
  return routeModels({ models: MODELS, policy: DEFAULT_ROUTING_POLICY, readiness: ready, latency: tableLatency, scores: SCORES, request: { messages: [text('hello')] }, ...overrides });
}

const ids = (refs: readonly { provider: string; model: string }[]) => refs.map((ref) => `${ref.provider}/${ref.model}`);
const reasonsOf = (decision: RouteDecision, id: string) => decision.excluded.find((item) => `${item.provider}/${item.model}` === id)?.reasons.map((reason) => reason.code);

/** A deterministic shuffle (a fixed LCG), so the test itself is reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

// ------------------------------------------------------------------------------------------

describe('routeModels: exclusions', () => {
  it('excludes nothing with the default policy and every provider ready', () => {
    const decision = route();
    expect(decision.excluded).toEqual([]);
    expect(decision.candidates).toHaveLength(MODELS.length);
  });

  it('names provider_not_allowed, provider_denied, model_not_allowed and model_denied', () => {
    const decision = route({
      policy: policy({ constraints: { allowedProviders: ['alpha', 'beta'], deniedProviders: ['beta'], allowedModels: ['alpha/*', 'beta/best'], deniedModels: ['alpha/mid*'] } }),
    });
    expect(reasonsOf(decision, 'gamma/unpriced')).toEqual(['provider_not_allowed', 'model_not_allowed']);
    expect(reasonsOf(decision, 'beta/best')).toEqual(['provider_denied']);
    expect(reasonsOf(decision, 'beta/safe')).toEqual(['provider_denied', 'model_not_allowed']);
    expect(reasonsOf(decision, 'alpha/mid')).toEqual(['model_denied']);
    expect(ids(decision.candidates)).toEqual(['alpha/cheap']);
    const denied = decision.excluded.find((item) => item.model === 'mid')?.reasons[0];
    expect(denied?.message).toContain('"alpha/mid*"');
  });

  it('excludes a provider that is not ready (ready false) and allows one never validated (ready null)', () => {
    const decision = route({ readiness: (provider) => (provider === 'beta' ? { ready: false, reason: 'auth failed: 401' } : { ready: null, reason: 'never validated' }) });
    expect(reasonsOf(decision, 'beta/best')).toEqual(['provider_not_ready']);
    expect(decision.excluded.find((item) => item.model === 'best')?.reasons[0]?.message).toBe('provider beta is not ready: auth failed: 401');
    expect(ids(decision.candidates).sort()).toEqual(['alpha/cheap', 'alpha/mid', 'gamma/unpriced']);
  });

  it('asks readiness once per provider, not per model', () => {
    const asked: string[] = [];
    route({ readiness: (provider) => (asked.push(provider), { ready: true, reason: '' }) });
    expect(asked.sort()).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('names each missing capability, and says when capabilities are unknown', () => {
    const models = [model('a', 'plain', { capabilities: { tools: false, vision: false, jsonSchema: false } }), model('a', 'unknown', { capabilitiesKnown: false, capabilities: { tools: false, vision: false, jsonSchema: false } })];
    const decision = route({ models, requirements: { capabilities: ['vision', 'tools'] } });
    const plain = decision.excluded.find((item) => item.model === 'plain')?.reasons;
    expect(plain).toEqual([{ code: 'missing_capability', message: 'lacks tools, vision' }]);
    expect(decision.excluded.find((item) => item.model === 'unknown')?.reasons[0]?.message).toMatch(/lacks tools, vision \(its capabilities are unknown/);
  });

  it('excludes a context window too small for the request or the minimum, and an unknown one only when a minimum is set', () => {
    const models = [model('a', 'tiny', { context: 300 }), model('a', 'small', { context: 5000 }), model('a', 'unknown', { context: null }), model('a', 'big', { context: 200_000 })];
    const long = { messages: [text('x'.repeat(400))] }; // 100 tokens in + 256 out = 356 > 300
    const noMinimum = route({ models, request: long });
    expect(ids(noMinimum.excluded)).toEqual(['a/tiny']);
    expect(noMinimum.excluded[0]?.reasons[0]?.message).toBe('context window 300 is too small: the request needs about 356 tokens (100 in + 256 out)');
    const withMinimum = route({ models, request: long, requirements: { minContextWindow: 8000 } });
    expect(ids(withMinimum.excluded)).toEqual(['a/small', 'a/tiny', 'a/unknown']);
    expect(reasonsOf(withMinimum, 'a/unknown')).toEqual(['context_too_small']);
    expect(withMinimum.excluded.find((item) => item.model === 'unknown')?.reasons[0]?.message).toMatch(/unknown/);
    expect(ids(withMinimum.candidates)).toEqual(['a/big']);
  });

  it('excludes price_above_max and price_unknown only when maxPricePerMillion is set', () => {
    const decision = route({ policy: policy({ constraints: { maxPricePerMillion: { input: 1.5, output: 10 } } }) });
    expect(reasonsOf(decision, 'beta/best')).toEqual(['price_above_max']);
    expect(decision.excluded.find((item) => item.model === 'best')?.reasons[0]?.message).toBe('price above maxPricePerMillion: input $5/M > max $1.5/M; output $20/M > max $10/M');
    expect(reasonsOf(decision, 'beta/safe')).toEqual(['price_above_max']);
    expect(reasonsOf(decision, 'gamma/unpriced')).toEqual(['price_unknown']);
    expect(ids(decision.candidates).sort()).toEqual(['alpha/cheap', 'alpha/mid']);
    expect(route().excluded).toEqual([]);
  });

  it('collects every reason of a model, in a fixed order', () => {
    const models = [model('beta', 'everything', { input: 50, context: 100, capabilities: { vision: false } })];
    const decision = route({
      models,
      policy: policy({ constraints: { allowedProviders: ['alpha'], deniedProviders: ['beta'], allowedModels: ['alpha/*'], deniedModels: ['beta/*'], maxPricePerMillion: { input: 1 } } }),
      readiness: () => ({ ready: false, reason: 'down' }),
      request: { messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }, { type: 'text', text: 'x'.repeat(1000) }] }] },
    });
    expect(reasonsOf(decision, 'beta/everything')).toEqual([
      'provider_not_allowed',
      'provider_denied',
      'model_not_allowed',
      'model_denied',
      'provider_not_ready',
      'missing_capability',
      'context_too_small',
      'price_above_max',
    ]);
    expect(decision.chosen).toBeNull();
    expect(decision.ladder).toEqual([]);
  });

  it('lists the excluded sorted by provider, then model', () => {
    const decision = route({ models: shuffled(MODELS, 7), policy: policy({ constraints: { allowedProviders: ['nobody'] } }) });
    expect(ids(decision.excluded)).toEqual(['alpha/cheap', 'alpha/mid', 'beta/best', 'beta/safe', 'gamma/unpriced']);
  });
});

describe('routeModels: requirements and estimates', () => {
  it('infers vision from an image, tools from tools, jsonSchema from a json_schema format, and unions them with the caller and the policy', () => {
    const decision = route({
      policy: policy({ constraints: { requiredCapabilities: ['reasoning'] } }),
      requirements: { capabilities: ['tools'], minContextWindow: 1000 },
      request: {
        messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,AAAA' }] }],
        tools: [{ name: 'lookup', parameters: { type: 'object' } }],
        responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
      },
    });
    expect(decision.requirements).toEqual({ capabilities: ['jsonSchema', 'reasoning', 'tools', 'vision'], minContextWindow: 1000, maxOutputTokens: null });
    // No fixture model reasons.
    expect(decision.candidates).toEqual([]);
    expect(new Set(decision.excluded.flatMap((item) => item.reasons.map((reason) => reason.message)))).toEqual(new Set(['lacks reasoning']));
  });

  it('takes the larger minContextWindow of the policy and the caller', () => {
    expect(route({ policy: policy({ constraints: { minContextWindow: 4000 } }), requirements: { minContextWindow: 2000 } }).requirements.minContextWindow).toBe(4000);
    expect(route({ policy: policy({ constraints: { minContextWindow: 4000 } }), requirements: { minContextWindow: 9000 } }).requirements.minContextWindow).toBe(9000);
    expect(route().requirements).toEqual({ capabilities: [], minContextWindow: null, maxOutputTokens: null });
  });

  it('estimates input tokens as ceil(characters / 4) of text, tool calls, tool results and the tools JSON', () => {
    const tools = [{ name: 't', parameters: {} }];
    const messages: Message[] = [
      text('abcdefg'), // 7
      { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'get', arguments: { a: 1 } }] }, // 3 + 7
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: 'ok' }] }, // 2
      { role: 'user', content: [{ type: 'image', url: 'https://example.com/x.png' }] }, // not counted
    ];
    const characters = 7 + 3 + JSON.stringify({ a: 1 }).length + 2 + JSON.stringify(tools).length;
    const decision = route({ request: { messages, tools } });
    expect(decision.estimatedInputTokens).toBe(Math.ceil(characters / 4));
  });

  it('estimates output tokens from the request, else the requirements, else 256', () => {
    expect(route().estimatedOutputTokens).toBe(256);
    expect(route({ requirements: { maxOutputTokens: 1000 } }).estimatedOutputTokens).toBe(1000);
    expect(route({ requirements: { maxOutputTokens: 1000 }, request: { messages: [text('x')], maxOutputTokens: 50 } }).estimatedOutputTokens).toBe(50);
  });

  it('prices the request: input tokens × input price + output tokens × output price, per million', () => {
    const decision = route({ request: { messages: [text('x'.repeat(4000))], maxOutputTokens: 500 } });
    const best = decision.candidates.find((candidate) => candidate.model === 'best');
    expect(best?.inputs.estimatedCostUsd).toBeCloseTo((1000 * 5 + 500 * 20) / 1e6, 12);
  });

  it('validates requirements at the boundary with a strict schema', () => {
    expect(RouteRequirementsSchema.safeParse({ capabilities: ['tools'], minContextWindow: 10 }).success).toBe(true);
    const unknown = RouteRequirementsSchema.safeParse({ capability: ['tools'] });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['capability'] });
  });
});

describe('routeModels: scoring', () => {
  it('normalizes cost and latency as the ratio to the best candidate', () => {
    expect(ratioToBest(2, 1)).toBe(0.5);
    expect(ratioToBest(1, 1)).toBe(1);
    expect(ratioToBest(0, 0)).toBe(1);
    expect(ratioToBest(3, 0)).toBe(0);
    expect(ratioToBest(null, 1)).toBe(0);
    const decision = route();
    const cheap = decision.candidates.find((candidate) => candidate.model === 'cheap');
    const mid = decision.candidates.find((candidate) => candidate.model === 'mid');
    expect(cheap?.components.cost).toBe(1);
    expect(mid?.components.cost).toBeCloseTo(0.1, 6); // ten times the price
    expect(cheap?.components.latency).toBe(1);
    expect(mid?.components.latency).toBe(0.5); // 800 ms against 400 ms
  });

  it('scores Σ weight × component / Σ weights, rounded to 6 decimals', () => {
    const weights = { cost: 0.1, latency: 0.2, quality: 0.3, safety: 0.7 };
    const decision = route({ policy: policy({ weights }) });
    for (const candidate of decision.candidates) {
      const { cost, latency, quality, safety } = candidate.components;
      const expected = (0.1 * cost + 0.2 * latency + 0.3 * quality + 0.7 * safety) / 1.3;
      expect(candidate.score).toBeCloseTo(expected, 5);
      expect(Math.round(candidate.score * 1e6) / 1e6).toBe(candidate.score);
    }
    expect(decision.weights).toEqual(weights);
  });

  it('picks the cheapest with cost weight 1', () => {
    const decision = route({ policy: policy({ weights: { cost: 1, latency: 0, quality: 0, safety: 0 } }) });
    expect(decision.chosen).toEqual({ provider: 'alpha', model: 'cheap' });
    const bundled = routeModels({ models: bundledCatalog().models, policy: policy({ weights: { cost: 1, latency: 0, quality: 0, safety: 0 }, constraints: { deniedProviders: ['mock'], deniedModels: ['openrouter/*:free'] } }), readiness: ready, latency: tableLatency, request: { messages: [text('hi')] } });
    const cheapest = Math.min(...bundled.candidates.flatMap((candidate) => (candidate.inputs.estimatedCostUsd === null ? [] : [candidate.inputs.estimatedCostUsd])));
    expect(bundled.candidates[0]?.inputs.estimatedCostUsd).toBe(cheapest);
  });

  it('picks the best rated with quality weight 1', () => {
    expect(route({ policy: policy({ weights: { cost: 0, latency: 0, quality: 1, safety: 0 } }) }).chosen).toEqual({ provider: 'beta', model: 'best' });
    expect(route({ policy: policy({ weights: { cost: 0, latency: 0, quality: 0, safety: 1 } }) }).chosen).toEqual({ provider: 'beta', model: 'safe' });
  });

  it('counts an unknown price as the most expensive candidate, and says so', () => {
    const decision = route({ policy: policy({ weights: { cost: 1, latency: 0, quality: 0, safety: 0 } }) });
    const unpriced = decision.candidates.find((candidate) => candidate.model === 'unpriced');
    expect(unpriced?.inputs.estimatedCostUsd).toBeNull();
    expect(unpriced?.components.cost).toBe(0);
    expect(unpriced?.notes).toEqual([expect.stringMatching(/price unknown: counted as the most expensive/)]);
    expect(decision.candidates.at(-1)?.model).toBe('unpriced');
    expect(decision.candidates.find((candidate) => candidate.model === 'cheap')?.notes).toEqual([]);
  });

  it('breaks score ties by estimated cost, then by provider/model', () => {
    const models = [model('b', 'twin', { input: 1, output: 1 }), model('a', 'twin', { input: 1, output: 1 }), model('c', 'dear', { input: 2, output: 2 })];
    const decision = route({ models, scores: { ...SCORES, entries: [] }, latency: () => ({ ms: 100, source: 'fixed', samples: 0 }), policy: policy({ weights: { cost: 0, latency: 1, quality: 0, safety: 0 } }) });
    expect(decision.candidates.map((candidate) => candidate.score)).toEqual([1, 1, 1]);
    expect(ids(decision.candidates)).toEqual(['a/twin', 'b/twin', 'c/dear']);
  });

  it('uses the bundled score table by default and reports each figure with its source', () => {
    const decision = routeModels({ models: bundledCatalog().models, policy: DEFAULT_ROUTING_POLICY, readiness: ready, latency: tableLatency, request: { messages: [text('hello')] } });
    expect(decision.chosen).toEqual({ provider: 'mock', model: 'mock-echo' });
    const echo = decision.candidates[0];
    expect(echo?.inputs).toMatchObject({ quality: 0.5, qualitySource: 'hangar-mock', safety: 1, safetySource: 'hangar-mock', latencyMs: 1, latencySource: 'hangar-mock' });
    const unrated = decision.candidates.find((candidate) => candidate.model === 'aetherwiing/mn-starcannon-12b');
    expect(unrated?.inputs).toMatchObject({ quality: 0.5, qualitySource: 'unrated', latencyMs: 2000, latencySource: 'default' });
    expect(decision.policyHash).toBe(policyHash(DEFAULT_ROUTING_POLICY));
  });
});

describe('routeModels: ladder', () => {
  it('climbs from the chosen model to dearer ones only, cheapest first', () => {
    const decision = route({ policy: policy({ weights: { cost: 0, latency: 0, quality: 1, safety: 0 }, escalation: { maxEscalations: 10 } }) });
    // best is chosen (quality 0.95); the others are all cheaper, except the unpriced model (counted as the dearest).
    expect(ids(decision.ladder)).toEqual(['beta/best', 'gamma/unpriced']);
    const balanced = route({ policy: policy({ escalation: { maxEscalations: 10 } }) });
    const chosen = balanced.candidates[0];
    const costs = balanced.ladder.map((ref) => balanced.candidates.find((candidate) => candidate.provider === ref.provider && candidate.model === ref.model)?.inputs.estimatedCostUsd ?? Number.POSITIVE_INFINITY);
    expect(balanced.chosen).toEqual({ provider: chosen?.provider, model: chosen?.model });
    for (let index = 1; index < costs.length; index += 1) expect(costs[index]).toBeGreaterThanOrEqual(costs[index - 1] ?? 0);
  });

  it('never escalates to a model cheaper than the chosen one, on the real catalog either', () => {
    const decision = routeModels({
      models: bundledCatalog().models,
      policy: policy({ weights: { cost: 0.2, latency: 0.1, quality: 0.6, safety: 0.1 }, constraints: { deniedProviders: ['mock'] }, escalation: { maxEscalations: 10 } }),
      readiness: ready,
      latency: tableLatency,
      request: { messages: [text('Summarize the attached design document.')] },
    });
    const costOf = (ref: ModelRef) => decision.candidates.find((candidate) => candidate.provider === ref.provider && candidate.model === ref.model)?.inputs.estimatedCostUsd ?? Number.POSITIVE_INFINITY;
    const [chosen, ...rest] = decision.ladder;
    expect(chosen).toEqual(decision.chosen);
    expect(rest.length).toBe(10);
    for (const ref of rest) expect(costOf(ref)).toBeGreaterThanOrEqual(costOf(chosen as ModelRef));
  });

  it('caps the ladder at 1 + maxEscalations', () => {
    expect(route({ policy: policy({ escalation: { maxEscalations: 0 } }) }).ladder).toHaveLength(1);
    expect(route({ policy: policy({ escalation: { maxEscalations: 1 } }) }).ladder).toHaveLength(2);
    expect(route().ladder.length).toBeLessThanOrEqual(4);
  });

  it("follows a tag's ladder in its order, reporting what it skips, and chooses its first eligible entry", () => {
    const tagged = policy({
      constraints: { deniedModels: ['beta/safe'] },
      escalation: { maxEscalations: 2 },
      tags: { premium: { ladder: ['beta/safe', 'beta/best', 'nowhere/model', 'alpha/mid', 'beta/best', 'alpha/cheap', 'gamma/unpriced'] } },
    });
    const decision = route({ policy: tagged, tags: ['premium', 'unknown-tag'] });
    expect(decision.appliedTags).toEqual(['premium']);
    expect(ids(decision.ladder)).toEqual(['beta/best', 'alpha/mid', 'alpha/cheap']);
    expect(decision.chosen).toEqual({ provider: 'beta', model: 'best' });
    expect(decision.ladderSkipped).toEqual([
      { model: 'beta/safe', reason: 'excluded: model_denied' },
      { model: 'nowhere/model', reason: 'not in the catalog of the enabled providers' },
      { model: 'beta/best', reason: 'listed twice in the ladder' },
      { model: 'gamma/unpriced', reason: "past the ladder's cap of 3 (1 + escalation.maxEscalations)" },
    ]);
  });

  it('chooses nothing when no entry of a tag ladder is eligible', () => {
    const decision = route({ policy: policy({ tags: { pinned: { ladder: ['beta/best'] } } }), tags: ['pinned'], readiness: (provider) => ({ ready: provider !== 'beta', reason: 'down' }) });
    expect(decision.chosen).toBeNull();
    expect(decision.ladder).toEqual([]);
    expect(decision.ladderSkipped).toEqual([{ model: 'beta/best', reason: 'excluded: provider_not_ready' }]);
    expect(decision.candidates.length).toBeGreaterThan(0);
  });

  it("applies a tag's weights and constraints", () => {
    const tagged = policy({ tags: { cheap: { weights: { cost: 1, latency: 0, quality: 0, safety: 0 }, constraints: { deniedProviders: ['gamma'] } } } });
    const decision = route({ policy: tagged, tags: ['cheap'] });
    expect(decision.weights).toEqual({ cost: 1, latency: 0, quality: 0, safety: 0 });
    expect(decision.chosen).toEqual({ provider: 'alpha', model: 'cheap' });
    expect(reasonsOf(decision, 'gamma/unpriced')).toEqual(['provider_denied']);
    expect(route({ policy: tagged }).excluded).toEqual([]);
  });
});

describe('routeModels: determinism', () => {
  const input = (models: readonly ModelInfo[], tracker: LatencyTracker): RouteInput => ({
    models,
    policy: policy({ weights: { cost: 0.3, latency: 0.2, quality: 0.4, safety: 0.1 }, constraints: { deniedModels: ['openrouter/*:free'] }, tags: { vision: { constraints: { requiredCapabilities: ['vision'] } } } }),
    tags: ['vision'],
    readiness: (provider) => ({ ready: provider === 'openrouter' ? null : true, reason: 'ok' }),
    latency: (ref, table) => tracker.estimate(ref, table),
    request: { messages: [text('What is in this picture?')], maxOutputTokens: 300 },
  });

  it('gives a deep-equal decision when run twice', () => {
    const tracker = new LatencyTracker();
    tracker.record({ provider: 'openai', model: 'gpt-4o' }, 900);
    const models = bundledCatalog().models;
    expect(routeModels(input(models, tracker))).toEqual(routeModels(input(models, tracker)));
  });

  it('gives the same decision whatever the order of the models', () => {
    const tracker = new LatencyTracker();
    const models = bundledCatalog().models;
    const reference = routeModels(input(models, tracker));
    for (const seed of [1, 2, 3]) expect(routeModels(input(shuffled(models, seed), tracker))).toEqual(reference);
    expect(route({ models: shuffled(MODELS, 11) })).toEqual(route());
  });

  it('gives the same decision whatever the order of the tags', () => {
    const tagged = policy({ tags: { a: { weights: { cost: 0.9 } }, b: { weights: { cost: 0.1 } } } });
    expect(route({ policy: tagged, tags: ['b', 'a'] })).toEqual(route({ policy: tagged, tags: ['a', 'b', 'a'] }));
  });
});

describe('LatencyTracker, and latency in routing', () => {
  const ref = { provider: 'alpha', model: 'cheap' };

  it('estimates the measured p50 first, then the table figure, then the default', () => {
    const tracker = new LatencyTracker({ defaultMs: 1500 });
    expect(tracker.estimate(ref, null)).toEqual({ ms: 1500, samples: 0, source: 'default' });
    expect(tracker.estimate(ref, { value: 400, source: 'test' })).toEqual({ ms: 400, samples: 0, source: 'test' });
    for (const ms of [300, 100, 200]) tracker.record(ref, ms);
    expect(tracker.estimate(ref, { value: 400, source: 'test' })).toEqual({ ms: 200, samples: 3, source: 'measured' });
  });

  it('keeps a rolling window of the last samples (nearest-rank p50)', () => {
    const tracker = new LatencyTracker({ window: 4 });
    for (const ms of [10, 20, 30, 40]) tracker.record(ref, ms);
    expect(tracker.estimate(ref, null)).toEqual({ ms: 20, samples: 4, source: 'measured' });
    for (const ms of [100, 200, 300]) tracker.record(ref, ms); // the window is now 40, 100, 200, 300
    expect(tracker.estimate(ref, null)).toEqual({ ms: 100, samples: 4, source: 'measured' });
    tracker.record(ref, 5); // 100, 200, 300, 5
    expect(tracker.estimate(ref, null).ms).toBe(100);
  });

  it('agrees with a sort on many windows (quickselect)', () => {
    const tracker = new LatencyTracker({ window: 50 });
    let state = 42;
    const samples: number[] = [];
    for (let index = 0; index < 500; index += 1) {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = state % 1000;
      samples.push(ms);
      tracker.record(ref, ms);
      const window = samples.slice(-50).sort((a, b) => a - b);
      expect(tracker.estimate(ref, null).ms).toBe(window[Math.ceil(window.length / 2) - 1]);
    }
  });

  it('refuses bad samples and options', () => {
    expect(() => new LatencyTracker({ window: 0 })).toThrow(RangeError);
    expect(() => new LatencyTracker({ defaultMs: -1 })).toThrow(RangeError);
    expect(() => new LatencyTracker().record(ref, Number.NaN)).toThrow(RangeError);
  });

  it('routes by measured latency once there are samples, by the table before, by the default without either', () => {
    const tracker = new LatencyTracker({ defaultMs: 3000 });
    const latency = (model: RouteInput['latency']) => route({ latency: model, policy: policy({ weights: { cost: 0, latency: 1, quality: 0, safety: 0 } }) });
    const before = latency((r, table) => tracker.estimate(r, table));
    expect(before.chosen).toEqual({ provider: 'alpha', model: 'cheap' }); // 400 ms in the table
    expect(before.candidates.find((candidate) => candidate.model === 'unpriced')?.inputs).toMatchObject({ latencyMs: 3000, latencySource: 'default', latencySamples: 0 });
    for (let index = 0; index < 5; index += 1) tracker.record({ provider: 'beta', model: 'best' }, 50);
    const after = latency((r, table) => tracker.estimate(r, table));
    expect(after.chosen).toEqual({ provider: 'beta', model: 'best' });
    expect(after.candidates[0]?.inputs).toMatchObject({ latencyMs: 50, latencySource: 'measured', latencySamples: 5 });
    expect(after.candidates.find((candidate) => candidate.model === 'cheap')?.inputs).toMatchObject({ latencyMs: 400, latencySource: 'test' });
  });
});

describe('the bundled catalog and the default policy', () => {
  it('routes the offline default to the mock, excludes what the policy denies, and rates the OpenRouter free tier by its price', () => {
    const models = bundledCatalog().models;
    const decision = routeModels({ models, policy: policy({ constraints: { deniedModels: ['openrouter/*:free'] } }), readiness: ready, latency: tableLatency, request: { messages: [text('hi')] } });
    expect(decision.chosen).toEqual({ provider: 'mock', model: 'mock-echo' });
    const denied = decision.excluded.filter((item) => item.reasons.some((reason) => reason.code === 'model_denied'));
    expect(denied.length).toBeGreaterThan(10);
    expect(denied.every((item) => item.provider === 'openrouter' && item.model.endsWith(':free'))).toBe(true);
    expect(decision.candidates.length + decision.excluded.length).toBe(models.length);
    expect(bundledModelScores().entries.length).toBeGreaterThan(0);
  });

  it('keeps the vision-capable models for an image', () => {
    const models = bundledCatalog().models;
    const decision = routeModels({
      models,
      policy: DEFAULT_ROUTING_POLICY,
      readiness: ready,
      latency: tableLatency,
      request: { messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }, { type: 'text', text: 'What is this?' }] }] },
    });
    const byId = new Map(models.map((info) => [`${info.provider}/${info.model}`, info]));
    expect(decision.requirements.capabilities).toEqual(['vision']);
    for (const candidate of decision.candidates) expect(byId.get(`${candidate.provider}/${candidate.model}`)?.capabilities.vision).toBe(true);
    expect(reasonsOf(decision, 'mock/mock-text')).toEqual(['missing_capability']);
  });
});
