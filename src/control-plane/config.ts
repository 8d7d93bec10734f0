import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LOG_LEVELS } from './logger.js';
import { LlmSettingsSchema } from './llm/llm-settings.js';
import { GovernanceSettingsSchema } from './governance/governance-settings.js';
import { ReconcileSettingsSchema } from './reconcile/reconcile-policy.js';

/** The control plane's own settings (everything but the provider sections). */
export const ControlPlaneSettingsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    /** Every file Hangar writes lives under this folder. */
    dataDir: z.string().min(1).default('./data'),
    /** The ownership marker's value: this control plane's identity on every machine it creates. */
    owner: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'owner is 1-32 lowercase letters, digits and hyphens')
      .default('hangar'),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    providerTimeoutMs: z.number().int().positive().default(30_000),
    /** On SIGTERM/SIGINT: how long in-flight requests may run on after the listener closes. */
    shutdownTimeoutMs: z.number().int().nonnegative().default(10_000),
    /** Between `: keep-alive` comments on an idle event stream (GET /v1/events/stream). */
    sseKeepAliveMs: z.number().int().positive().default(15_000),
    /** Heartbeats and reconciliation: defaults for every provider, and `providers.<name>` overrides. */
    reconcile: ReconcileSettingsSchema,
    /** Placement by requirements: the failover chain's defaults and the capacity-error cache. */
    placement: z
      .object({
        attemptTimeoutMs: z.number().int().positive().default(60_000),
        chainTimeoutMs: z.number().int().positive().default(300_000),
        maxAttempts: z.number().int().min(1).max(50).default(8),
        spotFailuresBeforeOnDemand: z.number().int().min(0).max(50).default(2),
        maxAttemptsPerProvider: z.number().int().min(1).max(50).default(3),
        /** Finished placements (the evidence of GET /v1/instances/:id/placement) are kept this long. */
        retentionMs: z.number().int().positive().default(7 * 24 * 3_600_000),
        capacityErrors: z
          .object({
            ttlMs: z.number().int().positive().default(180_000),
            quotaTtlMs: z.number().int().positive().default(1_800_000),
            retentionMs: z.number().int().positive().default(3_600_000),
            providers: z.record(z.string(), z.object({ ttlMs: z.number().int().positive().optional(), quotaTtlMs: z.number().int().positive().optional() }).strict()).default({}),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Provider readiness (docs/readiness.md): which providers must be ready, and when validation runs. */
    readiness: z
      .object({
        /** The providers that must be ready; default every enabled provider. One not enabled is never ready (CONFIG_MISSING). */
        requiredProviders: z.array(z.string().min(1)).optional(),
        /** The run at start-up. */
        onStart: z.enum(['quick', 'full', 'none']).default('quick'),
        /** Between scheduled quick runs (configured + auth); 0: none. */
        quickIntervalMs: z.number().int().nonnegative().default(15 * 60_000),
        /** Between scheduled full runs (every check); 0: none. */
        fullIntervalMs: z.number().int().nonnegative().default(6 * 3_600_000),
        /** The first full run, this long after start-up (so a fresh start proves the execution path soon, not in 6 hours). */
        firstFullDelayMs: z.number().int().nonnegative().default(60_000),
        /** The deadline of one probe try. */
        probeTimeoutMs: z.number().int().positive().default(20_000),
        /** Transient failures are tried again within a short window before they count. */
        retry: z
          .object({
            attempts: z.number().int().min(1).max(10).default(3),
            windowMs: z.number().int().nonnegative().default(10_000),
            minDelayMs: z.number().int().nonnegative().default(250),
          })
          .strict()
          .prefault({}),
        /** A full run proves the execution path for this long; past it the provider is not ready until the next full run. */
        executionProofTtlMs: z.number().int().positive().default(24 * 3_600_000),
        /** Runs, results and usage events older than this are dropped (at start-up and after each scheduled run). */
        retentionMs: z.number().int().positive().default(30 * 24 * 3_600_000),
      })
      .strict()
      .prefault({}),
    /** The fresh-instance follower: provider gets for provisioning / terminating rows between reconciles. */
    follow: z
      .object({
        enabled: z.boolean().default(true),
        /** Its tick, and the first wait before a fresh row is read again. */
        intervalMs: z.number().int().positive().default(250),
        /** The longest wait between two reads of one row (the wait grows with the row's age). */
        maxIntervalMs: z.number().int().positive().default(5_000),
        /** Provider gets in flight at once, per provider. */
        concurrency: z.number().int().min(1).max(256).default(16),
      })
      .strict()
      .prefault({}),
    /** The LLM gateway (docs/llm-gateway.md): providers, the policy file, probe budget, decisions. */
    llm: LlmSettingsSchema.prefault({}),
    /** Shadow runs' budget caps and the ramp's rollback SLO (docs/governance.md). */
    governance: GovernanceSettingsSchema,
  })
  .strict();

export type ControlPlaneSettings = z.infer<typeof ControlPlaneSettingsSchema>;

export interface EnabledProviderConfig {
  /** The adapter's name: what the API, the store and the placement chain call it. */
  name: string;
  /** The provider kind that builds it (a factory's name): the name itself unless the section says `kind`. */
  kind: string;
  /** The provider's section, validated by its kind's schema. */
  config: unknown;
}

export interface HangarConfig {
  settings: ControlPlaneSettings;
  /** The enabled adapters, in configuration order. */
  providers: EnabledProviderConfig[];
  /**
   * Every adapter a section configures, enabled or not (a candidate named under `adapters` but not
   * mapped under `capabilities.compute`): shadow runs build one on demand, and an adapter that still
   * owns live instances is reconciled whether it is enabled or not.
   */
  adapters: EnabledProviderConfig[];
}

/** An adapter's name: lower-case letters, digits and dashes (`runpod-next`), as provider kinds are. */
export const ADAPTER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

/** What the loader needs to know of each provider Hangar can run: how to validate its section. */
export type ProviderConfigSchemas = Readonly<Record<string, z.ZodType>>;

export const DEFAULT_PROVIDERS = ['orbstack'];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function describeIssues(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      return keys
        .map((path) => `${[prefix, ...path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
    })
    .join('; ');
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is neither valid YAML nor JSON: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`config file ${path} must hold a mapping of keys`);
  return parsed as Record<string, unknown>;
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number)) throw new ConfigError(`${name}: expected a whole number, got "${value}"`);
  return number;
}

/**
 * Config file (`HANGAR_CONFIG`, YAML or JSON) first, then environment overrides (`PORT`, `HOST`,
 * `HANGAR_DATA_DIR`, `HANGAR_OWNER`, `HANGAR_LOG_LEVEL`, `HANGAR_PROVIDERS`, the providers file
 * `PROVIDERS_CONFIG_PATH` (see applyProvidersFile), and for the LLM gateway
 * `MODELS_POLICY_PATH` and `OTEL_EXPORTER_OTLP_ENDPOINT`). With nothing
 * configured the OrbStack local provider is enabled. Any bad key stops start-up with its name.
 */
/**
 * The providers file (`PROVIDERS_CONFIG_PATH`): `adapters` (each compute adapter's settings, by name;
 * `kind` names the provider that builds it, the name itself when absent, so `runpod` and a candidate
 * `runpod-next: {kind: runpod}` may sit side by side) and `capabilities` (`compute`: the
 * enabled compute providers in order; `llm_gateway`: the enabled LLM providers, a name or a list). It
 * replaces the `providers` section of HANGAR_CONFIG, and `capabilities.llm_gateway` selects among
 * `llm.providers` (a kind not configured there is added with its defaults).
 */
function applyProvidersFile(path: string, file: Record<string, unknown>): Record<string, unknown> {
  const parsed = readConfigFile(path);
  const unknownKeys = Object.keys(parsed).filter((key) => key !== 'adapters' && key !== 'capabilities');
  if (unknownKeys.length > 0) throw new ConfigError(`${path}: unknown key ${unknownKeys.join(', ')} (a providers file holds adapters and capabilities)`);
  const adapters = (parsed.adapters ?? {}) as Record<string, unknown>;
  if (typeof adapters !== 'object' || adapters === null || Array.isArray(adapters)) throw new ConfigError(`${path}: adapters: expected a mapping of adapter name to its settings`);
  const capabilities = (parsed.capabilities ?? {}) as Record<string, unknown>;
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) throw new ConfigError(`${path}: capabilities: expected a mapping of capability to adapters`);
  const unknownCapabilities = Object.keys(capabilities).filter((key) => key !== 'compute' && key !== 'llm_gateway');
  if (unknownCapabilities.length > 0) throw new ConfigError(`${path}: capabilities: unknown capability ${unknownCapabilities.join(', ')} (known: compute, llm_gateway)`);
  const providers: Record<string, unknown> = {};
  for (const [name, section] of Object.entries(adapters)) {
    if (section !== null && section !== undefined && (typeof section !== 'object' || Array.isArray(section))) throw new ConfigError(`${path}: adapters.${name}: expected a mapping of settings`);
    providers[name] = { ...((section ?? {}) as Record<string, unknown>) };
  }
  const list = (value: unknown, field: string): string[] => {
    const names = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) throw new ConfigError(`${path}: capabilities.${field}: expected a name or a list of names`);
    return names as string[];
  };
  const merged: Record<string, unknown> = { ...file, providers };
  if (capabilities.compute !== undefined) {
    const compute = list(capabilities.compute, 'compute');
    for (const name of Object.keys(providers)) (providers[name] as Record<string, unknown>).enabled = compute.includes(name);
    for (const name of compute) providers[name] ??= {};
  }
  if (capabilities.llm_gateway !== undefined) {
    const gateway = list(capabilities.llm_gateway, 'llm_gateway');
    const llm = (typeof file.llm === 'object' && file.llm !== null ? file.llm : {}) as Record<string, unknown>;
    const llmProviders = { ...((llm.providers ?? {}) as Record<string, Record<string, unknown>>) };
    for (const name of Object.keys(llmProviders)) llmProviders[name] = { ...llmProviders[name], enabled: gateway.includes(name) };
    for (const name of gateway) llmProviders[name] ??= {};
    merged.llm = { ...llm, providers: llmProviders };
  }
  return merged;
}

export function loadConfig(env: NodeJS.ProcessEnv, providerSchemas: ProviderConfigSchemas): HangarConfig {
  const base = env.HANGAR_CONFIG ? readConfigFile(env.HANGAR_CONFIG) : {};
  const file = env.PROVIDERS_CONFIG_PATH ? applyProvidersFile(env.PROVIDERS_CONFIG_PATH, base) : base;
  const { providers: providerSections = {}, ...rest } = file;
  if (typeof providerSections !== 'object' || providerSections === null || Array.isArray(providerSections)) {
    throw new ConfigError('providers: expected a mapping of provider name to its settings');
  }
  const overrides = {
    ...(env.HOST && { host: env.HOST }),
    ...(envNumber(env, 'PORT') !== undefined && { port: envNumber(env, 'PORT') }),
    ...(env.HANGAR_DATA_DIR && { dataDir: env.HANGAR_DATA_DIR }),
    ...(env.HANGAR_OWNER && { owner: env.HANGAR_OWNER }),
    ...(env.HANGAR_LOG_LEVEL && { logLevel: env.HANGAR_LOG_LEVEL }),
  };
  const llmSection = typeof rest.llm === 'object' && rest.llm !== null && !Array.isArray(rest.llm) ? (rest.llm as Record<string, unknown>) : rest.llm;
  const llmOverrides = {
    ...(env.MODELS_POLICY_PATH && { policyPath: env.MODELS_POLICY_PATH }),
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT && { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }),
  };
  if (Object.keys(llmOverrides).length > 0) rest.llm = { ...(typeof llmSection === 'object' && llmSection !== null ? llmSection : {}), ...llmOverrides };
  const settings = ControlPlaneSettingsSchema.safeParse({ ...rest, ...overrides });
  if (!settings.success) throw new ConfigError(`invalid configuration: ${describeIssues(settings.error, '')}`);

  // Every section in the file is checked, enabled or not, so a typo never waits for the day it is switched on.
  const knownKinds = () => Object.keys(providerSchemas).sort().join(', ');
  const known = (kind: string, where: string) => {
    const schema = providerSchemas[kind];
    if (!schema) throw new ConfigError(`${where}unknown provider "${kind}" (known: ${knownKinds()})`);
    return schema;
  };
  const validated = new Map<string, { enabled: boolean; kind: string; config: unknown }>();
  for (const [name, section] of Object.entries(providerSections as Record<string, unknown>)) {
    const raw = section ?? {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`providers.${name}: expected a mapping of settings`);
    const { enabled = true, kind = name, ...settingsOnly } = raw as Record<string, unknown>;
    if (typeof kind !== 'string') throw new ConfigError(`providers.${name}.kind: expected a provider name (known: ${knownKinds()})`);
    if (kind !== name) {
      known(kind, `providers.${name}.kind: `);
      if (!ADAPTER_NAME_PATTERN.test(name)) throw new ConfigError(`providers.${name}: an adapter name is lower-case letters, digits and dashes, starting with a letter (at most 40)`);
    } else {
      known(name, '');
    }
    const schema = providerSchemas[kind] as z.ZodType;
    if (typeof enabled !== 'boolean') throw new ConfigError(`providers.${name}.enabled: expected true or false`);
    const parsed = schema.safeParse(settingsOnly);
    if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error, `providers.${name}`)}`);
    validated.set(name, { enabled, kind, config: parsed.data });
  }

  for (const name of Object.keys(settings.data.reconcile.providers)) {
    if (!providerSchemas[name] && !validated.has(name)) {
      throw new ConfigError(`reconcile.providers.${name}: unknown provider (known: ${[...new Set([...Object.keys(providerSchemas), ...validated.keys()])].sort().join(', ')})`);
    }
  }

  const requested = env.HANGAR_PROVIDERS
    ? env.HANGAR_PROVIDERS.split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : validated.size > 0
      ? [...validated].filter(([, section]) => section.enabled).map(([name]) => name)
      : DEFAULT_PROVIDERS;
  if (requested.length === 0) throw new ConfigError('no provider is enabled: set HANGAR_PROVIDERS or enable one under providers');

  const withDefaults = (name: string): EnabledProviderConfig => {
    const section = validated.get(name);
    if (section) return { name, kind: section.kind, config: section.config };
    const parsed = known(name, '').safeParse({});
    if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error, `providers.${name}`)}`);
    return { name, kind: name, config: parsed.data };
  };
  const providers = [...new Set(requested)].map(withDefaults);
  const adapters = [...new Set([...providers.map((provider) => provider.name), ...validated.keys()])].map((name) => providers.find((provider) => provider.name === name) ?? withDefaults(name));
  return { settings: settings.data, providers, adapters };
}
