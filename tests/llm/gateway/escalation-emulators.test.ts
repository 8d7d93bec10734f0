import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAnthropicEmulator, startAnthropicEmulator } from '../../../src/emulators/anthropic/start-anthropic-emulator.js';
import { DEFAULT_EMULATED_MODELS } from '../../../src/emulators/openai/openai-emulator-options.js';
import { type RunningOpenAiEmulator, startOpenAiEmulator } from '../../../src/emulators/openai/start-openai-emulator.js';
import { AnthropicAdapter } from '../../../src/llm/adapters/anthropic/index.js';
import { createOpenAiAdapter } from '../../../src/llm/adapters/openai/index.js';
import type { ModelRef, ProviderRequest } from '../../../src/llm/core/canonical-types.js';
import { ConfigError } from '../../../src/llm/core/runtime-errors.js';
import { type LadderSettings, runLadder } from '../../../src/llm/gateway/escalation-runner.js';
import { createMockAdapter } from '../../../src/llm/runtime/mock-adapter.js';
import { ProviderRuntime } from '../../../src/llm/runtime/provider-runtime.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/llm/transport/retry-policy.js';

/**
 * The ladder over a real ProviderRuntime (its transport tries once: the ladder owns the retries)
 * against the OpenAI and Anthropic emulators in this process, on loopback, with planted fake keys.
 */
const KEYS = { openai: 'sk-test-PLANTED-gateway-openai-5e1f', anthropic: 'sk-ant-test-PLANTED-gateway-anthropic-9c2d' } as const;
/** A small-window model for the context-length case: the emulator refuses prompts over 1,000 tokens (characters / 4). */
const SMALL_WINDOW = 1_000;

const MINI: ModelRef = { provider: 'openai', model: 'gpt-4o-mini' };
const GPT_4O: ModelRef = { provider: 'openai', model: 'gpt-4o' };
const SONNET: ModelRef = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
const MOCK: ModelRef = { provider: 'mock', model: 'mock-echo' };

const SETTINGS: LadderSettings = { retryableFailuresBeforeEscalation: 3, maxEscalations: 3, retryPolicy: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 4 } };
const ask = (text: string, extra: Partial<Omit<ProviderRequest, 'model'>> = {}): Omit<ProviderRequest, 'model'> => ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }], maxOutputTokens: 256, ...extra });

let openai: RunningOpenAiEmulator;
let anthropic: RunningAnthropicEmulator;

function runtimeFor(token: (provider: string) => string = (provider) => KEYS[provider as keyof typeof KEYS] ?? ''): ProviderRuntime {
  return ProviderRuntime.builder()
    .adapter(createMockAdapter())
    .adapter(createOpenAiAdapter())
    .adapter(new AnthropicAdapter())
    .token(token)
    .baseUrl('openai', openai.url)
    .baseUrl('anthropic', anthropic.url)
    .retryPolicy({ maxAttempts: 1, baseDelayMs: 0, attemptTimeoutMs: 10_000 })
    .build();
}

/** Sets the OpenAI emulator's chaos over its management route, as an operator would. */
async function putChaos(scenario: unknown): Promise<void> {
  const response = await fetch(`${openai.url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });
  expect(response.status).toBe(200);
}

const chatPosts = () => openai.exchanges.filter((exchange) => exchange.method === 'POST' && exchange.path === '/v1/chat/completions');
const text = (response: { output: { content: { type: string; text?: string }[] } } | null) => response?.output.content.map((part) => part.text ?? '').join('') ?? '';

beforeAll(async () => {
  openai = await startOpenAiEmulator({
    seed: 11,
    apiKeys: [KEYS.openai],
    models: DEFAULT_EMULATED_MODELS.map((model) => (model.id === MINI.model ? { ...model, contextWindow: SMALL_WINDOW, maxOutputTokens: 512 } : model)),
  });
  anthropic = await startAnthropicEmulator({ seed: 11, apiKeys: [KEYS.anthropic] });
});

afterEach(async () => {
  const cleared = await fetch(`${openai.url}/_emulator/chaos`, { method: 'DELETE' });
  expect(cleared.status).toBe(204);
  openai.exchanges.length = 0;
  anthropic.exchanges.length = 0;
});

afterAll(async () => {
  await Promise.all([openai?.close(), anthropic?.close()]);
});

describe('the escalation ladder against the emulators', () => {
  it('(a) chaos makes the cheap OpenAI model answer 500: three tries, then Anthropic answers', async () => {
    await putChaos({ seed: 3, faults: [{ operation: 'spawn', instanceType: MINI.model, code: 'SPOT_INTERRUPTED' }] });
    const outcome = await runLadder(runtimeFor(), ask('Say hello'), [{ ref: MINI, contextWindow: SMALL_WINDOW }, { ref: SONNET, contextWindow: 200_000 }], SETTINGS, { random: () => 0 });

    expect(chatPosts().map((exchange) => [exchange.status, (exchange.body as { model: string }).model])).toEqual([
      [500, MINI.model],
      [500, MINI.model],
      [500, MINI.model],
    ]);
    expect(outcome.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.errorCode, attempt.retry])).toEqual([
      ['openai', 'failed', 'SERVER', true],
      ['openai', 'failed', 'SERVER', true],
      ['openai', 'failed', 'SERVER', false],
      ['anthropic', 'succeeded', null, false],
    ]);
    expect(outcome.escalations).toMatchObject([{ seq: 1, from: MINI, to: SONNET, trigger: 'retryable_failures' }]);
    expect(outcome.error).toBeNull();
    expect(outcome.finalModel).toEqual(SONNET);
    expect(outcome.response?.model).toEqual(SONNET);
    expect(text(outcome.response).length).toBeGreaterThan(0);
    expect(anthropic.exchanges.filter((exchange) => exchange.method === 'POST')).toHaveLength(1);
  });

  it('(b) a prompt over the small window: context_length escalation past an unknown window to a larger one', async () => {
    // About 2,000 tokens to the emulator's estimate: twice the small window, far under gpt-4o's.
    const long = 'the quick brown fox jumps over the lazy dog. '.repeat(180);
    const ladder = [
      { ref: MINI, contextWindow: SMALL_WINDOW },
      { ref: MOCK, contextWindow: null },
      { ref: GPT_4O, contextWindow: 128_000 },
    ];
    const outcome = await runLadder(runtimeFor(), ask(long), ladder, SETTINGS);

    expect(chatPosts().map((exchange) => [exchange.status, (exchange.body as { model: string }).model])).toEqual([
      [400, MINI.model],
      [200, GPT_4O.model],
    ]);
    expect(outcome.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.errorCode, attempt.retryable])).toEqual([
      [MINI.model, 'failed', 'CONTEXT_LENGTH_EXCEEDED', false],
      [GPT_4O.model, 'succeeded', null, null],
    ]);
    expect(outcome.escalations).toEqual([
      { seq: 1, at: expect.any(String), from: MINI, to: GPT_4O, trigger: 'context_length', detail: 'the prompt does not fit openai/gpt-4o-mini (a window of 1000 tokens); skipped mock/mock-echo (window unknown)' },
    ]);
    expect(outcome.finalModel).toEqual(GPT_4O);
  });

  it('(c) the mock answers n = 1 against minimum 10: schema_mismatch escalation to the OpenAI emulator, whose answer fits', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 10 } }, required: ['n'], additionalProperties: false };
    const request = ask('How many?', { responseFormat: { type: 'json_schema', name: 'count', schema } });
    const outcome = await runLadder(runtimeFor(), request, [{ ref: MOCK, contextWindow: null }, { ref: GPT_4O, contextWindow: 128_000 }], SETTINGS);

    expect(outcome.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.errorCode])).toEqual([
      ['mock', 'schema_mismatch', 'SCHEMA_MISMATCH'],
      ['openai', 'succeeded', null],
    ]);
    expect(outcome.attempts[0]?.message).toContain('/n: must be >= 10');
    expect(outcome.escalations).toMatchObject([{ from: MOCK, to: GPT_4O, trigger: 'schema_mismatch' }]);
    expect(JSON.parse(text(outcome.response))).toEqual({ n: 10 });
    expect(outcome.error).toBeNull();
  });

  it('(c) a schema no model meets ends with SCHEMA_MISMATCH and the last answer', async () => {
    // The OpenAI emulator answers the minimal instance (n = 10), which this schema's `not` refuses.
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 10, not: { const: 10 } } }, required: ['n'] };
    const request = ask('How many?', { responseFormat: { type: 'json_schema', name: 'count', schema } });
    const outcome = await runLadder(runtimeFor(), request, [{ ref: MOCK, contextWindow: null }, { ref: GPT_4O, contextWindow: 128_000 }], SETTINGS);
    expect(outcome.error).toMatchObject({ code: 'SCHEMA_MISMATCH', provider: 'openai', model: 'gpt-4o' });
    expect(JSON.parse(text(outcome.response))).toEqual({ n: 10 });
    expect(outcome.escalations).toHaveLength(1);
  });

  it('a provider without a key is a model_error escalation, and no key leaks into the outcome', async () => {
    const runtime = runtimeFor((provider) => {
      if (provider === 'openai') throw new ConfigError('no key configured for openai');
      return KEYS[provider as keyof typeof KEYS] ?? '';
    });
    const outcome = await runLadder(runtime, ask('hello'), [{ ref: MINI, contextWindow: SMALL_WINDOW }, { ref: SONNET, contextWindow: 200_000 }], SETTINGS);
    expect(outcome.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['openai', 'CONFIG'],
      ['anthropic', null],
    ]);
    expect(outcome.escalations).toMatchObject([{ trigger: 'model_error', detail: 'openai/gpt-4o-mini failed with CONFIG: no key configured for openai' }]);
    expect(chatPosts()).toEqual([]);
    const serialized = JSON.stringify(outcome);
    for (const key of Object.values(KEYS)) expect(serialized).not.toContain(key);
  });
});
