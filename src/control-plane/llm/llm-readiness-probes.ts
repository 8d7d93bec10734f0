import { ProviderError as ComputeProviderError, ReadinessConfigError, type ReadinessConfigCheck, type ReadinessProbeOutcome, type ReadinessProbes } from '../../contracts/index.js';
import { closestAllowedEffort, ConfigError, InvalidRequestError, MOCK_PROVIDER, type ModelInfo, type ModelRef, openAiModelProfile, type ProviderRequest, type ProviderRuntime, RoutingError } from '../../llm/index.js';
import { formatUsd } from '../../readiness/probe-budget.js';

export interface LlmReadinessProbeOptions {
  /** The provider's name: the runtime's provider id (`openai`, `anthropic`, `openrouter`, `mock`, or a gateway's own name such as `litellm`). */
  readonly provider: string;
  /**
   * The runtime that serves it. Give it a one-try retry policy (`retryPolicy({maxAttempts: 1})`,
   * as the gateway's runtime has): the readiness layer then makes the retries, honours Retry-After
   * within its window and counts each try in the evidence; a runtime that retries on its own makes
   * every readiness try several vendor calls.
   */
  readonly runtime: ProviderRuntime;
  /** What is missing for the provider to be usable, by name (`OPENAI_API_KEY`), never a value. */
  readonly configured: () => { ok: boolean; missing: string[] };
  /** The model the execution probe calls: a small, cheap chat model of the provider. */
  readonly probeModel: ModelRef;
  /** The execution probe's output tokens (default 16; a reasoning model gets at least 64). */
  readonly maxOutputTokens?: number;
}

/** The prompt's tokens, about: one short user message and the chat template around it. */
const PROMPT_TOKENS = 16;
/** Room for a reasoning model to think a little and still answer. */
const REASONING_MIN_OUTPUT_TOKENS = 64;
/** A paid provider's model the catalog has no prices for still costs something: this much, at most, is assumed. */
export const UNPRICED_PROBE_COST_USD = 0.0001;
const PROMPT = 'Reply with the single word OK.';
/** Providers whose adapter is not the OpenAI one (every other name is OpenAI or an OpenAI-compatible gateway). */
const NOT_OPENAI_KIND = new Set(['anthropic', 'openrouter', MOCK_PROVIDER]);

/** How the execution probe calls the model, and the most that can cost. */
export interface ExecutionPlan {
  readonly request: ProviderRequest;
  readonly reasons: boolean;
  readonly estimateUsd: number;
}

/**
 * The execution probe's request and estimate. The model's figures are the catalog's (an
 * OpenAI-compatible gateway's model the catalog does not list under the gateway's name is looked up
 * as OpenAI's model of that id). A reasoning model (the catalog says so, or the OpenAI family rules
 * do, for the OpenAI kind and OpenRouter's `openai/…` models) gets at least 64 output tokens; on the
 * OpenAI kind also the lowest effort its family takes (`minimal` for gpt-5, `low` for the o-series
 * and gpt-5.x, none for o1-mini). Anthropic's thinking stays off (no reasoning setting is sent), so
 * its room is as asked. No temperature. The estimate is an upper bound: catalog
 * prices × (16 prompt tokens + the output tokens), the output priced at the dearer of the output and
 * reasoning prices; 0 for a free model; UNPRICED_PROBE_COST_USD for a paid provider's model without
 * prices (the mock's are free).
 */
export function planExecution(options: LlmReadinessProbeOptions): ExecutionPlan {
  const { provider, runtime, probeModel } = options;
  const openAiKind = !NOT_OPENAI_KIND.has(provider);
  const info: ModelInfo | undefined = runtime.model(probeModel) ?? (openAiKind && provider !== 'openai' ? runtime.model({ provider: 'openai', model: probeModel.model }) : undefined);
  // The OpenAI family rules know which models reason: an OpenAI-kind provider's models, and OpenRouter's `openai/…` ones.
  const openAiId = openAiKind ? probeModel.model : provider === 'openrouter' && probeModel.model.startsWith('openai/') ? probeModel.model.slice('openai/'.length) : null;
  const profile = openAiId === null ? null : openAiModelProfile(openAiId);
  const reasons = provider !== 'anthropic' && (info?.capabilities.reasoning === true || (profile !== null && profile.known && profile.reasoningEfforts !== null));
  const asked = options.maxOutputTokens ?? 16;
  const maxOutputTokens = reasons ? Math.max(asked, REASONING_MIN_OUTPUT_TOKENS) : asked;
  let effort: 'minimal' | 'low' | 'medium' | 'high' | undefined;
  if (reasons && openAiKind && profile !== null && profile.known && profile.reasoningEfforts !== null && profile.reasoningEfforts.length > 0) {
    effort = profile.reasoningEfforts.includes('minimal') ? 'minimal' : closestAllowedEffort('minimal', profile.reasoningEfforts);
  }
  const request: ProviderRequest = {
    model: probeModel,
    messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
    maxOutputTokens,
    ...(effort !== undefined && { reasoning: { effort } }),
  };
  return { request, reasons, estimateUsd: estimateCost(info, provider, maxOutputTokens) };
}

function estimateCost(info: ModelInfo | undefined, provider: string, maxOutputTokens: number): number {
  const input = info?.prices.inputPerMillion ?? null;
  const output = info?.prices.outputPerMillion ?? null;
  if (input === null || output === null) return provider === MOCK_PROVIDER ? 0 : UNPRICED_PROBE_COST_USD;
  const outputRate = Math.max(output, info?.prices.reasoningPerMillion ?? 0);
  return (input * PROMPT_TOKENS + outputRate * maxOutputTokens) / 1_000_000;
}

/**
 * A failure as the readiness layer classes it. The LLM runtime's ProviderError goes as it is: it
 * carries its compute class (`computeErrorClass`: AUTH → AUTH_ERROR, RATE_LIMIT → RATE_LIMIT_ERROR,
 * …), `retryable` and the vendor's Retry-After, which readiness reads (src/readiness/error-class.ts).
 * A runtime set up wrong (no key, no adapter for the provider) is CONFIG_MISSING, naming what is
 * missing; a request the runtime refused before sending is INVALID_SPEC. Anything else (an abort at
 * the deadline, an unknown failure) goes as it is.
 */
function asReadinessFailure(error: unknown, provider: string, missing: () => string[]): unknown {
  if (error instanceof ConfigError || error instanceof RoutingError) return new ReadinessConfigError(error.message, missing());
  if (error instanceof InvalidRequestError) return new ComputeProviderError({ code: 'INVALID_SPEC', provider, message: error.message });
  return error;
}

/**
 * The readiness probes of one LLM provider (docs/readiness.md, "LLM providers and the probe budget"):
 * - configured: `options.configured()` (names, never values);
 * - auth: `GET /models` through the runtime (`listModels`), free;
 * - execution: the smallest real completion (`Reply with the single word OK.`), which costs a
 *   fraction of a cent and so runs only within the daily probe budget. It passes when the call
 *   succeeds, even with finish `length` or no text (said in the detail): the call path works, which
 *   is what readiness proves; a health check that wants text from a reasoning model with a few output
 *   tokens fails there (LiteLLM's health-check trap). It reports its actual cost (the runtime's
 *   priced answer, else the estimate) and its token usage.
 */
export function createLlmReadinessProbes(options: LlmReadinessProbeOptions): ReadinessProbes<ReadinessProbeOutcome> {
  const { provider, runtime } = options;
  const missing = () => [...options.configured().missing];
  const plan = planExecution(options);
  const maxOutputTokens = plan.request.maxOutputTokens ?? 16;
  const modelName = `${plan.request.model.provider}/${plan.request.model.model}`;

  return {
    configured(): ReadinessConfigCheck {
      const answer = options.configured();
      return { ok: answer.ok, missing: [...answer.missing] };
    },

    auth: {
      description: 'GET /models',
      costUsd: 0,
      async run({ signal }) {
        try {
          const models = await runtime.listModels(provider, signal === undefined ? {} : { signal });
          return { detail: `${models.length} models`, costUsd: 0 };
        } catch (error) {
          throw asReadinessFailure(error, provider, missing);
        }
      },
    },

    execution: {
      description: `a ${maxOutputTokens}-token completion of ${modelName}${plan.request.reasoning?.effort !== undefined ? ` (reasoning effort ${plan.request.reasoning.effort})` : ''}`,
      costUsd: plan.estimateUsd,
      async run({ signal }) {
        const response = await runtime.run(plan.request, signal === undefined ? {} : { signal }).catch((error: unknown) => {
          throw asReadinessFailure(error, provider, missing);
        });
        const text = response.output.content
          .flatMap((part) => (part.type === 'text' ? [part.text] : []))
          .join('')
          .trim();
        const finish = response.finishReason.unified;
        const { inputTokens, outputTokens, reasoningTokens } = response.usage;
        const actual = response.cost?.total ?? null;
        const costUsd = actual ?? plan.estimateUsd;
        const tokens = `${inputTokens ?? '?'} in, ${outputTokens ?? '?'} out${reasoningTokens ? ` (${reasoningTokens} reasoning)` : ''} tokens`;
        const cost = actual === null ? `cost unknown, counted as its estimate ${formatUsd(plan.estimateUsd)}` : formatUsd(actual);
        const said = text === '' ? 'answered with no text' : `answered ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
        let detail = `${said} (finish ${finish}; ${tokens}; ${cost})`;
        if (text === '') {
          // A reasoning model can spend every output token thinking: the call works, the answer is empty.
          const why = finish === 'length' ? `the model spent its ${maxOutputTokens} output tokens before answering${plan.reasons ? ' (a reasoning model thinks first)' : ''}` : 'the model gave no text';
          detail += `; the call works, which is what readiness proves, but ${why}: a health check that wants text would fail here (LiteLLM's trap with reasoning models)`;
        } else if (finish === 'length') {
          detail += `; cut at ${maxOutputTokens} output tokens, as asked: the call works`;
        }
        return { detail, costUsd, usage: { inputTokens, outputTokens, reasoningTokens } };
      },
    },
  };
}
