import { resolve } from 'node:path';
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
  /** Builds one enabled provider's registration from its validated section; ConfigError naming it when its factory throws. */
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
  const sections = new Map(config.providers.map((provider) => [provider.name, provider.config]));
  return {
    settings,
    names: config.providers.map((provider) => provider.name),
    build(name) {
      const factory = PROVIDER_FACTORIES[name];
      if (!factory || !sections.has(name)) throw new ConfigError(`unknown provider "${name}"`);
      try {
        return factory.create(sections.get(name), { dataDir: settings.dataDir, owner: settings.owner, env });
      } catch (error) {
        throw new ConfigError(`provider ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    endpoints(name) {
      const factory = PROVIDER_FACTORIES[name];
      if (!factory || !sections.has(name)) throw new ConfigError(`unknown provider "${name}"`);
      return factory.endpoints(sections.get(name), env);
    },
  };
}
