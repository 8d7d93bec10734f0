import type { AdapterContext, ProviderAdapter, TokenProvider, Transport } from '../core/adapter-contract.js';
import {
  DiscoveryOptionsSchema,
  type Message,
  type ModelCatalog,
  ModelCatalogSchema,
  type ModelInfo,
  type ModelRef,
  type ProviderCapabilities,
  type ProviderId,
  ProviderRequestSchema,
  type ProviderResponse,
} from '../core/canonical-types.js';
import { ConfigError, RoutingError } from '../core/runtime-errors.js';
import { bundledCatalog } from '../catalog/bundled-catalog.js';
import { exportCatalogJson } from '../catalog/catalog-export.js';
import { findModel, resolveModelProvider } from '../catalog/model-resolution.js';
import { type HandoffResult, normalizeHandoffMessages } from '../handoff/normalize-handoff-messages.js';
import { PriceRuleSchema } from '../pricing/price-rule.js';
import { PricingTable } from '../pricing/pricing-table.js';
import { AdapterRegistry, type DiscoveryResult } from '../registry/adapter-registry.js';
import { JsonTransport, type JsonTransportOptions } from '../transport/json-transport.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../transport/retry-policy.js';
import { InvalidRequestError, fieldPath } from './invalid-request-error.js';

/** The transport's injectable parts (tests and benchmarks: a fake fetch, clock, sleep, jitter). */
export type TransportHooks = Pick<JsonTransportOptions, 'fetch' | 'now' | 'sleep' | 'random' | 'onRetry'>;

export interface RunOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
}

interface RuntimeParts {
  registry: AdapterRegistry;
  token: TokenProvider;
  baseUrls: ReadonlyMap<ProviderId, string>;
  transports: ReadonlyMap<ProviderId, Transport>;
  pricing: PricingTable;
  catalog: ModelCatalog;
  now: () => number;
}

const noToken: TokenProvider = (provider) => {
  throw new ConfigError(`no token for provider ${provider}: give the runtime a TokenProvider with .token(...)`);
};

/**
 * The LLM runtime: one object that runs canonical requests on registered adapters and prices the
 * answers. Stateless between calls (no conversation, no cache of answers; its transports hold no
 * per-call state), no streaming, no tool loop: the caller owns the conversation.
 *
 * `run` validates the request at the boundary (InvalidRequestError naming the field), resolves the
 * adapter (RoutingError for an unknown provider), lets it run through its provider's JsonTransport
 * (the one retry policy), then prices the answer (the vendor's own cost wins, else the pricing
 * table: catalog prices and the operator's rules) and returns the canonical response with the
 * adapter's warnings and the pricing warnings.
 */
export class ProviderRuntime {
  private constructor(private readonly parts: RuntimeParts) {}

  static builder(): ProviderRuntimeBuilder {
    return new ProviderRuntimeBuilder((parts) => new ProviderRuntime(parts));
  }

  /** The catalog the runtime prices and resolves by (the bundled one unless the builder was given another). */
  get catalog(): ModelCatalog {
    return this.parts.catalog;
  }

  /** The registered provider ids, sorted. */
  /** What a registered provider's adapter can do at all (RoutingError for an unknown provider). */
  adapterCapabilities(provider: ProviderId): ProviderCapabilities {
    return this.parts.registry.resolve({ provider, model: '*' }).capabilities;
  }

  providers(): ProviderId[] {
    return this.parts.registry.providers();
  }

  async run(request: unknown, options: RunOptions = {}): Promise<ProviderResponse> {
    const parsed = ProviderRequestSchema.safeParse(request);
    if (!parsed.success) throw InvalidRequestError.fromZod(parsed.error);
    const canonical = parsed.data;
    const adapter = this.parts.registry.resolve(canonical.model);
    const response = await adapter.run(canonical, this.context(adapter.id, options.signal));
    const { cost, warnings } = this.parts.pricing.estimateCost(response.usage, response.model, { vendorCost: response.cost, responseModel: response.responseModel });
    return { ...response, cost, warnings: warnings.length === 0 ? response.warnings : [...response.warnings, ...warnings] };
  }

  /**
   * The catalog for the asked providers: the static one (no network) unless `remote` is set, then
   * merged with each adapter's /models (static wins, remote adds; a failing vendor is a warning).
   */
  async discoverModels(options: unknown = {}, runOptions: RunOptions = {}): Promise<DiscoveryResult> {
    const parsed = DiscoveryOptionsSchema.safeParse(options);
    if (!parsed.success) throw InvalidRequestError.fromZod(parsed.error);
    const asOf = new Date(this.parts.now()).toISOString().slice(0, 10);
    return this.parts.registry.discoverModels(this.parts.catalog, parsed.data, (provider) => this.context(provider, runOptions.signal), asOf);
  }

  /**
   * One provider's model list, straight from its adapter's `discoverModels` (the vendor's /models;
   * the mock's own list): unlike `discoverModels`, a failure is thrown (the adapter's ProviderError,
   * a ConfigError for a missing token), not turned into a warning. A RoutingError for a provider no
   * adapter serves.
   */
  async listModels(provider: ProviderId, options: RunOptions = {}): Promise<ModelInfo[]> {
    if (!this.parts.registry.has(provider)) {
      const known = this.parts.registry.providers();
      throw new RoutingError(`no adapter for provider ${provider}; registered: ${known.length > 0 ? known.join(', ') : 'none'}`);
    }
    const adapter = this.parts.registry.resolve({ provider, model: 'models' });
    return adapter.discoverModels(this.context(provider, options.signal));
  }

  /** The runtime's catalog (or the one given, e.g. a discovery result's) as deterministic JSON. */
  exportCatalogJson(catalog: ModelCatalog = this.parts.catalog): string {
    return exportCatalogJson(catalog);
  }

  /** `openai/gpt-4o`, `openrouter/anthropic/claude-sonnet-4`, or a bare id the catalog lists once. */
  resolveModel(id: string): ModelRef {
    return resolveModelProvider(id, this.parts.catalog, this.parts.registry.providers());
  }

  /** The catalog's entry for a model, if any. */
  model(ref: ModelRef): ModelInfo | undefined {
    return findModel(this.parts.catalog, ref);
  }

  /** A conversation made ready for `to` (handoff rules), with the target model's capabilities from the catalog. */
  handoff(messages: readonly Message[], from: ProviderId, to: ModelRef): HandoffResult {
    const targetModel = findModel(this.parts.catalog, to);
    return normalizeHandoffMessages(messages, from, to.provider, targetModel === undefined ? {} : { targetModel });
  }

  private context(provider: ProviderId, signal: AbortSignal | undefined): AdapterContext {
    const transport = this.parts.transports.get(provider);
    if (transport === undefined) throw new ConfigError(`no transport for provider ${provider}`);
    const baseUrl = this.parts.baseUrls.get(provider);
    return {
      transport,
      token: this.parts.token,
      now: this.parts.now,
      ...(signal !== undefined && { signal }),
      ...(baseUrl !== undefined && { baseUrl }),
    };
  }
}

const POLICY_FIELDS = Object.keys(DEFAULT_RETRY_POLICY) as (keyof RetryPolicy)[];

/**
 * Collects a runtime's parts; `build()` checks them together and throws ConfigError naming what is
 * wrong (no adapter, a base URL for a provider without an adapter or not http(s), a bad retry
 * policy, a bad pricing rule or catalog). Registering two adapters for one provider throws at once.
 */
export class ProviderRuntimeBuilder {
  private readonly registry = new AdapterRegistry();
  private readonly adapters: ProviderAdapter[] = [];
  private tokenProvider: TokenProvider = noToken;
  private readonly baseUrls = new Map<ProviderId, string>();
  private policy: Partial<RetryPolicy> = {};
  private rules: readonly unknown[] = [];
  private catalogValue: ModelCatalog | undefined;
  private hooks: TransportHooks = {};

  constructor(private readonly create: (parts: RuntimeParts) => ProviderRuntime) {}

  adapter(adapter: ProviderAdapter): this {
    this.registry.register(adapter);
    this.adapters.push(adapter);
    return this;
  }

  /** Where adapters get their credentials, per provider and per call (keys can rotate). */
  token(provider: TokenProvider): this {
    this.tokenProvider = provider;
    return this;
  }

  /** A provider's server root (an emulator, a proxy); each adapter's default otherwise. */
  baseUrl(provider: ProviderId, url: string): this {
    this.baseUrls.set(provider, url);
    return this;
  }

  /** The one retry policy, over DEFAULT_RETRY_POLICY (3 attempts, full jitter from 500 ms to 8 s, 60 s a try, 180 s a call). */
  retryPolicy(policy: Partial<RetryPolicy>): this {
    this.policy = { ...this.policy, ...policy };
    return this;
  }

  /** The operator's price rules (PriceRuleSchema), applied over the catalog's prices. */
  pricing(rules: readonly unknown[]): this {
    this.rules = rules;
    return this;
  }

  /** The catalog to resolve and price by (the bundled one by default), e.g. a discovery result. */
  catalog(catalog: ModelCatalog): this {
    this.catalogValue = catalog;
    return this;
  }

  /** Test and benchmark hooks for every provider's transport. */
  transportHooks(hooks: TransportHooks): this {
    this.hooks = { ...this.hooks, ...hooks };
    return this;
  }

  build(): ProviderRuntime {
    const providers = this.registry.providers();
    if (providers.length === 0) throw new ConfigError('a runtime needs at least one adapter: register one with .adapter(...)');
    for (const [provider, url] of this.baseUrls) {
      if (!this.registry.has(provider)) throw new ConfigError(`a base URL for provider ${provider}, which has no adapter (registered: ${providers.join(', ')})`);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ConfigError(`the base URL for ${provider} is not a URL: ${url}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`the base URL for ${provider} must be http(s): ${url}`);
    }
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...this.policy };
    for (const field of POLICY_FIELDS) {
      const value = policy[field];
      if (!Number.isInteger(value) || value < (field === 'baseDelayMs' ? 0 : 1)) throw new ConfigError(`retryPolicy.${field} must be a ${field === 'baseDelayMs' ? 'non-negative' : 'positive'} integer, not ${value}`);
    }
    if (policy.maxDelayMs < policy.baseDelayMs) throw new ConfigError('retryPolicy.maxDelayMs must be at least baseDelayMs');

    let catalog = bundledCatalog();
    if (this.catalogValue !== undefined) {
      const parsed = ModelCatalogSchema.safeParse(this.catalogValue);
      if (!parsed.success) throw new ConfigError(`the catalog is not a ModelCatalog: ${parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`).join('; ')}`);
      catalog = this.catalogValue;
    }
    const rules = this.rules.map((rule, index) => {
      const parsed = PriceRuleSchema.safeParse(rule);
      if (!parsed.success) throw new ConfigError(`pricing rule ${index}: ${parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`).join('; ')}`);
      return parsed.data;
    });
    const pricing = PricingTable.fromCatalog(catalog.models, rules);
    const now = this.hooks.now ?? Date.now;
    // A registry of its own: registering more adapters on this builder later does not reach the built runtime.
    const registry = new AdapterRegistry();
    for (const adapter of this.adapters) registry.register(adapter);
    const transports = new Map<ProviderId, Transport>(providers.map((provider) => [provider, new JsonTransport({ provider, policy, ...this.hooks })]));
    return this.create({ registry, token: this.tokenProvider, baseUrls: new Map(this.baseUrls), transports, pricing, catalog, now });
  }
}
