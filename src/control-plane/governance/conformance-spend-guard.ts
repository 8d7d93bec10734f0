import type { ProviderTier } from '../../contracts/index.js';

/** Where a conformance run points: `emulator` runs only what cannot spend money; `live` the configured accounts. */
export const CONFORMANCE_TARGETS = ['emulator', 'live'] as const;
export type ConformanceTargetKind = (typeof CONFORMANCE_TARGETS)[number];

export type SpendDecision = { run: true; why: string } | { run: false; why: string };

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True when the URL's host is this machine (127.0.0.1, localhost, ::1). */
export function isLoopbackUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  return LOOPBACK_HOSTS.has(new URL(url).hostname.toLowerCase());
}

const SPEND_NOT_ALLOWED: SpendDecision = {
  run: false,
  why: 'spend not allowed: target live runs the configured account, whose cases can cost money; send allowSpend: true to run them',
};

function byEndpoints(endpoints: readonly string[] | undefined, what: string): SpendDecision {
  if (endpoints === undefined || endpoints.length === 0) {
    return { run: false, why: `not run under target emulator: ${what} endpoints are not known, so the run could reach a billed account (target live with allowSpend runs it)` };
  }
  const remote = endpoints.filter((endpoint) => !isLoopbackUrl(endpoint));
  if (remote.length > 0) return { run: false, why: `not run under target emulator: ${remote.join(', ')} is not loopback (127.0.0.1, localhost, ::1), so the run could reach a billed account (target live with allowSpend runs it)` };
  return { run: true, why: `every endpoint is loopback (${endpoints.join(', ')})` };
}

/**
 * Whether a compute provider runs. Under `emulator`: a testing-tier provider (OrbStack and the test
 * doubles: it runs on this machine and bills nothing), or one whose every configured endpoint is
 * loopback (a vendor emulator). Under `live`: any configured provider, but only with `allowSpend`
 * (its cases spawn machines).
 */
export function computeSpendDecision(provider: { tier: ProviderTier; endpoints: readonly string[] | undefined }, target: ConformanceTargetKind, allowSpend: boolean): SpendDecision {
  if (target === 'live') return allowSpend ? { run: true, why: 'target live with allowSpend' } : SPEND_NOT_ALLOWED;
  if (provider.tier === 'testing') return { run: true, why: 'a testing-tier provider: it runs on this machine and bills nothing' };
  return byEndpoints(provider.endpoints, 'its');
}

/**
 * Whether an LLM provider runs. Under `emulator`: the mock, or a provider whose base URL is loopback.
 * Under `live`: any configured provider, with `allowSpend` (its completions cost fractions of a cent).
 */
export function llmSpendDecision(provider: { kind: string; baseUrl: string | null }, target: ConformanceTargetKind, allowSpend: boolean): SpendDecision {
  if (target === 'live') return allowSpend ? { run: true, why: 'target live with allowSpend' } : SPEND_NOT_ALLOWED;
  if (provider.kind === 'mock') return { run: true, why: 'the offline mock' };
  if (provider.baseUrl === null) return { run: false, why: 'not run under target emulator: no baseUrl is configured, so it calls the vendor’s own API (target live with allowSpend runs it)' };
  return byEndpoints([provider.baseUrl], 'its base URL’s');
}
