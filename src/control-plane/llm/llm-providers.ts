import {
  createAnthropicAdapter,
  createMockAdapter,
  createOpenAiAdapter,
  createOpenRouterAdapter,
  type ModelRef,
  type ProviderAdapter,
  ProviderRuntime,
  type TransportHooks,
} from '../../llm/index.js';
import { ConfigError } from '../config.js';
import { LLM_PROVIDER_KINDS, type LlmProviderKind, type LlmProviderSettings, type LlmSettings } from './llm-settings.js';

/** The model each kind's readiness execution probe calls unless the config names one: a small, cheap chat model. */
const DEFAULT_PROBE_MODELS: Readonly<Record<LlmProviderKind, string | null>> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  openrouter: 'openai/gpt-4o-mini',
  mock: 'mock-text',
};

/** One enabled LLM provider, as the gateway and the readiness layer see it (never its key). */
export interface LlmProviderEntry {
  readonly name: string;
  readonly kind: LlmProviderKind;
  /** The environment variable the key is read from; null for the mock (no key). */
  readonly apiKeyEnv: string | null;
  readonly baseUrl: string | null;
  /** The readiness execution probe's model; null when none is known (an OpenAI-compatible gateway without `probeModel`). */
  readonly probeModel: ModelRef | null;
  /** Read `GET /models` at start and route over the models it lists that the catalog does not know. */
  readonly discover: boolean;
}

export interface LlmProviderSetup {
  readonly entries: readonly LlmProviderEntry[];
  /** The gateway's runtime: every enabled provider's adapter, one try per call (the escalation ladder owns retries). */
  readonly runtime: ProviderRuntime;
  /** What is missing for a provider to be usable, by name (`OPENAI_API_KEY`), never a value. */
  missing(name: string): string[];
}

/**
 * Builds the LLM providers from the `llm` settings: the configured ones that are enabled, else the
 * offline `mock` alone. Keys are read from the environment at every call (a rotated key is used at
 * once) and never stored. A name that is not a kind must say `kind: openai` (an OpenAI-compatible
 * gateway); Anthropic, OpenRouter and the mock serve under their own name only.
 */
export function setupLlmProviders(settings: LlmSettings, env: NodeJS.ProcessEnv, hooks: TransportHooks = {}): LlmProviderSetup {
  const configured = Object.entries(settings.providers).filter(([, provider]) => provider.enabled);
  const chosen: [string, LlmProviderSettings][] = configured.length > 0 ? configured : [['mock', { enabled: true }]];
  const entries: LlmProviderEntry[] = chosen
    .map(([name, provider]): LlmProviderEntry => {
      const kind = provider.kind ?? ((LLM_PROVIDER_KINDS as readonly string[]).includes(name) ? (name as LlmProviderKind) : null);
      if (kind === null) throw new ConfigError(`llm.providers.${name}.kind: required for a provider not named after a kind (${LLM_PROVIDER_KINDS.join(', ')}); an OpenAI-compatible gateway says kind: openai`);
      if (kind !== 'openai' && kind !== name) throw new ConfigError(`llm.providers.${name}: a ${kind} provider serves under the name ${kind} only (only kind openai takes another name)`);
      const probe = provider.probeModel ?? (name === kind ? DEFAULT_PROBE_MODELS[kind] : null);
      const baseUrl = provider.baseUrl ?? null;
      if (kind === 'openai' && name !== 'openai' && baseUrl === null) throw new ConfigError(`llm.providers.${name}.baseUrl: an OpenAI-compatible gateway needs its base URL`);
      const keyEnv = provider.apiKeyEnv ?? `${name.toUpperCase().replace(/-/g, '_')}_API_KEY`;
      return {
        name,
        kind,
        apiKeyEnv: kind === 'mock' ? null : keyEnv,
        baseUrl,
        probeModel: probe === null ? null : { provider: name, model: probe },
        discover: provider.discover ?? (kind === 'openai' && name !== 'openai'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const builder = ProviderRuntime.builder()
    .token((provider) => {
      const entry = byName.get(provider);
      const key = entry?.apiKeyEnv ? env[entry.apiKeyEnv] : undefined;
      return key ?? '';
    })
    .retryPolicy({ maxAttempts: 1, attemptTimeoutMs: settings.attemptTimeoutMs, deadlineMs: settings.deadlineMs })
    .transportHooks(hooks);
  for (const entry of entries) {
    builder.adapter(adapterFor(entry));
    if (entry.baseUrl !== null) builder.baseUrl(entry.name, entry.baseUrl);
  }
  const runtime = builder.build();
  return {
    entries,
    runtime,
    missing(name) {
      const entry = byName.get(name);
      if (entry === undefined) return [`llm.providers.${name}`];
      const missing: string[] = [];
      if (entry.apiKeyEnv !== null && !env[entry.apiKeyEnv]) missing.push(entry.apiKeyEnv);
      if (entry.probeModel === null) missing.push(`llm.providers.${name}.probeModel`);
      return missing;
    },
  };
}

function adapterFor(entry: LlmProviderEntry): ProviderAdapter {
  switch (entry.kind) {
    case 'openai':
      return createOpenAiAdapter({ id: entry.name });
    case 'anthropic':
      return createAnthropicAdapter();
    case 'openrouter':
      return createOpenRouterAdapter();
    case 'mock':
      return createMockAdapter();
  }
}
