import { ApiError } from '../api-error.js';
import type { ControlPlaneSettings } from '../config.js';
import type { Logger } from '../logger.js';
import type { ProviderRegistry } from '../provider-registry.js';
import type { EscalationTrace, StoredValidation, ValidationRunRecord, ValidationStore } from '../store/validation-store.js';
import type { ReadinessProbeResult, ReadinessProbes } from '../../contracts/index.js';
import type { ProbeBudget } from '../../readiness/probe-budget.js';
import { type ProviderStatus, providerStatus } from '../../readiness/provider-status.js';
import { validateProvider, type ValidationSubject } from '../../readiness/provider-validator.js';
import { runIdAt } from '../../readiness/run-id.js';
import type { ValidationMode, ValidationTrigger } from '../../readiness/validation-result.js';
import type { ProviderReadiness } from '../../placement/offer-planner.js';

export type ReadinessSettings = ControlPlaneSettings['readiness'];

export interface ValidationRun {
  run: ValidationRunRecord;
  results: StoredValidation[];
}

/** What readiness validates besides the compute registry's providers. */
export interface ValidationExtras {
  /**
   * The LLM providers' probes, by provider name (`openai`, `anthropic`, `openrouter`, `mock`, a
   * gateway under its own name such as `litellm`): see control-plane/llm/llm-readiness-probes.ts.
   * A name the compute registry also has is the compute provider's (the LLM entry is ignored).
   */
  readonly llmProbes?: ReadonlyMap<string, ReadinessProbes<ReadinessProbeResult>>;
  /** The daily probe budget for probes that cost money; without it such probes are refused. */
  readonly budget?: ProbeBudget;
}

export interface ValidationStatus {
  required_providers: string[];
  summary: { ready: number; not_ready: number };
  providers: Omit<ProviderStatus, 'required'>[];
}

/**
 * Runs provider validations (the readiness layer's checks over the registry's probes and the LLM
 * providers' probes), stores them, answers each provider's status, and tells placement which
 * providers the latest run found broken. A name both the compute registry and the LLM probes have
 * is the compute provider's.
 */
export class ValidationService {
  /** The latest result per provider, for placement (loaded at start, kept current by every run). */
  private readonly latest = new Map<string, { passed: boolean; runId: string; errorClass: string | null; detail: string }>();

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly store: ValidationStore,
    private readonly settings: ReadinessSettings,
    private readonly owner: string,
    private readonly logger: Logger,
    private readonly extras: ValidationExtras = {},
  ) {}

  /** The providers that must be ready: the config's list, or every enabled compute provider and every LLM provider. */
  requiredProviders(): string[] {
    return [...(this.settings.requiredProviders ?? this.enabledProviders())].sort();
  }

  /** Every provider readiness knows: the enabled ones (compute and LLM) and the required ones. */
  knownProviders(): string[] {
    return [...new Set([...this.enabledProviders(), ...this.requiredProviders()])].sort();
  }

  /** Which kind a provider is: a compute provider of the registry, an LLM provider, or null for neither (e.g. required but not enabled). */
  providerKind(provider: string): 'compute' | 'llm' | null {
    if (this.registry.get(provider) !== undefined) return 'compute';
    if (this.extras.llmProbes?.has(provider)) return 'llm';
    return null;
  }

  async load(): Promise<void> {
    for (const provider of this.knownProviders()) {
      const [latest] = await this.store.history(provider, 1);
      if (latest) this.remember(latest);
    }
  }

  /** Validates the providers (all known by default) in `mode`, stores the run, answers it. Unknown names: 422 naming them. */
  async run(request: { providers?: readonly string[]; mode: ValidationMode; trigger: ValidationTrigger }): Promise<ValidationRun> {
    const known = this.knownProviders();
    const unknown = (request.providers ?? []).filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new ApiError(422, 'UNKNOWN_PROVIDER', `no enabled or required provider named ${unknown.join(', ')}`, { field: 'providers', unknown, known });
    }
    const providers = request.providers === undefined ? known : [...new Set(request.providers)].sort();
    const started = new Date();
    const run = await this.store.createRun((sequence) => runIdAt(started, sequence), { mode: request.mode, trigger: request.trigger, startedAt: started.toISOString() });
    // Each provider on its own clients and limiter, all at once: a slow vendor delays only its own row.
    const results = await Promise.all(
      providers.map(async (provider) => {
        const result = await validateProvider(this.subjectOf(provider), {
          runId: run.runId,
          mode: request.mode,
          owner: this.owner,
          ledger: this.store,
          retry: this.settings.retry,
          probeTimeoutMs: this.settings.probeTimeoutMs,
          ...(this.extras.budget !== undefined && { budget: this.extras.budget }),
        });
        await this.store.saveResult(run.runId, result, { ready: false, retryCount24h: 0, escalationCount24h: 0 });
        const status = await this.statusOf(provider);
        await this.store.saveDerived(run.runId, provider, { ready: status.ready, retryCount24h: status.retry_count_24h, escalationCount24h: status.escalation_count_24h });
        const stored: StoredValidation = { ...result, runId: run.runId, ready: status.ready, retryCount24h: status.retry_count_24h, escalationCount24h: status.escalation_count_24h };
        this.remember(stored);
        if (!result.passed) this.logger.warn('provider validation failed', { provider, runId: run.runId, mode: request.mode, errorClass: result.lastErrorClass });
        return stored;
      }),
    );
    const completedAt = new Date().toISOString();
    await this.store.completeRun(run.runId, completedAt);
    return { run: { ...run, completedAt }, results };
  }

  async statusOf(provider: string): Promise<ProviderStatus> {
    const inputs = await this.store.statusInputs(provider, this.requiredProviders().includes(provider), Date.now());
    return providerStatus(inputs, Date.now(), this.settings.executionProofTtlMs);
  }

  async status(): Promise<ValidationStatus> {
    const statuses = await Promise.all(this.knownProviders().map((provider) => this.statusOf(provider)));
    const ready = statuses.filter((status) => status.ready).length;
    return {
      required_providers: this.requiredProviders(),
      summary: { ready, not_ready: statuses.length - ready },
      providers: statuses.map(({ required: _required, ...status }) => status),
    };
  }

  runs(limit: number, before?: string): Promise<ValidationRun[]> {
    return this.store.runs(limit, before);
  }

  async runById(runId: string): Promise<ValidationRun | null> {
    return this.store.run(runId);
  }

  /** A provider's results, newest first. */
  history(provider: string, limit: number): Promise<StoredValidation[]> {
    return this.store.history(provider, limit);
  }

  /** The escalations away from the provider since `since`, newest first: placement's (linked to the placement) and the LLM gateway's (linked to its decision). */
  escalations(provider: string, since: string): Promise<EscalationTrace[]> {
    return this.store.escalations(provider, since);
  }

  /**
   * For placement: a provider whose latest validation failed is not ready, with the run that said so.
   * Null when nothing failed (never validated, or the latest run passed): heartbeats decide then.
   */
  placementBlock(provider: string): ProviderReadiness | null {
    const latest = this.latest.get(provider);
    if (latest === undefined || latest.passed) return null;
    return { ready: false, reason: `readiness run ${latest.runId} failed: ${latest.errorClass ?? 'UNKNOWN_ERROR'} (${latest.detail})` };
  }

  /** Whether the provider's latest validation passed; null when it was never validated (none stored). */
  lastPassed(provider: string): boolean | null {
    return this.latest.get(provider)?.passed ?? null;
  }

  private remember(result: StoredValidation): void {
    const failed = result.checks.find((check) => check.passed === false);
    this.latest.set(result.provider, { passed: result.passed, runId: result.runId, errorClass: result.lastErrorClass, detail: failed?.detail ?? '' });
  }

  /** The compute registry's names and the LLM providers', sorted, each once. */
  private enabledProviders(): string[] {
    return [...new Set([...this.registry.names(), ...(this.extras.llmProbes?.keys() ?? [])])].sort();
  }

  private subjectOf(provider: string): ValidationSubject {
    const entry = this.registry.get(provider);
    if (!entry) {
      const llm = this.extras.llmProbes?.get(provider);
      if (llm !== undefined) return { provider, probes: llm };
      return { provider, probes: null, absentReason: `${provider} is required but not enabled (no providers.${provider} section in the config)` };
    }
    if (entry.readiness === null) return { provider, probes: null, absentReason: `${provider} registers no readiness probes` };
    return { provider, probes: entry.readiness };
  }
}
