import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAnthropicEmulator, startAnthropicEmulator } from '../../src/emulators/anthropic/start-anthropic-emulator.js';
import { DEFAULT_EMULATED_MODELS } from '../../src/emulators/openai/openai-emulator-options.js';
import { type RunningOpenAiEmulator, startOpenAiEmulator } from '../../src/emulators/openai/start-openai-emulator.js';
import { type RunningOpenRouterEmulator, startOpenRouterEmulator } from '../../src/emulators/openrouter/start-openrouter-emulator.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/**
 * The LLM gateway through its HTTP API, against the OpenAI, Anthropic and OpenRouter emulators on
 * loopback (and the offline mock): routing determinism, policy updates, each escalation trigger, the
 * decisions and their evals, and keys that never leave the process.
 */
const KEYS = {
  OPENAI_API_KEY: 'sk-test-PLANTED-openai-key-4f1c9a',
  ANTHROPIC_API_KEY: 'sk-ant-test-PLANTED-anthropic-key-77b2',
  OPENROUTER_API_KEY: 'sk-or-v1-test-PLANTED-openrouter-key-d3e5',
};
/** gpt-4o-mini with a window smaller than the catalog says (an account's real limit): the vendor, not the router, refuses the long prompt. */
const SMALL_WINDOW = 1_000;

const POLICY = {
  weights: { cost: 0.4, latency: 0.1, quality: 0.4, safety: 0.1 },
  constraints: {},
  tags: {
    fallback: { ladder: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] },
    schema: { ladder: ['mock/mock-echo', 'openai/gpt-4o-mini'] },
    offline: { ladder: ['mock/mock-text', 'mock/mock-echo'], constraints: { allowedProviders: ['mock'] } },
  },
  escalation: { retryableFailuresBeforeEscalation: 2, maxEscalations: 3 },
};

let openai: RunningOpenAiEmulator;
let anthropic: RunningAnthropicEmulator;
let openrouter: RunningOpenRouterEmulator;
let bed: TestControlPlane;

const ask = (text: string) => ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

beforeAll(async () => {
  openai = await startOpenAiEmulator({
    seed: 5,
    apiKeys: [KEYS.OPENAI_API_KEY],
    models: DEFAULT_EMULATED_MODELS.map((model) => (model.id === 'gpt-4o-mini' ? { ...model, contextWindow: SMALL_WINDOW } : model)),
  });
  anthropic = await startAnthropicEmulator({ seed: 5, apiKeys: [KEYS.ANTHROPIC_API_KEY] });
  openrouter = await startOpenRouterEmulator({ seed: 5, apiKeys: [KEYS.OPENROUTER_API_KEY] });
  bed = await startTestControlPlane({
    env: { ...KEYS },
    llmHooks: { sleep: async () => {}, random: () => 0 },
    settings: {
      readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
      llm: {
        providers: { mock: {}, openai: { baseUrl: openai.url }, anthropic: { baseUrl: anthropic.url }, openrouter: { baseUrl: openrouter.url } },
        retryBaseDelayMs: 0,
        retryMaxDelayMs: 0,
      },
    },
  });
  const written = await bed.call('POST', '/llm/policy/update', POLICY);
  expect(written.status).toBe(200);
});

afterEach(async () => {
  await fetch(`${openai.url}/_emulator/chaos`, { method: 'DELETE' });
});

afterAll(async () => {
  await bed?.close();
  await Promise.all([openai?.close(), anthropic?.close(), openrouter?.close()]);
});

describe('GET /llm/models', () => {
  it('lists the enabled providers’ models with prices, limits, the four scores and their sources, and readiness', async () => {
    const answer = await bed.call('GET', '/llm/models');
    expect(answer.status).toBe(200);
    const providers = new Set(answer.json.models.map((model: { provider: string }) => model.provider));
    expect([...providers].sort()).toEqual(['anthropic', 'mock', 'openai', 'openrouter']);
    const mini = answer.json.models.find((model: { provider: string; model: string }) => model.provider === 'openai' && model.model === 'gpt-4o-mini');
    expect(mini.prices.inputPerMillion).toBeGreaterThan(0);
    expect(mini.scores.cost.source).toMatch(/genai-prices|override/);
    expect(mini.scores.quality.source.length).toBeGreaterThan(0);
    expect(mini.scores.safety.source.length).toBeGreaterThan(0);
    expect(mini.scores.latency.source.length).toBeGreaterThan(0);
    expect(mini.readiness).toEqual({ ready: null, reason: 'not validated yet' });
    expect(answer.json.policyHash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('POST /llm/route/test', () => {
  it('is deterministic: the same request and policy give the same rationale, and the decision is stored', async () => {
    const body = { prompt: 'Summarize the attached incident report in three bullet points.', tags: [], requirements: { capabilities: ['tools'] } };
    const first = await bed.call('POST', '/llm/route/test', body);
    const second = await bed.call('POST', '/llm/route/test', body);
    expect(first.status).toBe(200);
    expect(first.json.rationale).toEqual(second.json.rationale);
    expect(first.json.decisionId).not.toBe(second.json.decisionId);
    expect(first.json.chosen).toEqual(first.json.rationale.candidates[0] && { provider: first.json.rationale.candidates[0].provider, model: first.json.rationale.candidates[0].model });
    const candidate = first.json.rationale.candidates[0];
    expect(Object.keys(candidate.components).sort()).toEqual(['cost', 'latency', 'quality', 'safety']);
    // mock-text takes no tools: excluded, and the reason says which capability.
    const excluded = first.json.rationale.excluded.find((entry: { provider: string; model: string }) => entry.provider === 'mock' && entry.model === 'mock-text');
    expect(excluded.reasons.map((reason: { code: string }) => reason.code)).toContain('missing_capability');
    const stored = await bed.call('GET', `/v1/llm/decisions/${first.json.decisionId}`);
    expect(stored.status).toBe(200);
    expect(stored.json.kind).toBe('route_test');
    expect(stored.json.rationale).toEqual(first.json.rationale);
  });

  it('excludes with reasons: a denied provider, a context too small, a missing capability', async () => {
    await bed.call('POST', '/llm/policy/update', { ...POLICY, constraints: { deniedProviders: ['openrouter'] } });
    try {
      const answer = await bed.call('POST', '/llm/route/test', { prompt: 'x'.repeat(600_000), requirements: { capabilities: ['vision'] } });
      expect(answer.status).toBe(200);
      const codesOf = (provider: string, model: string) => answer.json.rationale.excluded.find((entry: { provider: string; model: string }) => entry.provider === provider && entry.model === model)?.reasons.map((reason: { code: string }) => reason.code);
      expect(codesOf('openrouter', 'openai/gpt-4o-mini')).toContain('provider_denied');
      expect(codesOf('openai', 'gpt-4o-mini')).toContain('context_too_small');
      expect(codesOf('mock', 'mock-text')).toEqual(expect.arrayContaining(['missing_capability', 'context_too_small']));
      for (const candidate of answer.json.rationale.candidates) expect(candidate.inputs.contextWindow).toBeGreaterThanOrEqual(150_000);
    } finally {
      await bed.call('POST', '/llm/policy/update', POLICY);
    }
  });

  it('weights decide: cost alone picks the cheapest eligible model', async () => {
    await bed.call('POST', '/llm/policy/update', { ...POLICY, weights: { cost: 1, latency: 0, quality: 0, safety: 0 }, constraints: { deniedProviders: ['mock'] } });
    try {
      const answer = await bed.call('POST', '/llm/route/test', { prompt: 'hello' });
      const costs = answer.json.rationale.candidates.map((candidate: { inputs: { estimatedCostUsd: number | null } }) => candidate.inputs.estimatedCostUsd ?? Number.POSITIVE_INFINITY);
      expect(answer.json.rationale.candidates[0].inputs.estimatedCostUsd).toBe(Math.min(...costs));
    } finally {
      await bed.call('POST', '/llm/policy/update', POLICY);
    }
  });

  it('refuses bad input with a 4xx and stores nothing', async () => {
    const before = await bed.call('GET', '/v1/llm/decisions?limit=500');
    expect((await bed.call('POST', '/llm/route/test', { prompt: 'a', messages: ask('b').messages })).status).toBe(422);
    expect((await bed.call('POST', '/llm/route/test', { prompt: 'a', tags: ['Not A Tag'] })).status).toBe(422);
    expect((await bed.call('POST', '/llm/route/test', { prompt: 'a', requirements: { capabilities: ['telepathy'] } })).status).toBe(422);
    expect((await bed.call('POST', '/llm/route/test', '{"prompt": ')).status).toBe(400);
    const after = await bed.call('GET', '/v1/llm/decisions?limit=500');
    expect(after.json.items.length).toBe(before.json.items.length);
  });
});

describe('POST /llm/policy/update', () => {
  it('writes sorted JSON with a trailing newline atomically, keeps the previous version, and refuses an invalid policy naming the key', async () => {
    const path = join(bed.dir.path, 'models', 'policy.json');
    const changed = { ...POLICY, weights: { ...POLICY.weights, latency: 0.2 } };
    const answer = await bed.call('POST', '/llm/policy/update', changed);
    expect(answer.status).toBe(200);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual([...Object.keys(JSON.parse(text))].sort());
    expect(JSON.parse(readFileSync(`${path}.previous`, 'utf8')).weights.latency).toBe(POLICY.weights.latency);
    expect(readdirSync(join(bed.dir.path, 'models')).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const unknownKey = await bed.call('POST', '/llm/policy/update', { ...POLICY, constraints: { maxPrice: 3 } });
    expect(unknownKey.status).toBe(422);
    expect(unknownKey.json.error.code).toBe('POLICY_INVALID');
    expect(unknownKey.json.error.message).toContain('constraints.maxPrice');
    const allZero = await bed.call('POST', '/llm/policy/update', { ...POLICY, weights: { cost: 0, latency: 0, quality: 0, safety: 0 } });
    expect(allZero.status).toBe(422);
    const negative = await bed.call('POST', '/llm/policy/update', { ...POLICY, weights: { ...POLICY.weights, cost: -1 } });
    expect(negative.status).toBe(422);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect((await bed.call('GET', '/llm/policy')).json.policyHash).toBe(answer.json.policyHash);
    await bed.call('POST', '/llm/policy/update', POLICY);
  });
});

describe('POST /v1/llm/generate', () => {
  it('runs offline on the mock: the routed model answers with usage, cost, warnings and the decision id', async () => {
    const answer = await bed.call('POST', '/v1/llm/generate', { prompt: 'ping', tags: ['offline'] });
    expect(answer.status).toBe(200);
    expect(answer.json.model).toEqual({ provider: 'mock', model: 'mock-text' });
    expect(answer.json.output.content[0].text).toBe('mock-text: ping');
    expect(answer.json.usage.inputTokens).toBeGreaterThan(0);
    expect(answer.json.cost.total).toBe(0);
    expect(answer.json.escalations).toEqual([]);
    const decision = await bed.call('GET', `/v1/llm/decisions/${answer.json.decisionId}`);
    expect(decision.json).toMatchObject({ kind: 'generate', status: 'succeeded', final: { provider: 'mock', model: 'mock-text' }, tags: ['offline'] });
    expect(decision.json.attempts).toHaveLength(1);
  });

  it('escalates after N retryable failures (trigger retryable_failures) and counts it into readiness', async () => {
    await fetch(`${openai.url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, faults: [{ operation: 'spawn', instanceType: 'gpt-4o-mini', code: 'SPOT_INTERRUPTED' }] }) });
    const answer = await bed.call('POST', '/v1/llm/generate', { prompt: 'Say hello', tags: ['fallback'], maxOutputTokens: 64 });
    expect(answer.status).toBe(200);
    expect(answer.json.model).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(answer.json.escalations).toMatchObject([{ from: { provider: 'openai', model: 'gpt-4o-mini' }, to: { provider: 'anthropic', model: 'claude-haiku-4-5' }, trigger: 'retryable_failures' }]);
    const decision = await bed.call('GET', `/v1/llm/decisions/${answer.json.decisionId}`);
    expect(decision.json.attempts.map((attempt: { provider: string; outcome: string; retry: boolean }) => [attempt.provider, attempt.outcome, attempt.retry])).toEqual([
      ['openai', 'failed', true],
      ['openai', 'failed', false],
      ['anthropic', 'succeeded', false],
    ]);
    const readiness = await bed.call('GET', '/api/automation/usage/provider-validation');
    const row = readiness.json.providers.find((provider: { provider: string }) => provider.provider === 'openai');
    expect(row.escalation_count_24h).toBeGreaterThanOrEqual(1);
    expect(row.retry_count_24h).toBeGreaterThanOrEqual(1);
  });

  it('escalates on a context-length refusal to a model with a larger window (trigger context_length)', async () => {
    const long = 'the quick brown fox jumps over the lazy dog. '.repeat(180);
    const answer = await bed.call('POST', '/v1/llm/generate', { prompt: long, tags: ['fallback'], maxOutputTokens: 32 });
    expect(answer.status).toBe(200);
    expect(answer.json.escalations).toMatchObject([{ trigger: 'context_length', from: { model: 'gpt-4o-mini' }, to: { model: 'claude-haiku-4-5' } }]);
  });

  it('escalates when the output fails the requested JSON schema (trigger schema_mismatch)', async () => {
    const schema = { type: 'object', properties: { count: { type: 'integer', minimum: 10 } }, required: ['count'], additionalProperties: false };
    const answer = await bed.call('POST', '/v1/llm/generate', { prompt: 'How many?', tags: ['schema'], responseFormat: { type: 'json_schema', name: 'count', schema, strict: true } });
    expect(answer.status).toBe(200);
    expect(answer.json.escalations).toMatchObject([{ trigger: 'schema_mismatch', from: { provider: 'mock', model: 'mock-echo' }, to: { provider: 'openai', model: 'gpt-4o-mini' } }]);
    expect(JSON.parse(answer.json.output.content[0].text).count).toBeGreaterThanOrEqual(10);
  });

  it('answers a ladder that ends without an answer with the model error and the decision id', async () => {
    await fetch(`${openai.url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, faults: [{ operation: 'spawn', instanceType: 'gpt-4o-mini', code: 'RATE_LIMIT_ERROR' }] }) });
    const answer = await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', model: 'openai/gpt-4o-mini' });
    expect(answer.status).toBe(429);
    expect(answer.json.error.code).toBe('LLM_RATE_LIMIT');
    expect(answer.json.error.decisionId).toMatch(/^lrd-/);
    const decision = await bed.call('GET', `/v1/llm/decisions/${answer.json.error.decisionId}`);
    expect(decision.json.status).toBe('failed');
    expect(decision.json.attempts).toHaveLength(2);
  });

  it('refuses bad input before any model call', async () => {
    const posts = openai.exchanges.length;
    expect((await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', model: 'nosuchvendor/nosuchmodel-xyz' })).json.error.code).toBe('UNKNOWN_MODEL');
    expect((await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', temperature: 9 })).status).toBe(422);
    expect((await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'nonsense-type' } } })).status).toBe(422);
    expect((await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', colour: 'blue' })).status).toBe(422);
    expect((await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', tags: ['offline'], requirements: { minContextWindow: 10_000_000 } })).json.error.code).toBe('NO_ELIGIBLE_MODEL');
    expect(openai.exchanges.length).toBe(posts);
  });
});

describe('decisions and evals', () => {
  it('are queryable by tag, model and cursor, and take evals', async () => {
    const a = await bed.call('POST', '/v1/llm/generate', { prompt: 'one', tags: ['offline'] });
    const b = await bed.call('POST', '/v1/llm/generate', { prompt: 'two', tags: ['offline'] });
    const byTag = await bed.call('GET', '/v1/llm/decisions?tag=offline&limit=500');
    expect(byTag.json.items.every((item: { tags: string[] }) => item.tags.includes('offline'))).toBe(true);
    expect(byTag.json.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([a.json.decisionId, b.json.decisionId]));
    const after = await bed.call('GET', `/v1/llm/decisions?after=${a.json.decisionId}&model=mock/mock-text`);
    expect(after.json.items.map((item: { id: string }) => item.id)).toContain(b.json.decisionId);
    expect(after.json.items.map((item: { id: string }) => item.id)).not.toContain(a.json.decisionId);

    const evaluation = await bed.call('POST', `/v1/llm/decisions/${a.json.decisionId}/evals`, { score: 0.8, metric: 'helpfulness', evaluator: 'grader-v1', runId: 'ci-42' });
    expect(evaluation.status).toBe(201);
    const decision = await bed.call('GET', `/v1/llm/decisions/${a.json.decisionId}`);
    expect(decision.json.evals).toMatchObject([{ metric: 'helpfulness', score: 0.8, evaluator: 'grader-v1', runId: 'ci-42' }]);
    expect((await bed.call('POST', '/v1/llm/decisions/lrd-missing/evals', { score: 1 })).status).toBe(404);
    expect((await bed.call('POST', `/v1/llm/decisions/${a.json.decisionId}/evals`, { score: 'high' })).status).toBe(422);
    expect((await bed.call('GET', '/v1/llm/decisions/lrd-missing')).status).toBe(404);
    expect((await bed.call('GET', '/v1/llm/decisions?limit=0')).status).toBe(422);
  });
});

describe('secrets', () => {
  it('never shows a planted key in logs, answers or the database', async () => {
    const answers: string[] = [];
    for (const path of ['/llm/models', '/llm/policy', '/v1/llm/decisions?limit=500', '/api/automation/usage/provider-validation']) answers.push(JSON.stringify((await bed.call('GET', path)).json));
    answers.push(JSON.stringify((await bed.call('POST', '/v1/llm/generate', { prompt: 'hi', model: 'anthropic/claude-haiku-4-5', maxOutputTokens: 16 })).json));
    const files = readdirSync(bed.dir.path).filter((name) => name.endsWith('.db') || name.endsWith('-wal') || name.endsWith('.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    const database = files.map((name) => readFileSync(join(bed.dir.path, name)).toString('latin1')).join('');
    const everything = [...answers, bed.logs.join('\n'), database, existsSync(join(bed.dir.path, 'models', 'policy.json')) ? readFileSync(join(bed.dir.path, 'models', 'policy.json'), 'utf8') : ''].join('\n');
    for (const key of Object.values(KEYS)) expect(everything).not.toContain(key);
    expect(bed.logs.some((line) => line.includes('"capability":"llm_gateway"') && line.includes('"latency_ms"'))).toBe(true);
  });
});

describe('the LLM providers in the readiness layer', () => {
  it('validates each LLM provider through its four checks beside the compute providers, and shows them on /providers', async () => {
    const run = await bed.call('POST', '/api/automation/usage/provider-validation/run', { providers: ['anthropic', 'mock', 'openai', 'openrouter'], mode: 'full' });
    expect(run.status).toBe(200);
    expect(run.json.providers).toEqual(
      ['anthropic', 'mock', 'openai', 'openrouter'].map((provider) => ({ provider, configured: true, auth_probe_passed: true, execution_probe_passed: true, usage_event_written: true, last_error_class: null })),
    );
    const evidence = await bed.call('GET', `/api/automation/usage/provider-validation/runs/${run.json.run_id}`);
    const openaiResult = evidence.json.providers.find((result: { provider: string }) => result.provider === 'openai');
    const execution = openaiResult.checks.find((check: { check: string }) => check.check === 'execution_probe');
    expect(openai.exchanges.some((exchange) => exchange.path === '/v1/chat/completions' && JSON.stringify(exchange.body).includes('Reply with the single word OK.'))).toBe(true);
    expect(execution.detail).toContain('gpt-4o-mini');
    expect(execution.cost_usd).toBeGreaterThan(0);
    const status = await bed.call('GET', '/api/automation/usage/provider-validation');
    expect(status.json.providers.map((row: { provider: string }) => row.provider)).toEqual(expect.arrayContaining(['anthropic', 'faulty', 'mock', 'openai', 'openrouter', 'orbstack']));
    const page = await bed.plane.app.request('/providers', { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toMatch(/data-provider="openrouter"[\s\S]*?data-field="kind" data-value="&quot;llm&quot;"/);
    // The routing view now sees the latest validation passed.
    const models = await bed.call('GET', '/llm/models');
    expect(models.json.models.find((model: { provider: string }) => model.provider === 'openai').readiness.ready).toBe(true);
  });
});

describe('readiness of LLM providers: a wrong key, and the daily probe budget', () => {
  let other: TestControlPlane;
  afterAll(async () => {
    await other?.close();
  });

  it('classes a refused key AUTH_ERROR and excludes the provider from routing; past the budget, execution probes are skipped and say so', async () => {
    other = await startTestControlPlane({
      env: { ...KEYS, ANTHROPIC_API_KEY: 'sk-ant-test-PLANTED-wrong-key-0000' },
      llmHooks: { sleep: async () => {}, random: () => 0 },
      settings: {
        readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0, retry: { attempts: 1, windowMs: 0, minDelayMs: 0 } },
        llm: { providers: { openai: { baseUrl: openai.url }, anthropic: { baseUrl: anthropic.url } }, probeDailyBudgetUsd: 0.00001 },
      },
    });
    const probeCalls = () => openai.exchanges.filter((exchange) => exchange.method === 'POST' && exchange.path === '/v1/chat/completions' && JSON.stringify(exchange.body).includes('Reply with the single word OK.')).length;
    const probeCallsBefore = probeCalls();
    const run = await other.call('POST', '/api/automation/usage/provider-validation/run', { providers: ['anthropic', 'openai'], mode: 'full' });
    const byName = Object.fromEntries(run.json.providers.map((row: { provider: string }) => [row.provider, row]));
    expect(byName.anthropic).toMatchObject({ configured: true, auth_probe_passed: false, last_error_class: 'AUTH_ERROR' });
    // A budget of $0.00001 a day: the first paid probe already does not fit, so it is skipped, said, and does not fail the run.
    expect(byName.openai).toMatchObject({ configured: true, auth_probe_passed: true, execution_probe_passed: null, last_error_class: null });
    const stored = await other.call('GET', `/api/automation/usage/provider-validation/runs/${run.json.run_id}`);
    const openaiChecks = stored.json.providers.find((result: { provider: string }) => result.provider === 'openai').checks;
    expect(openaiChecks.find((check: { check: string }) => check.check === 'execution_probe').detail).toMatch(/skipped: the daily probe budget/);
    expect(openaiChecks.find((check: { check: string }) => check.check === 'usage_event').passed).toBe(true);
    expect(probeCalls()).toBe(probeCallsBefore);
    // Never fully proven, so openai is not ready; anthropic's failed validation excludes it from routing.
    const status = await other.call('GET', '/api/automation/usage/provider-validation');
    expect(status.json.providers.find((row: { provider: string }) => row.provider === 'openai').ready).toBe(false);
    const route = await other.call('POST', '/llm/route/test', { prompt: 'hi' });
    const anthropicExcluded = route.json.rationale.excluded.filter((entry: { provider: string }) => entry.provider === 'anthropic');
    expect(anthropicExcluded.length).toBeGreaterThan(0);
    expect(anthropicExcluded[0].reasons.map((reason: { code: string }) => reason.code)).toContain('provider_not_ready');
    expect(JSON.stringify(run.json) + JSON.stringify(stored.json) + other.logs.join('\n')).not.toContain('PLANTED');
  });
});

describe('an OpenAI-compatible gateway by base URL, and spans to an OTLP endpoint', () => {
  let gatewayPlane: TestControlPlane | undefined;
  let receiver: Server;
  const bodies: string[] = [];
  afterAll(async () => {
    await gatewayPlane?.close();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it('routes to a LiteLLM-style proxy’s discovered models under its own name, probes it, and exports each generate call as an llm.generate span', async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    const { port } = receiver.address() as AddressInfo;
    gatewayPlane = await startTestControlPlane({
      env: { LITELLM_API_KEY: KEYS.OPENAI_API_KEY },
      settings: {
        readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
        llm: { providers: { litellm: { kind: 'openai', baseUrl: openai.url, probeModel: 'gpt-4o' } }, otlpEndpoint: `http://127.0.0.1:${port}` },
      },
    });
    // The catalog knows no `litellm` models: the proxy's /v1/models is read at start.
    let models: { provider: string; model: string; origin: string }[] = [];
    for (let tries = 0; tries < 100 && !models.some((model) => model.provider === 'litellm'); tries += 1) {
      models = (await gatewayPlane.call('GET', '/llm/models')).json.models;
      if (!models.some((model) => model.provider === 'litellm')) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(models.filter((model) => model.provider === 'litellm').map((model) => model.model)).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini']));
    const answer = await gatewayPlane.call('POST', '/v1/llm/generate', { prompt: 'Say hi', model: 'litellm/gpt-4o', maxOutputTokens: 16 });
    expect(answer.status).toBe(200);
    expect(answer.json.model).toEqual({ provider: 'litellm', model: 'gpt-4o' });
    const run = await gatewayPlane.call('POST', '/api/automation/usage/provider-validation/run', { providers: ['litellm'], mode: 'full' });
    expect(run.json.providers[0]).toMatchObject({ provider: 'litellm', configured: true, auth_probe_passed: true, execution_probe_passed: true });
    // Closing drains the span exporter.
    const closing = gatewayPlane;
    gatewayPlane = undefined;
    await closing.close();
    const exported = bodies.join('\n');
    expect(exported).toContain('llm.generate');
    expect(exported).toContain(answer.json.decisionId);
    expect(exported).toContain('llm_gateway');
    expect(exported).not.toContain(KEYS.OPENAI_API_KEY);
  });
});

describe('the whole call’s deadline', () => {
  let slow: TestControlPlane | undefined;
  afterAll(async () => {
    await slow?.close();
  });

  it('answers 504 LLM_TIMEOUT once llm.deadlineMs passes, escalations included, and records the decision as failed', async () => {
    slow = await startTestControlPlane({
      env: { ...KEYS },
      llmHooks: { sleep: async () => {}, random: () => 0 },
      settings: {
        readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 },
        llm: { providers: { openai: { baseUrl: openai.url } }, attemptTimeoutMs: 150, deadlineMs: 400 },
      },
    });
    await fetch(`${openai.url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 1, faults: [{ operation: 'spawn', effect: 'timeout' }] }) });
    const answer = await slow.call('POST', '/v1/llm/generate', { prompt: 'hi', maxOutputTokens: 16 });
    expect(answer.status).toBe(504);
    expect(answer.json.error.code).toBe('LLM_TIMEOUT');
    const decision = await slow.call('GET', `/v1/llm/decisions/${answer.json.error.decisionId}`);
    expect(decision.json).toMatchObject({ status: 'failed', outcome: { error: { code: 'TIMEOUT' } } });
  });
});
