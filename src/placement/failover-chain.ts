import { offerKey } from './offer.js';
import type { RankedOffer } from './offer-planner.js';
import type { SpotPreference } from './requirements-schema.js';

/** The limits of one failover chain (config defaults, overridable per request). */
export interface ChainPolicy {
  attemptTimeoutMs: number;
  chainTimeoutMs: number;
  maxAttempts: number;
  spotFailuresBeforeOnDemand: number;
  maxAttemptsPerProvider: number;
}

export const DEFAULT_CHAIN_POLICY: ChainPolicy = {
  attemptTimeoutMs: 60_000,
  chainTimeoutMs: 300_000,
  maxAttempts: 8,
  spotFailuresBeforeOnDemand: 2,
  maxAttemptsPerProvider: 3,
};

/** What the chain knows of one attempt that has ended. */
export interface EndedAttempt {
  readonly offerKey: string;
  readonly provider: string;
  readonly region: string;
  readonly market: 'spot' | 'on-demand';
  /** `refused`: the provider's definite no (a taxonomy code). */
  readonly outcome: 'refused' | 'spawned' | 'unknown';
  readonly errorCode: string | null;
  /** A pool attempt's other offers: tried with it, in the same launch. */
  readonly covers?: readonly string[];
}

export type EscalationKind = 'spot-to-on-demand' | 'provider-unusable' | 'provider-exhausted' | 'region-quota' | 'offer-skipped' | 'next-offer';

export interface Escalation {
  readonly kind: EscalationKind;
  /** What caused it: the error code and the attempt number. */
  readonly trigger: string;
  readonly message: string;
  readonly provider?: string;
  readonly region?: string;
}

/** Codes that say "this slice has no capacity now": they count toward the spot → on-demand escalation. */
export const CAPACITY_CODES: ReadonlySet<string> = new Set(['CAPACITY_ERROR', 'SPOT_INTERRUPTED', 'RATE_LIMIT_ERROR']);

interface ChainState {
  tried: Set<string>;
  unusableProviders: Set<string>;
  exhaustedProviders: Set<string>;
  quotaRegions: Set<string>;
  spotClosed: boolean;
}

function stateOf(attempts: readonly EndedAttempt[], spot: SpotPreference, policy: ChainPolicy): ChainState {
  const state: ChainState = { tried: new Set(), unusableProviders: new Set(), exhaustedProviders: new Set(), quotaRegions: new Set(), spotClosed: false };
  const perProvider = new Map<string, number>();
  let spotFailures = 0;
  for (const attempt of attempts) {
    state.tried.add(attempt.offerKey);
    for (const key of attempt.covers ?? []) state.tried.add(key);
    if (attempt.outcome !== 'refused') continue;
    const failures = (perProvider.get(attempt.provider) ?? 0) + 1;
    perProvider.set(attempt.provider, failures);
    if (failures >= policy.maxAttemptsPerProvider) state.exhaustedProviders.add(attempt.provider);
    if (attempt.errorCode === 'AUTH_ERROR') state.unusableProviders.add(attempt.provider);
    if (attempt.errorCode === 'QUOTA_EXCEEDED') state.quotaRegions.add(`${attempt.provider}\u0000${attempt.region}`);
    if (attempt.market === 'spot' && attempt.errorCode !== null && CAPACITY_CODES.has(attempt.errorCode)) spotFailures += 1;
  }
  state.spotClosed = spot === 'preferred' && spotFailures >= policy.spotFailuresBeforeOnDemand;
  return state;
}

function skipReason(offer: RankedOffer, state: ChainState): string | null {
  const key = keyOf(offer);
  if (state.tried.has(key)) return 'tried';
  if (state.unusableProviders.has(offer.provider)) return 'provider-unusable';
  if (state.exhaustedProviders.has(offer.provider)) return 'provider-exhausted';
  if (state.quotaRegions.has(`${offer.provider}\u0000${offer.region}`)) return 'region-quota';
  if (state.spotClosed && offer.market === 'spot') return 'spot-closed';
  return null;
}

/** An offer's key (`provider/instanceType/region/zone/market`), as the planner keys offers. */
export const keyOf = offerKey;

export type NextStep = { kind: 'attempt'; offer: RankedOffer } | { kind: 'exhausted'; reason: string };

/**
 * The next offer to try, from the ranked plan and the attempts so far (the state is derived from the
 * persisted attempts alone, so a restarted process decides exactly as the crashed one would have).
 */
export function nextStep(ranked: readonly RankedOffer[], attempts: readonly EndedAttempt[], spot: SpotPreference, policy: ChainPolicy): NextStep {
  if (attempts.length >= policy.maxAttempts) return { kind: 'exhausted', reason: `${attempts.length} attempts made, the most allowed (maxAttempts ${policy.maxAttempts})` };
  const state = stateOf(attempts, spot, policy);
  const offer = ranked.find((candidate) => skipReason(candidate, state) === null);
  if (offer) return { kind: 'attempt', offer };
  return { kind: 'exhausted', reason: `every ranked offer was tried or skipped (${ranked.length} ranked, ${attempts.length} attempts)` };
}

/**
 * The offers one pool launch covers, `head` first: the next offers in rank order the chain would
 * try anyway (not tried, not skipped) on the same provider, region and market, up to `maxPools`.
 * One launch over them lets the provider weigh their live capacity at once (an EC2 Fleet), and a
 * refusal counts as one attempt. Only for a plan of one provider: across providers, the chain's own
 * order (cheapest first) decides, offer by offer.
 */
export function poolGroup(
  ranked: readonly RankedOffer[],
  attempts: readonly EndedAttempt[],
  spot: SpotPreference,
  policy: ChainPolicy,
  head: RankedOffer,
  maxPools: number,
): RankedOffer[] {
  const group = [head];
  if (maxPools <= 1 || ranked.some((offer) => offer.provider !== head.provider)) return group;
  const state = stateOf(attempts, spot, policy);
  state.tried.add(keyOf(head));
  for (const offer of ranked) {
    if (group.length >= maxPools) break;
    if (offer.region !== head.region || offer.market !== head.market || skipReason(offer, state) !== null) continue;
    state.tried.add(keyOf(offer));
    group.push(offer);
  }
  return group;
}

/**
 * The escalations the latest ended attempt causes: compares the state before and after it. Each is
 * written as an event and kept in the placement's evidence.
 */
export function escalationsAfter(
  ranked: readonly RankedOffer[],
  attempts: readonly EndedAttempt[],
  spot: SpotPreference,
  policy: ChainPolicy,
): Escalation[] {
  const latest = attempts.at(-1);
  if (!latest || latest.outcome !== 'refused') return [];
  const before = stateOf(attempts.slice(0, -1), spot, policy);
  const after = stateOf(attempts, spot, policy);
  const trigger = `${latest.errorCode ?? 'refused'} on attempt ${attempts.length}`;
  const out: Escalation[] = [];
  if (after.unusableProviders.size > before.unusableProviders.size) {
    out.push({ kind: 'provider-unusable', trigger, provider: latest.provider, message: `${latest.provider} refused the credentials: its other offers are skipped for this chain` });
  } else if (after.exhaustedProviders.size > before.exhaustedProviders.size) {
    out.push({ kind: 'provider-exhausted', trigger, provider: latest.provider, message: `${policy.maxAttemptsPerProvider} attempts failed on ${latest.provider}: moving to the next provider` });
  }
  if (after.quotaRegions.size > before.quotaRegions.size) {
    out.push({ kind: 'region-quota', trigger, provider: latest.provider, region: latest.region, message: `quota exceeded on ${latest.provider} in ${latest.region}: its other offers there are skipped` });
  }
  if (after.spotClosed && !before.spotClosed) {
    out.push({ kind: 'spot-to-on-demand', trigger, message: `${policy.spotFailuresBeforeOnDemand} spot capacity failures: moving to on-demand offers (spot: preferred)` });
  }
  if (latest.errorCode === 'INVALID_SPEC') out.push({ kind: 'offer-skipped', trigger, provider: latest.provider, message: `${latest.offerKey} refused the spec: that offer is skipped` });
  const next = nextStep(ranked, attempts, spot, policy);
  if (next.kind === 'attempt') {
    const hop = next.offer.provider !== latest.provider ? 'next provider' : next.offer.region !== latest.region ? 'next region' : next.offer.market !== latest.market ? 'next market' : 'next offer';
    out.push({ kind: 'next-offer', trigger, provider: next.offer.provider, region: next.offer.region, message: `${hop}: ${keyOf(next.offer)}` });
  }
  return out;
}
