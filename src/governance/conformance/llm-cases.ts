import { InvalidRequestError, LLM_ERROR_CODES, ProviderError as LlmProviderError, ProviderResponseSchema, type ProviderResponse } from '../../llm/index.js';
import { assertEqual, assertInstanceOf, assertOk, assertRejects, describeValue } from './conformance-assert.js';
import type { ConformanceCase } from './conformance-case.js';
import type { LlmCaseContext } from './llm-target.js';

export type LlmCase = ConformanceCase<LlmCaseContext>;

/** The LLM codes a retry may help (the runtime's taxonomy, stated here so the kit checks it rather than copies it). */
const TRANSIENT_LLM_CODES: ReadonlySet<string> = new Set(['RATE_LIMIT', 'OVERLOADED', 'SERVER', 'TIMEOUT', 'NETWORK']);

/** How long a call whose caller already gave up may take to reject. */
const ABORT_BOUND_MS = 2_000;

const textOf = (answer: ProviderResponse) =>
  answer.output.content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('')
    .trim();

/** An LLM ProviderError of this adapter whose `retryable` is what its code says. */
function assertLlmTaxonomy(error: unknown, provider: string, what: string): asserts error is LlmProviderError {
  assertInstanceOf(error, LlmProviderError, what);
  assertOk((LLM_ERROR_CODES as readonly string[]).includes(error.code), `${what}: ${error.code} is not an LLM error code`);
  assertEqual(error.retryable, TRANSIENT_LLM_CODES.has(error.code), `${what}: retryable of ${error.code}`);
  assertEqual(error.provider, provider, `${what}: provider`);
}

/** The one list of LLM adapter cases, in report order. */
export const LLM_CASES: readonly LlmCase[] = [
  {
    id: 'completion-text-usage',
    title: 'a minimal completion answers with text and usage',
    async run(ctx) {
      const answer = await ctx.runtime.run(ctx.request('Reply with the single word: ok'));
      assertOk(ProviderResponseSchema.safeParse(answer).success, `the answer does not match the canonical response: ${describeValue(answer)}`);
      assertEqual(answer.model.provider, ctx.subject.provider, 'the answer’s provider');
      assertOk(textOf(answer).length > 0, `the answer holds no text: ${describeValue(answer.output)}`);
      assertOk(typeof answer.usage.inputTokens === 'number' && answer.usage.inputTokens > 0, `usage.inputTokens: expected a positive count, got ${describeValue(answer.usage.inputTokens)}`);
      assertOk(typeof answer.usage.outputTokens === 'number' && answer.usage.outputTokens > 0, `usage.outputTokens: expected a positive count, got ${describeValue(answer.usage.outputTokens)}`);
    },
  },
  {
    id: 'stateless-repeat',
    title: 'a repeated identical request is independent: nothing of the first call is carried into the second',
    async run(ctx) {
      const request = ctx.request('Reply with the single word: again');
      const first = await ctx.runtime.run(request);
      const second = await ctx.runtime.run(request);
      assertOk(textOf(first).length > 0 && textOf(second).length > 0, 'a repeated request answered no text');
      // A runtime that kept the conversation would send the first turn again: the prompt would grow.
      assertEqual(second.usage.inputTokens, first.usage.inputTokens, 'usage.inputTokens of the repeated request');
    },
  },
  {
    id: 'invalid-request-refused',
    title: 'an invalid request is refused before any vendor call (InvalidRequestError)',
    async run(ctx) {
      const before = ctx.subject.vendorCalls?.() ?? null;
      const invalid: [string, Record<string, unknown>][] = [
        ['no messages', ctx.request('x', { messages: [] })],
        ['a message of an unknown role', ctx.request('x', { messages: [{ role: 'robot', content: [{ type: 'text', text: 'beep' }] }] })],
        ['negative maxOutputTokens', ctx.request('x', { maxOutputTokens: -1 })],
      ];
      for (const [what, request] of invalid) {
        const error = await assertRejects(() => ctx.runtime.run(request), what);
        assertInstanceOf(error, InvalidRequestError, what);
        assertEqual(error.code, 'INVALID_REQUEST', `${what}: code`);
        assertEqual(error.retryable, false, `${what}: retryable`);
      }
      if (before !== null) assertEqual(ctx.subject.vendorCalls?.(), before, 'vendor calls made for invalid requests');
    },
  },
  {
    id: 'error-taxonomy',
    title: 'a failure is an LLM ProviderError whose retryable matches its code: an unknown model, and injected transient and permanent failures when the adapter takes them',
    async run(ctx) {
      const unknown = await assertRejects(() => ctx.runtime.run(ctx.request('hello', { model: { provider: ctx.subject.provider, model: 'conformance-no-such-model' } })), 'a call of an unknown model');
      assertLlmTaxonomy(unknown, ctx.subject.provider, 'a call of an unknown model');
      assertEqual(TRANSIENT_LLM_CODES.has(unknown.code), false, `an unknown model is a permanent failure, not ${unknown.code}`);
      const failWith = ctx.subject.failWith;
      if (failWith === undefined) return;
      for (const [code, transient] of [
        ['OVERLOADED', true],
        ['RATE_LIMIT', true],
        ['AUTH', false],
        ['CONTENT_FILTER', false],
      ] as const) {
        const error = await assertRejects(() => ctx.runtime.run(ctx.request('hello', { providerOptions: failWith(code) })), `an injected ${code}`);
        assertLlmTaxonomy(error, ctx.subject.provider, `an injected ${code}`);
        assertEqual(error.code, code, `an injected ${code}: code`);
        assertEqual(error.retryable, transient, `an injected ${code}: retryable`);
      }
    },
  },
  {
    id: 'bounded-time',
    title: 'a call whose caller gave up rejects at once without reaching the vendor; every call answers within the per-call deadline',
    async run(ctx) {
      const before = ctx.subject.vendorCalls?.() ?? null;
      const gaveUp = new AbortController();
      gaveUp.abort(new Error('conformance: the caller gave up before the call'));
      const startedAt = Date.now();
      await assertRejects(() => ctx.runtime.run(ctx.request('hello'), { signal: gaveUp.signal }), 'a call with an aborted signal');
      const took = Date.now() - startedAt;
      assertOk(took < ABORT_BOUND_MS, `the aborted call took ${took} ms to reject (bound ${ABORT_BOUND_MS} ms)`);
      if (before !== null) assertEqual(ctx.subject.vendorCalls?.(), before, 'vendor calls made for an aborted call');
    },
  },
  {
    id: 'discovery-lists-models',
    title: 'discovery lists the adapter’s models',
    async run(ctx) {
      if (ctx.subject.discovery === false) ctx.skip('the adapter does not list its models');
      const models = await ctx.runtime.listModels(ctx.subject.provider);
      assertOk(models.length > 0, 'the adapter listed no model');
      for (const model of models) {
        assertEqual(model.provider, ctx.subject.provider, `provider of ${model.model}`);
        assertOk(typeof model.model === 'string' && model.model.length > 0, `a listed model has no id: ${describeValue(model)}`);
      }
    },
  },
];

export const LLM_CASE_IDS: readonly string[] = LLM_CASES.map((llmCase) => llmCase.id);
