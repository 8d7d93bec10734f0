import { join, resolve } from 'node:path';
import type { ProviderRegistration } from './contracts/index.js';
import { ConfigError, type ControlPlaneSettings, loadConfig } from './control-plane/config.js';
import { PROVIDER_FACTORIES, providerConfigSchemas } from './provider-factories.js';

export interface LoadedRegistrations {
  /** The control plane's settings, `dataDir` made absolute. */
  settings: ControlPlaneSettings;
  /** One registration per enabled provider, from its factory. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each factory returns its own enhanced registration; the registry projects it.
  registrations: ProviderRegistration<any, any, any>[];
  /** Where each enabled provider's calls go (its factory's `endpoints`), by name. */
  endpoints: Record<string, string[]>;
}

/**
 * What `src/main.ts` and `src/readiness-cli.ts` both start from: `loadConfig` over the environment
 * (`HANGAR_CONFIG` and the variable overrides), then each enabled provider's factory. Every failure is a
 * `ConfigError` naming what is wrong: a bad key, `HANGAR_CHAOS` without orbstack, an unknown provider,
 * or a factory that throws (`provider <name>: <message>`, e.g. a missing API key).
 */
export function loadRegistrations(env: NodeJS.ProcessEnv): LoadedRegistrations {
  const plan = loadProviderPlan(env);
  return {
    settings: plan.settings,
    registrations: plan.names.map((name) => plan.build(name)),
    endpoints: Object.fromEntries(plan.names.map((name) => [name, plan.endpoints(name)])),
  };
}

export interface ProviderPlan {
  settings: ControlPlaneSettings;
  /** The enabled providers, in configuration order. */
  names: string[];
  /** Every configured adapter, enabled or not (a candidate configured under `adapters` only), with its kind. */
  adapters: { name: string; kind: string; enabled: boolean }[];
  /**
   * Builds one configured adapter's registration from its validated section (enabled or not: a shadow
   * run builds its candidate on demand); ConfigError naming it when its factory throws. An adapter named
   * otherwise than its kind keeps the provider's local state apart, in `<dataDir>/adapters/<name>/`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each factory returns its own enhanced registration; the registry projects it.
  build(name: string): ProviderRegistration<any, any, any>;
  /** The URLs one enabled provider's calls go to, from its section and the environment. */
  endpoints(name: string): string[];
}

/**
 * The configuration validated, and a builder per enabled provider, without building any: a reload
 * builds only the providers it adds (building one again would open a second driver over the running
 * one's state, e.g. OrbStack's journal).
 */
export function loadProviderPlan(env: NodeJS.ProcessEnv): ProviderPlan {
  const config = loadConfig(env, providerConfigSchemas());
  if (env.HANGAR_CHAOS && !config.providers.some((provider) => provider.name === 'orbstack')) {
    throw new ConfigError('HANGAR_CHAOS is set, but only the orbstack provider has a chaos engine and it is not enabled');
  }
  const settings = { ...config.settings, dataDir: resolve(config.settings.dataDir) };
  const adapters = new Map(config.adapters.map((adapter) => [adapter.name, adapter]));
  const enabled = new Set(config.providers.map((provider) => provider.name));
  const resolveAdapter = (name: string) => {
    const adapter = adapters.get(name);
    const factory = adapter === undefined ? undefined : PROVIDER_FACTORIES[adapter.kind];
    if (adapter === undefined || factory === undefined) throw new ConfigError(`unknown provider "${name}"`);
    return { adapter, factory };
  };
  return {
    settings,
    names: config.providers.map((provider) => provider.name),
    adapters: config.adapters.map((adapter) => ({ name: adapter.name, kind: adapter.kind, enabled: enabled.has(adapter.name) })),
    build(name) {
      const { adapter, factory } = resolveAdapter(name);
      const renamed = adapter.kind !== name;
      try {
        const registration = factory.create(adapter.config, { dataDir: renamed ? join(settings.dataDir, 'adapters', name) : settings.dataDir, owner: settings.owner, env });
        return renamed ? { ...registration, name } : registration;
      } catch (error) {
        throw new ConfigError(`provider ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    endpoints(name) {
      const { adapter, factory } = resolveAdapter(name);
      return factory.endpoints(adapter.config, env);
    },
  };
}
