import type { ProviderRegistration } from '../../contracts/index.js';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import type { RegisteredProvider } from '../provider-registry.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- registrations of any provider, each projected to the generic types on register.
export type AnyRegistration = ProviderRegistration<any, any, any>;

/**
 * Reads the configuration again (the composition root's loader): the enabled provider names, and a
 * builder for each, so a reload builds only the providers it adds. Throws naming what is wrong.
 */
export type RegistrationLoader = () => {
  /** The enabled adapters. */
  names: readonly string[];
  /** Every configured adapter, enabled or not (a candidate), with its kind; absent = the enabled ones only. */
  adapters?: readonly { name: string; kind: string; enabled: boolean }[];
  build(name: string): AnyRegistration;
};

export interface ReloadAnswer {
  /** Registered and started (onStartup, heartbeats, catalog). */
  added: string[];
  /** Removed from the configuration while they own live instances: no new work, still reconciled until the instances are gone. */
  retiring: string[];
  /** Removed from the configuration and forgotten (no live instance), after their onShutdown. */
  removed: string[];
  /** Named again while retiring: they take new work again. */
  restored: string[];
  unchanged: string[];
}

export interface ReloadHooks {
  /** Starts a provider registered after start-up: binds its capacity signals and starts its heartbeats. */
  started(entry: RegisteredProvider): void;
}

/**
 * `POST /providers/reload`: the provider set re-read from the configuration and applied without a
 * restart. A configuration that does not load is a 400 naming the problem, and nothing changes. A
 * provider that stays keeps its running registration (its settings are not re-applied: restart for
 * that); a provider removed while it owns live instances keeps being reconciled, so they are never
 * orphaned, and is forgotten by `sweep` once its last one is gone.
 */
export class ProviderReload {
  private inFlight: Promise<ReloadAnswer> | null = null;

  constructor(
    private readonly ctx: ControlPlaneContext,
    private readonly load: RegistrationLoader,
    private readonly hooks: ReloadHooks,
  ) {}

  /** One reload at a time: a second request while one runs answers the same result. */
  reload(): Promise<ReloadAnswer> {
    this.inFlight ??= this.apply().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async apply(): Promise<ReloadAnswer> {
    const started = performance.now();
    const fail = (error: unknown) =>
      new ApiError(400, 'PROVIDERS_CONFIG_INVALID', `the provider configuration does not load, nothing changed: ${error instanceof Error ? error.message : String(error)}`);
    const { registry } = this.ctx;
    let plan: ReturnType<RegistrationLoader>;
    let fresh: AnyRegistration[];
    try {
      plan = this.load();
      // Every added provider is built before anything changes: one that cannot be built fails the whole reload.
      fresh = plan.names.filter((name) => registry.get(name) === undefined).map((name) => plan.build(name));
    } catch (error) {
      throw fail(error);
    }
    const next = new Set(plan.names);
    const answer: ReloadAnswer = { added: [], retiring: [], removed: [], restored: [], unchanged: [] };
    for (const registration of fresh) {
      try {
        answer.added.push((await this.start(registration)).name);
      } catch (error) {
        throw new ApiError(400, 'PROVIDERS_CONFIG_INVALID', `${error instanceof Error ? error.message : String(error)}${answer.added.length > 0 ? ` (added before it: ${answer.added.join(', ')})` : ''}`);
      }
    }
    for (const name of [...next].sort()) {
      if (answer.added.includes(name)) continue;
      if (registry.isRetiring(name)) {
        registry.unretire(name);
        answer.restored.push(name);
      } else {
        answer.unchanged.push(name);
      }
    }
    for (const name of registry.names()) {
      if (next.has(name) || registry.isRetiring(name)) continue;
      registry.retire(name);
      if (await this.forgetIfIdle(name)) answer.removed.push(name);
      else answer.retiring.push(name);
    }
    this.ctx.logger.info('providers reloaded', { capability: 'compute', ...answer, latency_ms: Math.round(performance.now() - started), attempts: 1, error_class: null });
    return answer;
  }

  /**
   * Builds and starts one configured adapter that is not registered (a rollout's candidate named under
   * `adapters` but not mapped under `capabilities.compute`). 422 UNKNOWN_ADAPTER when the configuration
   * does not name it; 400 when it does not build or start.
   */
  async addConfigured(name: string): Promise<RegisteredProvider> {
    const existing = this.ctx.registry.get(name);
    if (existing !== undefined) return existing;
    let registration: AnyRegistration;
    try {
      const plan = this.load();
      const configured = plan.adapters?.map((adapter) => adapter.name) ?? [...plan.names];
      if (!configured.includes(name)) throw new ApiError(422, 'UNKNOWN_ADAPTER', `no compute adapter named ${name} is configured (add it under adapters: in the providers file)`, { field: 'candidate', known: configured });
      registration = plan.build(name);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(400, 'PROVIDERS_CONFIG_INVALID', `the provider configuration does not load: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      return await this.start(registration);
    } catch (error) {
      throw new ApiError(400, 'PROVIDERS_CONFIG_INVALID', error instanceof Error ? error.message : String(error));
    }
  }

  /** Registers a built adapter and starts it (onStartup, heartbeats, its first catalog read); one that does not start is not kept. */
  private async start(registration: AnyRegistration): Promise<RegisteredProvider> {
    const { registry } = this.ctx;
    const entry = registry.register(registration);
    try {
      await entry.hooks.onStartup?.();
    } catch (error) {
      registry.remove(entry.name);
      throw new Error(`provider ${entry.name} did not start (${error instanceof Error ? error.message : String(error)}); it is not added`, { cause: error });
    }
    this.hooks.started(entry);
    void registry.refreshCatalog(entry).catch((error: unknown) => registry.onRefreshError(entry.name, error));
    return entry;
  }

  /** Forgets every retiring provider whose last live instance is gone (called after each reconcile). */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    for (const name of this.ctx.registry.names()) {
      if (this.ctx.registry.isRetiring(name) && (await this.forgetIfIdle(name))) removed.push(name);
    }
    return removed;
  }

  private async forgetIfIdle(name: string): Promise<boolean> {
    const open = await this.ctx.instances.openPage(name, undefined, 1);
    if (open.length > 0) return false;
    const entry = this.ctx.registry.remove(name);
    await entry?.hooks.onShutdown?.();
    this.ctx.logger.info('retired provider removed: no live instance left', { capability: 'compute', adapter: name });
    return true;
  }
}
