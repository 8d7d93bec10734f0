import type { AdapterContext, ProviderAdapter } from '../core/adapter-contract.js';
import type { DiscoveryOptions, ModelCatalog, ModelInfo, ModelRef, ProviderId, RuntimeWarning } from '../core/canonical-types.js';
import { ConfigError, RoutingError } from '../core/runtime-errors.js';
import { mergeRemoteModels } from '../catalog/catalog-merge.js';

export interface DiscoveryResult {
  catalog: ModelCatalog;
  /** A provider whose /models failed is left out of the merge, with a warning (never the whole discovery). */
  warnings: RuntimeWarning[];
}

/**
 * The adapters a runtime knows, by provider id. Registration refuses a second adapter for an id
 * (ConfigError); resolution refuses a provider nobody registered (RoutingError naming the known
 * ones). Holds adapters only: no per-call state.
 */
export class AdapterRegistry {
  private readonly adapters = new Map<ProviderId, ProviderAdapter>();

  register(adapter: ProviderAdapter): this {
    if (this.adapters.has(adapter.id)) throw new ConfigError(`an adapter for provider ${adapter.id} is already registered`);
    this.adapters.set(adapter.id, adapter);
    return this;
  }

  /** The registered provider ids, sorted. */
  providers(): ProviderId[] {
    return [...this.adapters.keys()].sort();
  }

  has(provider: ProviderId): boolean {
    return this.adapters.has(provider);
  }

  /** The adapter that serves a model reference. */
  resolve(ref: ModelRef): ProviderAdapter {
    return this.adapterFor(ref.provider, ` (model ${ref.model})`);
  }

  /**
   * The catalog for the asked providers (all registered ones by default): without `remote`, the
   * static catalog filtered, no network; with it, each adapter that can discover is asked for its
   * models (one at a time, in provider order) and the answers are merged into the static catalog
   * (catalog-merge.ts: static wins, remote adds). Asking for an unregistered provider is a RoutingError.
   */
  async discoverModels(catalog: ModelCatalog, options: DiscoveryOptions, contextFor: (provider: ProviderId) => AdapterContext, asOf: string): Promise<DiscoveryResult> {
    const asked = options.providers ?? this.providers();
    for (const provider of asked) this.adapterFor(provider, '');
    const wanted = new Set(asked);
    const selected: ModelCatalog = { models: catalog.models.filter((model) => wanted.has(model.provider)), sources: catalog.sources };
    if (!options.remote) return { catalog: selected, warnings: [] };
    const warnings: RuntimeWarning[] = [];
    const remote: ModelInfo[] = [];
    const answered: ProviderId[] = [];
    for (const provider of [...wanted].sort()) {
      const adapter = this.adapterFor(provider, '');
      if (!adapter.capabilities.discovery) {
        warnings.push({ code: 'discovery_unsupported', message: `${provider}: the adapter cannot list models; the static catalog only` });
        continue;
      }
      try {
        const models = await adapter.discoverModels(contextFor(provider));
        remote.push(...models.filter((model) => model.provider === provider));
        answered.push(provider);
      } catch (error) {
        warnings.push({ code: 'discovery_failed', message: `${provider}: listing models failed (${error instanceof Error ? error.message : String(error)}); the static catalog only` });
      }
    }
    return { catalog: mergeRemoteModels(selected, remote, { providers: answered, asOf }), warnings };
  }

  private adapterFor(provider: ProviderId, what: string): ProviderAdapter {
    const adapter = this.adapters.get(provider);
    if (adapter === undefined) {
      const known = this.providers();
      throw new RoutingError(`no adapter for provider ${provider}${what}; registered: ${known.length > 0 ? known.join(', ') : 'none'}`);
    }
    return adapter;
  }
}
