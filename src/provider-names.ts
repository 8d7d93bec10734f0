import { readFileSync } from 'node:fs';
import type { ControlPlaneSettings } from './control-plane/config.js';
import { LLM_PROVIDER_KINDS } from './control-plane/llm/llm-settings.js';
import { auditAgainstVendored, buildProviderNameRegistry, type ProviderNameRegistry, type SsotAudit } from './governance/provider-name-registry.js';
import { PROVIDER_FACTORIES } from './provider-factories.js';

/**
 * The canonical provider registry: the names Hangar's factories can build (src/provider-factories.ts
 * for compute, the LLM provider kinds of src/control-plane/llm/llm-settings.ts). The one source the
 * vendored contracts/provider-registry.json, GET /v1/registry/providers and the start-up audit agree with.
 */
export function canonicalProviderRegistry(): ProviderNameRegistry {
  return buildProviderNameRegistry({ compute: Object.keys(PROVIDER_FACTORIES), llm: LLM_PROVIDER_KINDS });
}

/** Where the vendored snapshot and its lock live, beside src/ (and beside dist/ in a build). */
export const CONTRACTS_DIR = new URL('../contracts/', import.meta.url);

/** The provider names a configuration uses: the enabled compute providers, and each LLM provider's kind (a gateway's own name is not a provider name). */
export function configuredProviderNames(settings: ControlPlaneSettings, computeNames: readonly string[]): string[] {
  const llm = Object.entries(settings.llm.providers)
    .filter(([, provider]) => provider.enabled)
    .map(([name, provider]) => provider.kind ?? name);
  return [...computeNames, ...(llm.length > 0 ? llm : ['mock'])];
}

/** The start-up audit of the configured names against contracts/provider-registry.json. */
export function auditProviderNamesAtStart(settings: ControlPlaneSettings, computeNames: readonly string[], contractsDir: URL = CONTRACTS_DIR): SsotAudit {
  return auditAgainstVendored(() => readFileSync(new URL('provider-registry.json', contractsDir), 'utf8'), configuredProviderNames(settings, computeNames));
}
