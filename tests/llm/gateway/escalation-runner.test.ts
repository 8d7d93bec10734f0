import { describe, expect, it } from 'vitest';
import type { ModelRef, ProviderRequest, ProviderResponse } from '../../../src/llm/core/canonical-types.js';
import { ConfigError, type LlmErrorCode, ProviderError, RoutingError } from '../../../src/llm/core/runtime-errors.js';
import { type LadderHooks, type LadderRuntime, type LadderSettings, type LadderStep, runLadder } from '../../../src/llm/gateway/escalation-runner.js';
import { InvalidRequestError } from '../../../src/llm/runtime/invalid-request-error.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/llm/transport/retry-policy.js';

const CHEAP: ModelRef = { provider: 'openai', model: 'gpt-4o-mini' };
const MID: ModelRef = { provider: 'anthropic', model: 'claude-haiku-4-5' };
const BIG: ModelRef = { provider: 'openai', model: 'gpt-4.1' };

const step = (ref: ModelRef, contextWindow: number | null = 128_000): LadderStep => ({ ref, contextWindow });
const LADDER = [step(CHEAP), step(MID, 200_000), step(BIG, 1_000_000)];
const SETTINGS: LadderSettings = { retryableFailuresBeforeEscalation: 3, maxEscalations: 2, retryPolicy: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 } };
const REQUEST: Omit<ProviderRequest, 'model'> = { messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] };

type Script = (ProviderResponse | Error | ((signal?: AbortSignal) => Promise<ProviderResponse>))[];

function answer(model: ModelRef, text = 'ok'): ProviderResponse {
  return {
    model,
    responseModel: model.model,
    id: 'r-1',
    output: { role: 'assistant', content: [{ type: 'text', text }] },
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: null, reasoningTokens: null, totalTokens: 2 },
    cost: null,
    warnings: [],
  };
}

const fail = (code: LlmErrorCode, provider = 'openai', retryAfterMs?: number) => new ProviderError({ code, provider, message: `${provider}: ${code}`, ...(retryAfterMs !== undefined && { retryAfterMs }) });

/** A runtime that answers each model from its own script, in order, and records what it was asked. */
function scripted(scripts: Record<string, Script>): LadderRuntime & { asked: string[]; requests: unknown[] } {
  const asked: string[] = [];
  const requests: unknown[] = [];
  return {
    asked,
    requests,
    async run(request: unknown, options?: { signal?: AbortSignal }) {
      const model = (request as { model: ModelRef }).model;
      const key = `${model.provider}/${model.model}`;
      asked.push(key);
      requests.push(request);
      const next = scripts[key]?.shift();
      if (next === undefined) throw new Error(`no scripted answer left for ${key}`);
      if (next instanceof Error) throw next;
      if (typeof next === 'function') return next(options?.signal);
      return next;
    },
  };
}

/** Deterministic hooks: a clock that advances 5 ms per read, waits that only record, a fixed draw. */
function fakeHooks(extra: LadderHooks = {}): LadderHooks & { waits: number[] } {
  let clock = 0;
  const waits: number[] = [];
  return {
    now: () => (clock += 5),
    wallClock: () => Date.UTC(2026, 0, 1),
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    waits,
    ...extra,
  };
}

describe('runLadder', () => {
  it('answers from the first model when it succeeds, with one attempt and deterministic records', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [answer(CHEAP)] });
    const outcome = await runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks());
    expect(outcome.error).toBeNull();
    expect(outcome.finalModel).toEqual(CHEAP);
    expect(outcome.attempts).toEqual([
      { seq: 1, provider: 'openai', model: 'gpt-4o-mini', startedAt: '2026-01-01T00:00:00.000Z', latencyMs: 5, outcome: 'succeeded', errorCode: null, errorClass: null, retryable: null, message: null, retry: false },
    ]);
    expect(outcome.escalations).toEqual([]);
    expect(runtime.requests[0]).toEqual({ ...REQUEST, model: CHEAP });
  });

  it('retries a retryable failure N-1 times on the same model, then escalates (retryable_failures)', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('SERVER'), fail('OVERLOADED'), fail('SERVER')], 'anthropic/claude-haiku-4-5': [answer(MID)] });
    const hooks = fakeHooks();
    const outcome = await runLadder(runtime, REQUEST, LADDER, SETTINGS, hooks);
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4o-mini', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']);
    expect(outcome.attempts.map((attempt) => [attempt.seq, attempt.outcome, attempt.errorCode, attempt.errorClass, attempt.retryable, attempt.retry])).toEqual([
      [1, 'failed', 'SERVER', 'CAPACITY_ERROR', true, true],
      [2, 'failed', 'OVERLOADED', 'CAPACITY_ERROR', true, true],
      [3, 'failed', 'SERVER', 'CAPACITY_ERROR', true, false],
      [4, 'succeeded', null, null, null, false],
    ]);
    expect(outcome.escalations).toEqual([{ seq: 1, at: '2026-01-01T00:00:00.000Z', from: CHEAP, to: MID, trigger: 'retryable_failures', detail: expect.stringContaining('3 retryable failure(s) in a row on openai/gpt-4o-mini, the last SERVER') }]);
    // Full jitter at random 0.5: half the ceiling, which doubles per retry (100, then 200).
    expect(hooks.waits).toEqual([50, 100]);
    expect(outcome.response?.model).toEqual(MID);
    expect(outcome.finalModel).toEqual(MID);
  });

  it('a success before the threshold stays on the model; the count is of failures in a row', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('TIMEOUT'), fail('NETWORK'), answer(CHEAP)] });
    const outcome = await runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks());
    expect(outcome.escalations).toEqual([]);
    expect(outcome.attempts.map((attempt) => attempt.retry)).toEqual([true, true, false]);
    expect(outcome.finalModel).toEqual(CHEAP);
  });

  it("waits the vendor's Retry-After instead of the jitter", async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('RATE_LIMIT', 'openai', 1_234), fail('RATE_LIMIT', 'openai', 2_000), answer(CHEAP)] });
    const hooks = fakeHooks();
    const outcome = await runLadder(runtime, REQUEST, LADDER, SETTINGS, hooks);
    expect(hooks.waits).toEqual([1_234, 2_000]);
    expect(outcome.attempts[0]).toMatchObject({ errorCode: 'RATE_LIMIT', errorClass: 'RATE_LIMIT_ERROR', retry: true });
  });

  it('escalates at once when the wait would pass the retry deadline', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('RATE_LIMIT', 'openai', 600_000)], 'anthropic/claude-haiku-4-5': [answer(MID)] });
    const hooks = fakeHooks();
    const outcome = await runLadder(runtime, REQUEST, LADDER, SETTINGS, hooks);
    expect(hooks.waits).toEqual([]);
    expect(outcome.escalations[0]).toMatchObject({ trigger: 'retryable_failures', detail: expect.stringContaining('would pass the retry deadline') });
    expect(outcome.finalModel).toEqual(MID);
  });

  it('with a threshold of 1, the first retryable failure escalates', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('SERVER')], 'anthropic/claude-haiku-4-5': [answer(MID)] });
    const outcome = await runLadder(runtime, REQUEST, LADDER, { ...SETTINGS, retryableFailuresBeforeEscalation: 1 }, fakeHooks());
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']);
    expect(outcome.escalations.map((escalation) => escalation.trigger)).toEqual(['retryable_failures']);
  });

  it('context_length: skips unknown and not-larger windows, says which, and lands on a larger one', async () => {
    const ladder = [step(CHEAP, 128_000), step({ provider: 'mock', model: 'mock-echo' }, null), step({ provider: 'openai', model: 'gpt-4o' }, 128_000), step(MID, 64_000), step(BIG, 1_000_000)];
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('CONTEXT_LENGTH_EXCEEDED')], 'openai/gpt-4.1': [answer(BIG)] });
    const outcome = await runLadder(runtime, REQUEST, ladder, SETTINGS, fakeHooks());
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini', 'openai/gpt-4.1']);
    expect(outcome.attempts[0]).toMatchObject({ errorCode: 'CONTEXT_LENGTH_EXCEEDED', errorClass: 'INVALID_SPEC', retryable: false, retry: false });
    expect(outcome.escalations).toEqual([
      {
        seq: 1,
        at: expect.any(String),
        from: CHEAP,
        to: BIG,
        trigger: 'context_length',
        detail: 'the prompt does not fit openai/gpt-4o-mini (a window of 128000 tokens); skipped mock/mock-echo (window unknown), openai/gpt-4o (window 128000), anthropic/claude-haiku-4-5 (window 64000)',
      },
    ]);
    expect(outcome.finalModel).toEqual(BIG);
  });

  it('context_length with no larger window left ends with that error', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('CONTEXT_LENGTH_EXCEEDED')] });
    const outcome = await runLadder(runtime, REQUEST, [step(CHEAP, 128_000), step(MID, 100_000), step(BIG, null)], SETTINGS, fakeHooks());
    expect(outcome).toMatchObject({ response: null, error: { code: 'CONTEXT_LENGTH_EXCEEDED', message: 'openai: CONTEXT_LENGTH_EXCEEDED', provider: 'openai', model: 'gpt-4o-mini' }, escalations: [], finalModel: CHEAP });
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini']);
  });

  it('model_error: a non-retryable ProviderError, a RoutingError or a ConfigError moves to the next step', async () => {
    const runtime = scripted({
      'openai/gpt-4o-mini': [fail('AUTH')],
      'anthropic/claude-haiku-4-5': [new ConfigError('no token for provider anthropic')],
      'openai/gpt-4.1': [answer(BIG)],
    });
    const outcome = await runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks());
    expect(outcome.attempts.map((attempt) => [attempt.errorCode, attempt.errorClass, attempt.retryable])).toEqual([
      ['AUTH', 'AUTH_ERROR', false],
      ['CONFIG', null, false],
      [null, null, null],
    ]);
    expect(outcome.escalations.map((escalation) => [escalation.trigger, escalation.detail])).toEqual([
      ['model_error', 'openai/gpt-4o-mini failed with AUTH: openai: AUTH'],
      ['model_error', 'anthropic/claude-haiku-4-5 failed with CONFIG: no token for provider anthropic'],
    ]);
    expect(outcome.finalModel).toEqual(BIG);

    const routing = scripted({ 'openai/gpt-4o-mini': [new RoutingError('no adapter for provider openai')] });
    expect((await runLadder(routing, REQUEST, [step(CHEAP)], SETTINGS, fakeHooks())).error).toEqual({ code: 'ROUTING', message: 'no adapter for provider openai', provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('stops at maxEscalations with the last error and everything so far', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('NOT_FOUND')], 'anthropic/claude-haiku-4-5': [fail('CONTENT_FILTER', 'anthropic')], 'openai/gpt-4.1': [answer(BIG)] });
    const outcome = await runLadder(runtime, REQUEST, LADDER, { ...SETTINGS, maxEscalations: 1 }, fakeHooks());
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5']);
    expect(outcome).toMatchObject({ response: null, error: { code: 'CONTENT_FILTER', provider: 'anthropic', model: 'claude-haiku-4-5' }, finalModel: MID });
    expect(outcome.attempts).toHaveLength(2);
    expect(outcome.escalations).toHaveLength(1);
  });

  it('maxEscalations 0 keeps the ladder on its first model (retries still happen)', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('SERVER'), fail('SERVER'), fail('SERVER')] });
    const outcome = await runLadder(runtime, REQUEST, LADDER, { ...SETTINGS, maxEscalations: 0 }, fakeHooks());
    expect(outcome.attempts).toHaveLength(3);
    expect(outcome.error).toMatchObject({ code: 'SERVER', model: 'gpt-4o-mini' });
  });

  it('the end of the ladder ends the run with the last error', async () => {
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('BAD_RESPONSE')], 'anthropic/claude-haiku-4-5': [fail('AUTH', 'anthropic')], 'openai/gpt-4.1': [fail('SERVER')] });
    const outcome = await runLadder(runtime, REQUEST, LADDER, { ...SETTINGS, retryableFailuresBeforeEscalation: 1, maxEscalations: 10 }, fakeHooks());
    expect(outcome.escalations).toHaveLength(2);
    expect(outcome.error).toMatchObject({ code: 'SERVER', model: 'gpt-4.1' });
  });

  it('rethrows an InvalidRequestError at once, never escalating', async () => {
    const invalid = new InvalidRequestError([{ field: 'messages[0].content[0].type', message: 'bad' }]);
    const runtime = scripted({ 'openai/gpt-4o-mini': [invalid], 'anthropic/claude-haiku-4-5': [answer(MID)] });
    const escalated: unknown[] = [];
    await expect(runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks({ onEscalation: (escalation) => escalated.push(escalation) }))).rejects.toBe(invalid);
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini']);
    expect(escalated).toEqual([]);
  });

  it('refuses a json_schema request whose schema does not compile before calling any model', async () => {
    const runtime = scripted({});
    const request = { ...REQUEST, responseFormat: { type: 'json_schema' as const, name: 'answer', schema: { type: 'integer-ish' } } };
    await expect(runLadder(runtime, request, LADDER, SETTINGS, fakeHooks())).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'responseFormat.schema' });
    expect(runtime.asked).toEqual([]);
  });

  it('rethrows an error of no known kind (a bug is not a model failure)', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    await expect(runLadder(scripted({ 'openai/gpt-4o-mini': [bug] }), REQUEST, LADDER, SETTINGS, fakeHooks())).rejects.toBe(bug);
  });

  it('schema_mismatch: escalates on an answer that fails the schema, and takes the next model that matches', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 10 } }, required: ['n'] };
    const request = { ...REQUEST, responseFormat: { type: 'json_schema' as const, name: 'count', schema } };
    const runtime = scripted({ 'openai/gpt-4o-mini': [answer(CHEAP, '{"n": 1}')], 'anthropic/claude-haiku-4-5': [answer(MID, '{"n": 12}')] });
    const outcome = await runLadder(runtime, request, LADDER, SETTINGS, fakeHooks());
    expect(outcome.attempts.map((attempt) => [attempt.outcome, attempt.errorCode, attempt.retryable])).toEqual([
      ['schema_mismatch', 'SCHEMA_MISMATCH', false],
      ['succeeded', null, null],
    ]);
    expect(outcome.attempts[0]?.message).toContain('/n: must be >= 10');
    expect(outcome.escalations[0]).toMatchObject({ trigger: 'schema_mismatch', from: CHEAP, to: MID, detail: expect.stringContaining('/n: must be >= 10') });
    expect(outcome.response?.model).toEqual(MID);
    expect(outcome.error).toBeNull();
  });

  it('schema_mismatch on the last model ends with SCHEMA_MISMATCH and that answer', async () => {
    const request = { ...REQUEST, responseFormat: { type: 'json_schema' as const, name: 'count', schema: { type: 'object', required: ['n'] } } };
    const last = answer(CHEAP, 'not json at all');
    const outcome = await runLadder(scripted({ 'openai/gpt-4o-mini': [last] }), request, [step(CHEAP)], SETTINGS, fakeHooks());
    expect(outcome.response).toBe(last);
    expect(outcome.error).toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining('not JSON'), model: 'gpt-4o-mini' });
  });

  it('an answer to a request without a json_schema format is not checked', async () => {
    const request = { ...REQUEST, responseFormat: { type: 'json_object' as const } };
    const outcome = await runLadder(scripted({ 'openai/gpt-4o-mini': [answer(CHEAP, 'plain words')] }), request, LADDER, SETTINGS, fakeHooks());
    expect(outcome.error).toBeNull();
  });

  it('abort during a call rethrows the signal reason and tries nothing more', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const runtime = scripted({
      'openai/gpt-4o-mini': [
        async (signal) => {
          controller.abort(reason);
          // What a transport does on abort: it fails, with something of its own.
          throw signal?.aborted === true ? fail('NETWORK') : new Error('signal not passed');
        },
      ],
    });
    await expect(runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks({ signal: controller.signal }))).rejects.toBe(reason);
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini']);
  });

  it('abort during a retry wait stops at once (the default sleep honours the signal)', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('RATE_LIMIT', 'openai', 60_000)] });
    const running = runLadder(runtime, REQUEST, LADDER, SETTINGS, { signal: controller.signal, onAttempt: () => queueMicrotask(() => controller.abort(reason)) });
    await expect(running).rejects.toBe(reason);
    expect(runtime.asked).toEqual(['openai/gpt-4o-mini']);
  });

  it('an already aborted signal calls nothing', async () => {
    const runtime = scripted({});
    await expect(runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks({ signal: AbortSignal.abort(new Error('before')) }))).rejects.toThrow('before');
    expect(runtime.asked).toEqual([]);
  });

  it('reports attempts and escalations through the hooks as they happen', async () => {
    const events: string[] = [];
    const runtime = scripted({ 'openai/gpt-4o-mini': [fail('AUTH')], 'anthropic/claude-haiku-4-5': [answer(MID)] });
    await runLadder(runtime, REQUEST, LADDER, SETTINGS, fakeHooks({ onAttempt: (attempt) => events.push(`attempt ${attempt.seq} ${attempt.outcome}`), onEscalation: (escalation) => events.push(`escalation ${escalation.seq} ${escalation.trigger}`) }));
    expect(events).toEqual(['attempt 1 failed', 'escalation 1 model_error', 'attempt 2 succeeded']);
  });

  it('an empty ladder is a ROUTING outcome; bad settings are a ConfigError', async () => {
    expect(await runLadder(scripted({}), REQUEST, [], SETTINGS)).toEqual({ response: null, error: { code: 'ROUTING', message: 'the escalation ladder is empty', provider: null, model: null }, attempts: [], escalations: [], finalModel: null });
    await expect(runLadder(scripted({}), REQUEST, LADDER, { ...SETTINGS, retryableFailuresBeforeEscalation: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(runLadder(scripted({}), REQUEST, LADDER, { ...SETTINGS, maxEscalations: -1 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('is deterministic under injected now, sleep and random', async () => {
    const run = () =>
      runLadder(scripted({ 'openai/gpt-4o-mini': [fail('SERVER'), fail('SERVER'), fail('SERVER')], 'anthropic/claude-haiku-4-5': [fail('CONTEXT_LENGTH_EXCEEDED', 'anthropic')], 'openai/gpt-4.1': [answer(BIG)] }), REQUEST, LADDER, SETTINGS, fakeHooks());
    expect(await run()).toEqual(await run());
  });
});
