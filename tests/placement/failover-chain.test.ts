import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAIN_POLICY, type EndedAttempt, escalationsAfter, keyOf, nextStep, poolGroup } from '../../src/placement/failover-chain.js';
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

  describe('pool groups (one launch over several offers)', () => {
    const typed = (instanceType: string, region: string, market: 'spot' | 'on-demand', rank: number): RankedOffer => ({ ...offer('aws', region, market, rank), instanceType });
    const awsOnly = [
      typed('t3.micro', 'us-east-1', 'spot', 1),
      typed('m5.large', 'us-west-2', 'spot', 2),
      typed('m5.large', 'us-east-1', 'spot', 3),
      typed('t3.micro', 'us-east-1', 'on-demand', 4),
      typed('c5.large', 'us-east-1', 'spot', 5),
    ];
    const head = awsOnly[0] as RankedOffer;
    const types = (group: RankedOffer[]) => group.map((member) => `${member.instanceType}@${member.region}/${member.market}`);

    it('a one-provider plan groups the next offers of the head’s region and market, in rank order, up to the launcher’s limit', () => {
      expect(types(poolGroup(awsOnly, [], 'required', DEFAULT_CHAIN_POLICY, head, 20))).toEqual(['t3.micro@us-east-1/spot', 'm5.large@us-east-1/spot', 'c5.large@us-east-1/spot']);
      expect(types(poolGroup(awsOnly, [], 'required', DEFAULT_CHAIN_POLICY, head, 2))).toEqual(['t3.micro@us-east-1/spot', 'm5.large@us-east-1/spot']);
      expect(types(poolGroup(awsOnly, [], 'required', DEFAULT_CHAIN_POLICY, head, 1))).toEqual(['t3.micro@us-east-1/spot']);
    });

    it('offers an earlier launch covered are tried: they are neither grouped again nor attempted', () => {
      const fleet: EndedAttempt = { ...refused(head, 'CAPACITY_ERROR'), covers: [keyOf(awsOnly[2] as RankedOffer), keyOf(awsOnly[4] as RankedOffer)] };
      const next = nextStep(awsOnly, [fleet], 'preferred', DEFAULT_CHAIN_POLICY);
      expect(next).toMatchObject({ kind: 'attempt', offer: { instanceType: 'm5.large', region: 'us-west-2' } });
      const after = poolGroup(awsOnly, [fleet], 'preferred', DEFAULT_CHAIN_POLICY, awsOnly[1] as RankedOffer, 20);
      expect(types(after)).toEqual(['m5.large@us-west-2/spot']);
    });

    it('a plan across providers is never grouped: the chain keeps its cheapest-first order offer by offer', () => {
      expect(poolGroup(ranked, [], 'required', DEFAULT_CHAIN_POLICY, ranked[0] as RankedOffer, 20)).toEqual([ranked[0]]);
    });
  });
});
