import { performance } from 'node:perf_hooks';
import { type HeartbeatTask, isProviderError } from '../../contracts/index.js';
import { type ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { policyFor } from './reconcile-policy.js';
import type { ReconcileReport } from './reconcile-report.js';
import type { Reconciler } from './reconciler.js';

export interface TaskHealth {
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  durationMs: number | null;
  ok: boolean | null;
  message: string | null;
  /** The taxonomy code of the last failure (AUTH_ERROR, RATE_LIMIT_ERROR, …), null when ok or unknown. */
  errorCode: string | null;
  consecutiveFailures: number;
  nextRunAt: string | null;
  /** The last reconcile's report (reconcile task only). */
  lastReport?: ReconcileReport;
}

export interface TaskOutcome {
  ok: boolean;
  message: string;
  errorCode?: string;
  retryAfterMs?: number;
  report?: ReconcileReport;
  /** Why the task could not run at all. */
  error?: ApiError;
}

function emptyHealth(): TaskHealth {
  return { lastStartedAt: null, lastFinishedAt: null, durationMs: null, ok: null, message: null, errorCode: null, consecutiveFailures: 0, nextRunAt: null };
}

/**
 * Runs every provider's heartbeat tasks on their own timers: `health_check` (the provider's hook)
 * and `reconcile` (the provider's hook, then a reconcile of the store against it). A failing task
 * backs off exponentially up to `maxBackoffMs`, and never sooner than a rate limit's Retry-After.
 */
export class HeartbeatScheduler {
  private readonly health = new Map<string, Record<HeartbeatTask, TaskHealth>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = true;
  /** Called after every reconcile task (governance forgets a retiring provider once its last instance is gone). */
  onReconciled: (entry: RegisteredProvider) => void = () => {};

  constructor(
    private readonly ctx: ControlPlaneContext,
    private readonly reconciler: Reconciler,
  ) {}

  start(): void {
    this.stopped = false;
    for (const entry of this.ctx.registry.all()) this.add(entry);
  }

  /** Starts the heartbeats of a provider registered after start (a reload added it); a no-op while stopped. */
  add(entry: RegisteredProvider): void {
    const policy = policyFor(this.ctx.reconcileSettings, entry.name);
    this.schedule(entry, 'health_check', 0, policy.healthCheckIntervalMs);
    this.schedule(entry, 'reconcile', 0, policy.reconcileIntervalMs);
  }

  /** Whether the scheduler is running (between start and stop). */
  get started(): boolean {
    return !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.running]);
  }

  /** Last heartbeat per task for one provider. */
  /**
   * Whether placement may use the provider: ready until its latest health check failed (a provider
   * not checked yet is given the benefit of the doubt; its catalog must still have been read).
   */
  readiness(provider: string): { ready: boolean; reason?: string } {
    const health = this.healthRecord(provider).health_check;
    if (health.ok === false) return { ready: false, reason: `its latest health check failed (${health.message})` };
    return { ready: true };
  }

  healthOf(provider: string): Record<HeartbeatTask, TaskHealth> {
    return this.healthRecord(provider);
  }

  /** Runs one task now and records it like a scheduled run. */
  async runTask(entry: RegisteredProvider, task: HeartbeatTask): Promise<TaskOutcome> {
    const health = this.healthRecord(entry.name)[task];
    const started = performance.now();
    health.lastStartedAt = new Date().toISOString();
    const outcome = await (task === 'reconcile' ? this.reconcile(entry) : this.healthCheck(entry));
    health.lastFinishedAt = new Date().toISOString();
    health.durationMs = Math.round(performance.now() - started);
    const first = health.ok === null;
    health.ok = outcome.ok;
    health.message = outcome.message;
    health.errorCode = outcome.ok ? null : (outcome.errorCode ?? null);
    health.consecutiveFailures = outcome.ok ? 0 : health.consecutiveFailures + 1;
    if (outcome.report) health.lastReport = outcome.report;
    if (task === 'reconcile') this.onReconciled(entry);
    if (first && task === 'health_check' && !outcome.ok && outcome.errorCode === 'AUTH_ERROR') {
      // One line an operator sees at start-up: the provider's credentials are refused (the key is never in it).
      this.ctx.logger.warn(`${entry.name}: credentials refused at start-up (AUTH_ERROR); every call to it will fail until they are fixed`, {
        provider: entry.name,
        errorCode: outcome.errorCode,
        detail: outcome.message,
      });
    } else if (!outcome.ok) {
      this.ctx.logger.warn('heartbeat failed', { provider: entry.name, task, detail: outcome.message, ...(outcome.errorCode !== undefined && { errorCode: outcome.errorCode }) });
    }
    return outcome;
  }

  private schedule(entry: RegisteredProvider, task: HeartbeatTask, delayMs: number, intervalMs: number): void {
    // A provider a reload removed (its last instance gone) has no more heartbeats.
    if (this.stopped || this.ctx.registry.get(entry.name) !== entry) return;
    this.healthRecord(entry.name)[task].nextRunAt = new Date(Date.now() + delayMs).toISOString();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = this.runTask(entry, task).then((outcome) => {
        const failures = this.healthRecord(entry.name)[task].consecutiveFailures;
        const policy = policyFor(this.ctx.reconcileSettings, entry.name);
        const backoff = outcome.ok ? intervalMs : Math.min(intervalMs * 2 ** failures, policy.maxBackoffMs);
        this.schedule(entry, task, Math.max(backoff, outcome.retryAfterMs ?? 0), intervalMs);
      });
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async reconcile(entry: RegisteredProvider): Promise<TaskOutcome> {
    try {
      const hook = await this.hook(entry, 'reconcile');
      const report = await this.reconciler.run(entry);
      const retryAfterMs = Math.max(0, ...report.errors.map((error) => error.retryAfterMs ?? 0));
      const ok = report.errors.length === 0 && hook.ok;
      const summary = `listed ${report.listed}, updated ${report.updated}, adopted ${report.adopted}, lost ${report.lost}, orphans collected ${report.orphansCollected}`;
      const message = [hook.message, summary, ...report.errors.map((error) => `${error.code}: ${error.message}`)].filter(Boolean).join('; ');
      return { ok, message, report, ...(retryAfterMs > 0 && { retryAfterMs }) };
    } catch (error) {
      return this.failure(entry, error);
    }
  }

  private async healthCheck(entry: RegisteredProvider): Promise<TaskOutcome> {
    try {
      const hook = await this.hook(entry, 'health_check');
      if (hook.checked) return { ok: hook.ok, message: hook.message, ...(hook.errorCode !== undefined && { errorCode: hook.errorCode }) };
      // Without a hook, reading the catalog is the cheapest call that proves the provider answers; it
      // is also the catalog placement ranks by (refreshed here, never on a request).
      const offerings = await callProvider(entry.name, 'instanceTypes', this.ctx.settings.providerTimeoutMs, () => this.ctx.registry.refreshCatalog(entry));
      return { ok: true, message: `catalog answers (${offerings.length} instance types)` };
    } catch (error) {
      return this.failure(entry, error);
    }
  }

  private async hook(entry: RegisteredProvider, task: HeartbeatTask): Promise<{ checked: boolean; ok: boolean; message: string; errorCode?: string }> {
    const onHeartbeat = entry.hooks.onHeartbeat;
    if (!onHeartbeat) return { checked: false, ok: true, message: '' };
    const result = await callProvider(entry.name, `onHeartbeat(${task})`, this.ctx.settings.providerTimeoutMs, () => onHeartbeat(task));
    return { checked: true, ok: result.ok, message: result.message ?? '', ...(!result.ok && result.errorCode !== undefined && { errorCode: result.errorCode }) };
  }

  private failure(entry: RegisteredProvider, error: unknown): TaskOutcome {
    const apiError = apiErrorFromProviderCall(error, entry.name);
    const retryAfterMs = isProviderError(error) ? error.retryAfterMs : undefined;
    return {
      ok: false,
      message: `${apiError.code}: ${apiError.message}`,
      error: apiError,
      ...(isProviderError(error) && { errorCode: error.code }),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  }

  private healthRecord(provider: string): Record<HeartbeatTask, TaskHealth> {
    let record = this.health.get(provider);
    if (!record) {
      record = { health_check: emptyHealth(), reconcile: emptyHealth() };
      this.health.set(provider, record);
    }
    return record;
  }
}
