import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAIN_POLICY, type EndedAttempt, escalationsAfter, keyOf, nextStep } from '../../src/placement/failover-chain.js';
import type { RankedOffer } from '../../src/placement/offer-planner.js';

const offer = (provider: string, region: string, market: 'spot' | 'on-demand', rank: number): RankedOffer => ({
  provider,
  instanceType: 't',
  region,
  zone: null,
  market,
  pricePerHour: rank,
  vcpus: 1,
  memoryGiB: 1,
  gpu: null,
  available: 'unknown',
  rank,
  reasons: [],
  pastFailures: 0,
});

const ranked = [
  offer('aws', 'us-east-1', 'spot', 1),
  offer('aws', 'us-west-2', 'spot', 2),
  offer('runpod', 'US-TX-3', 'spot', 3),
  offer('aws', 'us-east-1', 'on-demand', 4),
  offer('lambda-labs', 'us-east-1', 'on-demand', 5),
  offer('aws', 'us-west-2', 'on-demand', 6),
];

const refused = (candidate: RankedOffer, errorCode: string): EndedAttempt => ({
  offerKey: keyOf(candidate),
  provider: candidate.provider,
  region: candidate.region,
  market: candidate.market,
  outcome: 'refused',
  errorCode,
});

describe('the failover chain', () => {
  it('spot: preferred moves to on-demand after N spot capacity failures, and says so', () => {
    const attempts = [refused(ranked[0] as RankedOffer, 'CAPACITY_ERROR'), refused(ranked[1] as RankedOffer, 'CAPACITY_ERROR')];
    const next = nextStep(ranked, attempts, 'preferred', DEFAULT_CHAIN_POLICY);
    expect(next).toMatchObject({ kind: 'attempt', offer: { provider: 'aws', market: 'on-demand' } });
    expect(escalationsAfter(ranked, attempts, 'preferred', DEFAULT_CHAIN_POLICY).map((escalation) => escalation.kind)).toEqual(['spot-to-on-demand', 'next-offer']);
  });

  it('AUTH_ERROR skips the provider; QUOTA_EXCEEDED skips the provider in that region; INVALID_SPEC skips only the offer', () => {
    expect(nextStep(ranked, [refused(ranked[0] as RankedOffer, 'AUTH_ERROR')], 'required', DEFAULT_CHAIN_POLICY)).toMatchObject({ offer: { provider: 'runpod' } });
    expect(nextStep(ranked, [refused(ranked[0] as RankedOffer, 'QUOTA_EXCEEDED')], 'preferred', DEFAULT_CHAIN_POLICY)).toMatchObject({ offer: { provider: 'aws', region: 'us-west-2' } });
    const quota = escalationsAfter(ranked, [refused(ranked[0] as RankedOffer, 'QUOTA_EXCEEDED')], 'preferred', DEFAULT_CHAIN_POLICY);
    expect(quota.map((escalation) => escalation.kind)).toEqual(['region-quota', 'next-offer']);
    expect(nextStep(ranked, [refused(ranked[0] as RankedOffer, 'INVALID_SPEC')], 'preferred', DEFAULT_CHAIN_POLICY)).toMatchObject({ offer: { rank: 2 } });
  });

  it('moves to the next provider after maxAttemptsPerProvider failures on one, and ends at maxAttempts or when nothing is left', () => {
    const policy = { ...DEFAULT_CHAIN_POLICY, maxAttemptsPerProvider: 2 };
    const twoOnAws = [refused(ranked[0] as RankedOffer, 'CAPACITY_ERROR'), refused(ranked[1] as RankedOffer, 'CAPACITY_ERROR')];
    expect(nextStep(ranked, twoOnAws, 'preferred', { ...policy, spotFailuresBeforeOnDemand: 10 })).toMatchObject({ offer: { provider: 'runpod' } });
    expect(nextStep(ranked, twoOnAws, 'preferred', { ...DEFAULT_CHAIN_POLICY, maxAttempts: 2 })).toMatchObject({ kind: 'exhausted' });
    const all = ranked.map((candidate) => refused(candidate, 'CAPACITY_ERROR'));
    expect(nextStep(ranked, all, 'preferred', { ...DEFAULT_CHAIN_POLICY, maxAttempts: 50, maxAttemptsPerProvider: 50 })).toMatchObject({ kind: 'exhausted' });
  });
});
