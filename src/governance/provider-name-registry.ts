import { createHash } from 'node:crypto';

/** What a provider name serves: a compute provider (src/providers) or an LLM provider kind of the gateway. */
export const PROVIDER_CAPABILITIES = ['compute', 'llm'] as const;
export type ProviderCapability = (typeof PROVIDER_CAPABILITIES)[number];

export interface ProviderNameEntry {
  readonly name: string;
  readonly capability: ProviderCapability;
}

/** The canonical list of provider names Hangar can build: one entry per name, sorted by name. */
export interface ProviderNameRegistry {
  readonly version: 1;
  readonly providers: readonly ProviderNameEntry[];
}

/** How a name is compared everywhere: trimmed and lower-cased (` AWS ` is `aws`). */
export function normalizeProviderName(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * The registry from the names the factories can build, per capability. Names are normalized; a name
 * listed twice under one capability is one entry; a name under two capabilities is refused (one name,
 * one meaning), as is an empty name.
 */
export function buildProviderNameRegistry(names: Readonly<Record<ProviderCapability, readonly string[]>>): ProviderNameRegistry {
  const byName = new Map<string, ProviderCapability>();
  for (const capability of PROVIDER_CAPABILITIES) {
    for (const raw of names[capability]) {
      const name = normalizeProviderName(raw);
      if (name === '') throw new Error(`an empty ${capability} provider name`);
      const other = byName.get(name);
      if (other !== undefined && other !== capability) throw new Error(`provider name ${name} is both a ${other} and a ${capability} provider`);
      byName.set(name, capability);
    }
  }
  const providers = [...byName].map(([name, capability]) => ({ name, capability })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { version: 1, providers };
}

/** The registry as the file vendored at contracts/provider-registry.json: keys sorted, 2-space indent, one trailing newline. */
export function providerRegistryJson(registry: ProviderNameRegistry): string {
  const entries = registry.providers.map((entry) => ({ capability: entry.capability, name: entry.name }));
  return `${JSON.stringify({ providers: entries, version: registry.version }, null, 2)}\n`;
}

/** sha256 hex of the file's bytes: what contracts/contracts.lock pins and GET /v1/registry/providers answers. */
export function providerRegistryHash(json: string): string {
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/** The names a configuration uses, checked against the registry: `ok`, or `drift` naming the unknown ones. */
export function auditProviderNames(registry: ProviderNameRegistry, configured: readonly string[]): { status: 'ok' } | { status: 'drift'; unknown: string[] } {
  const known = new Set(registry.providers.map((entry) => entry.name));
  const unknown = [...new Set(configured.map(normalizeProviderName))].filter((name) => !known.has(name)).sort();
  return unknown.length === 0 ? { status: 'ok' } : { status: 'drift', unknown };
}

/** Reads a vendored registry file's JSON; throws naming what is wrong. */
export function parseProviderRegistry(text: string): ProviderNameRegistry {
  const value = JSON.parse(text) as { version?: unknown; providers?: unknown };
  if (value.version !== 1 || !Array.isArray(value.providers)) throw new Error('not a provider registry: expected {"version": 1, "providers": [...]}');
  const providers = value.providers.map((entry: unknown, index: number) => {
    const { name, capability } = (entry ?? {}) as { name?: unknown; capability?: unknown };
    if (typeof name !== 'string' || !(PROVIDER_CAPABILITIES as readonly unknown[]).includes(capability)) throw new Error(`providers[${index}] needs a name and a capability (${PROVIDER_CAPABILITIES.join(' or ')})`);
    return { name, capability: capability as ProviderCapability };
  });
  return { version: 1, providers };
}

export type SsotAudit = { line: 'ssot=ok' } | { line: 'ssot=drift'; unknown: string[] } | { line: 'ssot=unavailable'; reason: string };

/**
 * The start-up audit (a soft gate: the server starts whatever it says): the configured names against
 * the vendored registry file. `ssot=unavailable` when the file is missing or unreadable.
 */
export function auditAgainstVendored(readVendored: () => string, configured: readonly string[]): SsotAudit {
  let registry: ProviderNameRegistry;
  try {
    registry = parseProviderRegistry(readVendored());
  } catch (error) {
    return { line: 'ssot=unavailable', reason: error instanceof Error ? error.message : String(error) };
  }
  const audit = auditProviderNames(registry, configured);
  return audit.status === 'ok' ? { line: 'ssot=ok' } : { line: 'ssot=drift', unknown: audit.unknown };
}
