import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  compileOutputSchema,
  effectivePolicy,
  type GatewayTracing,
  InvalidRequestError,
  LatencyTracker,
  MOCK_PROVIDER,
  type LadderAttempt,
  type LadderOutcome,
  type LadderStep,
  type Message,
  type ModelInfo,
  type ModelRef,
  type ProviderReadiness,
  type ProviderRequest,
  type ProviderResponse,
  type RouteDecision,
  RoutingError,
  bundledModelScores,
  routeModels,
  runLadder,
  scoreOf,
  withGenerateSpan,
} from '../../llm/index.js';
import { ApiError } from '../api-error.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { LlmDecisionStore, LlmEval, StoredLlmDecision } from '../store/llm-decision-store.js';
import type { LlmProviderEntry, LlmProviderSetup } from './llm-providers.js';
import type { EvalBody, GenerateBody, RouteTestBody } from './llm-request-schemas.js';
import type { LlmSettings } from './llm-settings.js';
import type { PolicyFile } from './policy-file.js';

/** The capability every gateway log line and span names. */
export const LLM_CAPABILITY = 'llm_gateway';

/** How a ladder's final failure is answered: the LLM runtime's code → HTTP status. */
export const LLM_FAILURE_STATUS: Readonly<Record<string, 422 | 429 | 502 | 503 | 504>> = {
  RATE_LIMIT: 429,
  AUTH: 502,
  INVALID_REQUEST: 422,
  NOT_FOUND: 502,
  CONTEXT_LENGTH_EXCEEDED: 422,
  CONTENT_FILTER: 422,
  OVERLOADED: 503,
  SERVER: 502,
  TIMEOUT: 504,
  NETWORK: 502,
  BAD_RESPONSE: 502,
  SCHEMA_MISMATCH: 502,
  ROUTING: 502,
  CONFIG: 502,
};

export interface LlmGatewayOptions {
  settings: LlmSettings;
  setup: LlmProviderSetup;
  policy: PolicyFile;
  decisions: LlmDecisionStore;
  /** The readiness layer's word on a provider: false (its latest validation failed) excludes it from routing. */
  readiness: (provider: string) => ProviderReadiness;
  logger: Logger;
  tracing: GatewayTracing;
  /** Tests: the ladder's waits and jitter. */
  ladderHooks?: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; random?: () => number };
}

/** What governance hooks into the gateway: the ramp's assignment and outcome record, the shadow's mirror. */
export interface LlmRolloutHooks {
  /** The provider that takes this request for `provider`'s model: itself, or its ramp's candidate. */
  assign(provider: string, workKey: string): string;
  record(provider: string, outcome: { ok: boolean; latencyMs: number; errorClass: string | null }): void;
  /** Called (not awaited) with every answered request and its answer. */
  mirror(request: ProviderRequest, response: ProviderResponse): void;
}

const refText = (ref: ModelRef | null | undefined) => (ref ? `${ref.provider}/${ref.model}` : null);

function messagesOf(body: { prompt?: string | undefined; messages?: Message[] | undefined }): Message[] {
  return body.messages ?? [{ role: 'user', content: [{ type: 'text', text: body.prompt ?? '' }] }];
}

/**
 * The LLM gateway: routes by the policy (src/llm/gateway), runs the escalation ladder on the
 * runtime, and writes every decision down (LlmDecisionStore). Routing sees the catalog's models of
 * the enabled providers (and, for a gateway with `discover`, what its /models lists), each
 * provider's readiness, and latencies measured from real calls and probes.
 */
export class LlmGateway {
  readonly latency = new LatencyTracker();
  private readonly scores = bundledModelScores();
  private routable: ModelInfo[];
  private generateCount = 0;
  private rollout: LlmRolloutHooks = { assign: (provider) => provider, record: () => {}, mirror: () => {} };

  constructor(private readonly options: LlmGatewayOptions) {
    this.routable = this.staticModels();
  }

  /** Governance's ramp and shadow (docs/governance.md): who takes a request, what its outcome was, the shadow's mirror. */
  attachRollout(hooks: LlmRolloutHooks): void {
    this.rollout = hooks;
  }

  /** One call through the runtime, once, no ladder (a shadow's comparison). */
  runOnce(request: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse> {
    return this.options.setup.runtime.run(request, { signal });
  }

  /** The enabled LLM providers (name, kind, key variable, base URL, probe model), for GET /providers. */
  get providerEntries(): readonly LlmProviderEntry[] {
    return this.options.setup.entries;
  }

  /** What an LLM provider's adapter can do (tools, vision, JSON schema, reasoning, vendor-reported cost, discovery). */
  adapterCapabilities(provider: string): Readonly<Record<string, boolean>> {
    return this.options.setup.runtime.adapterCapabilities(provider);
  }

  get providers(): string[] {
    return this.options.setup.entries.map((entry) => entry.name);
  }

  /** Seeds latencies from stored attempts, drops decisions past retention, and reads gateways' model lists (in the background). */
  async start(): Promise<void> {
    const interrupted = await this.options.decisions.failRunning({ error: { code: 'INTERRUPTED', message: 'the control plane stopped before the call ended' } });
    if (interrupted > 0) this.options.logger.warn('LLM decisions left running by a previous process marked failed', { capability: LLM_CAPABILITY, count: interrupted });
    const recent = await this.options.decisions.recentLatencies(5_000);
    for (const sample of recent.reverse()) if (sample.provider !== MOCK_PROVIDER) this.latency.record({ provider: sample.provider, model: sample.model }, sample.latencyMs);
    await this.prune();
    const discover = this.options.setup.entries.filter((entry) => entry.discover).map((entry) => entry.name);
    if (discover.length > 0) {
      void this.options.setup.runtime.discoverModels({ remote: true, providers: discover }).then(
        (result) => {
          const known = new Set(this.routable.map((model) => `${model.provider}/${model.model}`));
          const added = result.catalog.models.filter((model) => !known.has(`${model.provider}/${model.model}`));
          // A new array: routing's per-catalog caches key on it.
          this.routable = [...this.routable, ...added];
          for (const warning of result.warnings) this.options.logger.warn('LLM model discovery', { capability: LLM_CAPABILITY, warning: warning.message });
          this.options.logger.info('LLM models discovered', { capability: LLM_CAPABILITY, providers: discover, added: added.length });
        },
        (error: unknown) => this.options.logger.warn('LLM model discovery failed', { capability: LLM_CAPABILITY, error: String(error) }),
      );
    }
  }

  /** GET /llm/models: every routable model with its prices, limits, four scores and their sources, and its provider's readiness. */
  models() {
    const { policy } = this.options.policy.loaded;
    return {
      policyHash: this.options.policy.loaded.hash,
      weights: policy.weights,
      scoresAsOf: this.scores.asOf,
      models: this.routable.map((model) => {
        const ref = { provider: model.provider, model: model.model };
        const score = scoreOf(this.scores, ref);
        const latency = this.latency.estimate(ref, score.latencyMs);
        const prices = model.prices;
        return {
          provider: model.provider,
          model: model.model,
          displayName: model.displayName,
          contextWindow: model.contextWindow,
          maxOutputTokens: model.maxOutputTokens,
          capabilities: model.capabilities,
          prices,
          origin: model.origin,
          scores: {
            cost: { inputPerMillion: prices.inputPerMillion, outputPerMillion: prices.outputPerMillion, source: model.sources.prices?.source ?? 'unknown: the catalog has no price' },
            latency: { p50Ms: latency.ms, samples: latency.samples, source: latency.source },
            quality: score.quality,
            safety: score.safety,
          },
          readiness: this.options.readiness(model.provider),
        };
      }),
    };
  }

  /** POST /llm/route/test: the decision for a request, persisted (kind route_test); no model is called. */
  async routeTest(body: RouteTestBody) {
    const messages = messagesOf(body);
    const decision = this.route({ messages, ...(body.tools && { tools: body.tools }), ...(body.responseFormat && { responseFormat: body.responseFormat }), ...(body.maxOutputTokens !== undefined && { maxOutputTokens: body.maxOutputTokens }) }, body.tags ?? [], body.requirements);
    const id = newId('lrd');
    await this.options.decisions.insert({
      id,
      createdAt: new Date().toISOString(),
      kind: 'route_test',
      tags: [...(body.tags ?? [])].sort(),
      status: decision.chosen === null ? 'no_candidate' : 'routed',
      policyHash: decision.policyHash,
      chosen: decision.chosen,
      data: { rationale: decision, request: { tags: [...(body.tags ?? [])].sort(), requirements: body.requirements ?? null, messages: messages.length } },
    });
    this.options.logger.info('LLM route test', { capability: LLM_CAPABILITY, rationaleId: id, model: refText(decision.chosen), candidates: decision.candidates.length, excluded: decision.excluded.length });
    await this.pruneNow();
    return { decisionId: id, chosen: decision.chosen, rationale: decision };
  }

  /** POST /llm/policy/update: validated, then written atomically; answers the policy in force. */
  updatePolicy(input: unknown) {
    const loaded = this.options.policy.update(input);
    this.options.logger.info('LLM routing policy updated', { capability: LLM_CAPABILITY, policyHash: loaded.hash, path: loaded.path });
    return { policyHash: loaded.hash, path: loaded.path, policy: loaded.policy };
  }

  /** The policy in force. */
  policy() {
    const loaded = this.options.policy.loaded;
    return { policyHash: loaded.hash, path: loaded.path, source: loaded.source, policy: loaded.policy };
  }

  /**
   * POST /v1/llm/generate. Routed: the ladder starts at the routed model and escalates on evidence
   * (policy.escalation). Pinned (`model` given): that model alone, retried on retryable failures, never
   * escalated. The decision row is written before the first model call and completed after the last.
   */
  async generate(body: GenerateBody, signal?: AbortSignal, workKey?: string) {
    const messages = messagesOf(body);
    const { prompt: _prompt, messages: _messages, model: pinned, tags = [], requirements, ...settings } = body;
    const request: Omit<ProviderRequest, 'model'> = { ...settings, messages };
    if (request.responseFormat?.type === 'json_schema') {
      const compiled = compileOutputSchema(request.responseFormat.schema);
      if (!compiled.ok) throw new ApiError(422, 'VALIDATION_ERROR', `invalid body: responseFormat.schema: ${compiled.error}`, { issues: [{ path: 'responseFormat.schema', message: compiled.error }], field: 'responseFormat.schema' });
    }
    const loaded = this.options.policy.loaded;
    const effective = effectivePolicy(loaded.policy, tags);
    // A pinned model is not routed: its decision records the pin, not a rationale.
    const decision =
      pinned === undefined
        ? this.route(
            { messages, ...(request.tools && { tools: request.tools }), ...(request.responseFormat && { responseFormat: request.responseFormat }), ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }) },
            tags,
            requirements,
          )
        : null;
    const id = newId('lrd');
    // A ramp sends its share of requests to the candidate adapter of the same kind, by the request's key (or its id): the same model, another adapter.
    const rampKey = workKey ?? id;
    const ladder: ModelRef[] = (decision === null ? [this.resolvePinned(pinned ?? '')] : decision.ladder).map((ref) => {
      const provider = this.rollout.assign(ref.provider, rampKey);
      // Only when the candidate serves the model (its catalog, or what its /models listed).
      const served = provider !== ref.provider && (this.options.setup.runtime.model({ provider, model: ref.model }) !== undefined || this.routable.some((model) => model.provider === provider && model.model === ref.model));
      return served ? { provider, model: ref.model } : ref;
    });
    const createdAt = new Date().toISOString();
    const requestSummary = { tags: [...tags].sort(), requirements: requirements ?? null, pinned: pinned === undefined ? null : refText(ladder[0]), messages: messages.length, responseFormat: request.responseFormat?.type ?? 'text' };
    await this.options.decisions.insert({
      id,
      createdAt,
      kind: 'generate',
      tags: [...tags].sort(),
      status: ladder.length === 0 ? 'no_candidate' : 'running',
      policyHash: loaded.hash,
      chosen: ladder[0] ?? null,
      data: { rationale: decision, request: requestSummary },
    });
    if (ladder.length === 0) {
      this.options.logger.info('LLM generate', { capability: LLM_CAPABILITY, rationaleId: id, error_class: 'NO_ELIGIBLE_MODEL', attempts: 0 });
      throw new ApiError(422, 'NO_ELIGIBLE_MODEL', `no model is eligible for this request: ${decision?.excluded.length ?? 0} excluded (see the decision's rationale)`, { decisionId: id, excluded: decision?.excluded.length ?? 0 });
    }
    const steps: LadderStep[] = ladder.map((ref) => ({ ref, contextWindow: this.options.setup.runtime.model(ref)?.contextWindow ?? null }));
    const deadline = AbortSignal.timeout(this.options.settings.deadlineMs);
    const callSignal = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    const started = performance.now();
    const outcome: LadderOutcome = await withGenerateSpan(this.options.tracing.tracer, { capability: LLM_CAPABILITY, vendor: ladder[0]?.provider ?? '', model: refText(ladder[0]) ?? '', decisionId: id }, async (span) => {
      let result: LadderOutcome;
      try {
        result = await runLadder(
          this.options.setup.runtime,
          request,
          steps,
          {
            retryableFailuresBeforeEscalation: effective.escalation.retryableFailuresBeforeEscalation,
            maxEscalations: pinned === undefined ? effective.escalation.maxEscalations : 0,
            retryPolicy: { maxAttempts: effective.escalation.retryableFailuresBeforeEscalation, baseDelayMs: this.options.settings.retryBaseDelayMs, maxDelayMs: this.options.settings.retryMaxDelayMs, attemptTimeoutMs: this.options.settings.attemptTimeoutMs, deadlineMs: this.options.settings.deadlineMs },
          },
          { ...this.options.ladderHooks, signal: callSignal, onAttempt: (attempt) => this.onAttempt(attempt) },
        );
      } catch (error) {
        // The whole call's deadline (llm.deadlineMs, escalations included), the client going away, a bad request, or a bug.
        const timedOut = deadline.aborted && !(signal?.aborted ?? false);
        const code = error instanceof InvalidRequestError ? 'INVALID_REQUEST' : timedOut ? 'TIMEOUT' : signal?.aborted ? 'ABORTED' : 'INTERNAL';
        await this.options.decisions.complete(id, { status: 'failed', final: null, outcome: { error: { code, message: timedOut ? `the call passed llm.deadlineMs (${this.options.settings.deadlineMs} ms)` : String(error) } }, attempts: [], escalations: [] });
        this.options.logger.info('LLM generate', { capability: LLM_CAPABILITY, rationaleId: id, error_class: code, attempts: null });
        if (error instanceof InvalidRequestError) throw new ApiError(422, 'VALIDATION_ERROR', error.message, { decisionId: id });
        if (timedOut) throw new ApiError(504, 'LLM_TIMEOUT', `no answer within llm.deadlineMs (${this.options.settings.deadlineMs} ms), escalations included`, { decisionId: id });
        throw error;
      }
      const retries = result.attempts.filter((attempt) => attempt.retry).length;
      span.set({
        vendor: result.finalModel?.provider ?? '',
        model: refText(result.finalModel) ?? '',
        status: result.error === null ? 'succeeded' : 'failed',
        retries,
        escalations: result.escalations.length,
        ...(result.error !== null && { errorClass: result.error.code }),
      });
      return result;
    });
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const response = outcome.response;
    const succeeded = outcome.error === null && response !== null;
    const final = outcome.finalModel;
    const attempts = outcome.attempts.map((attempt) => ({ seq: attempt.seq, provider: attempt.provider, model: attempt.model, startedAt: attempt.startedAt, latencyMs: attempt.latencyMs, outcome: attempt.outcome, errorCode: attempt.errorCode, retry: attempt.retry }));
    const escalations = outcome.escalations.map((escalation) => ({ seq: escalation.seq, at: escalation.at, from: escalation.from, to: escalation.to, trigger: escalation.trigger, detail: escalation.detail }));
    const summary = {
      latencyMs,
      usage: response ? { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, totalTokens: response.usage.totalTokens } : null,
      cost: response?.cost ?? null,
      warnings: response?.warnings.map((warning) => warning.code) ?? [],
      error: outcome.error,
    };
    await this.options.decisions.complete(id, { status: succeeded ? 'succeeded' : 'failed', final, outcome: summary, attempts, escalations });
    this.options.logger.info('LLM generate', {
      capability: LLM_CAPABILITY,
      adapter: final?.provider ?? null,
      model: refText(final),
      latency_ms: latencyMs,
      attempts: attempts.length,
      escalations: escalations.length,
      error_class: outcome.error?.code ?? null,
      rationaleId: id,
    });
    await this.pruneNow();
    if (!succeeded) {
      const code = outcome.error?.code ?? 'SERVER';
      throw new ApiError((LLM_FAILURE_STATUS[code] ?? 502) as ContentfulStatusCode, `LLM_${code}`, outcome.error?.message ?? 'the model call failed', {
        decisionId: id,
        ...((outcome.error?.provider ?? final?.provider) && { provider: outcome.error?.provider ?? final?.provider }),
        ...((outcome.error?.model ?? final?.model) && { model: outcome.error?.model ?? final?.model }),
        attempts: attempts.length,
        escalations,
      });
    }
    if (final !== null) this.rollout.mirror({ ...request, model: final } as ProviderRequest, response);
    const { raw: _raw, ...answer } = response;
    return { ...answer, decisionId: id, attempts: attempts.length, escalations };
  }

  async decisions(query: { after?: string; tag?: string; model?: string; limit: number }) {
    const items = await this.options.decisions.list(query);
    const last = items.at(-1);
    return { items: items.map(decisionJson), nextAfter: items.length === query.limit && last ? last.id : null };
  }

  async decision(id: string) {
    const stored = await this.options.decisions.get(id);
    if (stored === null) throw new ApiError(404, 'DECISION_NOT_FOUND', `no LLM decision ${id}`);
    return { ...decisionJson(stored), attempts: stored.attempts, escalations: stored.escalations, evals: stored.evals.map(evalJson) };
  }

  async addEval(decisionId: string, body: EvalBody) {
    if (!(await this.options.decisions.exists(decisionId))) throw new ApiError(404, 'DECISION_NOT_FOUND', `no LLM decision ${decisionId}`);
    const evaluation: LlmEval = {
      id: newId('lev'),
      decisionId,
      createdAt: new Date().toISOString(),
      metric: body.metric,
      score: body.score,
      label: body.label ?? null,
      comment: body.comment ?? null,
      data: { ...(body.evaluator !== undefined && { evaluator: body.evaluator }), ...(body.runId !== undefined && { runId: body.runId }) },
    };
    await this.options.decisions.addEval(evaluation);
    this.options.logger.info('LLM decision evaluated', { capability: LLM_CAPABILITY, rationaleId: decisionId, metric: evaluation.metric, score: evaluation.score });
    return evalJson(evaluation);
  }

  /** A probe's or call's latency, into the rolling p50 routing reads. */
  recordLatency(ref: ModelRef, latencyMs: number): void {
    this.latency.record(ref, latencyMs);
  }

  async prune(): Promise<number> {
    return this.options.decisions.prune(new Date(Date.now() - this.options.settings.decisionRetentionMs).toISOString(), this.options.settings.decisionMaxRows);
  }

  private route(request: Parameters<typeof routeModels>[0]['request'], tags: readonly string[], requirements: RouteTestBody['requirements']): RouteDecision {
    return routeModels({
      models: this.routable,
      policy: this.options.policy.loaded.policy,
      tags,
      ...(requirements !== undefined && { requirements }),
      ...(request !== undefined && { request }),
      readiness: this.options.readiness,
      latency: (ref, table) => this.latency.estimate(ref, table),
      scores: this.scores,
    });
  }

  private resolvePinned(model: string | ModelRef): ModelRef {
    let ref: ModelRef;
    try {
      ref = typeof model === 'string' ? this.options.setup.runtime.resolveModel(model) : model;
    } catch (error) {
      if (error instanceof RoutingError) throw new ApiError(422, 'UNKNOWN_MODEL', error.message, { field: 'model' });
      throw error;
    }
    if (!this.providers.includes(ref.provider)) {
      throw new ApiError(422, 'PROVIDER_NOT_ENABLED', `LLM provider ${ref.provider} is not enabled (enabled: ${this.providers.join(', ')})`, { field: 'model', known: this.providers });
    }
    return ref;
  }

  /**
   * A successful call's latency into the rolling p50. Not the mock's: it answers in microseconds with
   * noise, and its table figure keeps the offline default's routing the same from call to call.
   */
  private onAttempt(attempt: LadderAttempt): void {
    this.rollout.record(attempt.provider, { ok: attempt.outcome === 'succeeded', latencyMs: attempt.latencyMs, errorClass: attempt.errorCode });
    if (attempt.outcome === 'succeeded' && attempt.provider !== MOCK_PROVIDER) this.latency.record({ provider: attempt.provider, model: attempt.model }, attempt.latencyMs);
  }

  /** Retention is enforced every 200 decisions, not on every write. */
  private async pruneNow(): Promise<void> {
    this.generateCount += 1;
    if (this.generateCount % 200 === 0) await this.prune();
  }

  private staticModels(): ModelInfo[] {
    const enabled = new Set(this.options.setup.entries.map((entry) => entry.name));
    return this.options.setup.runtime.catalog.models.filter((model) => enabled.has(model.provider));
  }
}

function decisionJson(decision: StoredLlmDecision) {
  return {
    id: decision.id,
    createdAt: decision.createdAt,
    kind: decision.kind,
    tags: decision.tags,
    status: decision.status,
    policyHash: decision.policyHash,
    chosen: decision.chosen,
    final: decision.final,
    rationale: decision.data.rationale ?? null,
    request: decision.data.request ?? null,
    outcome: decision.outcome,
  };
}

function evalJson(evaluation: LlmEval) {
  return { id: evaluation.id, decisionId: evaluation.decisionId, createdAt: evaluation.createdAt, metric: evaluation.metric, score: evaluation.score, label: evaluation.label, comment: evaluation.comment, ...evaluation.data };
}
