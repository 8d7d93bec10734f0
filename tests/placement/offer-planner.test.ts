import { describe, expect, it } from 'vitest';
import type { InstanceTypeOffering } from '../../src/contracts/index.js';
import { type CapacityBlock, type PlanInput, planOffers } from '../../src/placement/offer-planner.js';
import { RequirementsSchema, type RequirementsInput } from '../../src/placement/requirements-schema.js';

const offering = (name: string, price: number, extra: Partial<InstanceTypeOffering> = {}): InstanceTypeOffering => ({
  name,
  vcpus: 8,
  memoryGiB: 64,
  gpu: null,
  regions: [{ region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'] }],
  pricePerHour: price,
  spotPricePerHour: price / 3,
  warnings: [],
  ...extra,
});

const h100 = (count: number) => ({ model: 'H100', count, memoryGiB: 80 });
const NOW = Date.parse('2026-12-03T12:00:00Z');

function input(requirements: RequirementsInput, overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    requirements: RequirementsSchema.parse(requirements),
    catalogs: [
      {
        provider: 'aws',
        spotSupported: true,
        fetchedAt: '2026-12-03T11:59:00Z',
        offerings: [
          offering('p5.48xlarge', 98.32, { gpu: h100(8), vcpus: 192, memoryGiB: 2048 }),
          offering('m7i.2xlarge', 0.4032),
        ],
      },
      {
        provider: 'lambda-labs',
        spotSupported: false,
        fetchedAt: '2026-12-03T11:59:30Z',
        offerings: [
          offering('gpu_8x_h100_sxm5', 23.92, { gpu: { model: 'H100 SXM5', count: 8, memoryGiB: 80 }, regions: [{ region: 'us-east-1', zones: [], available: true }, { region: 'us-west-1', zones: [], available: false }] }),
          offering('gpu_1x_h100_pcie', 2.49, { gpu: { model: 'H100 PCIe', count: 1, memoryGiB: 80 }, regions: [{ region: 'us-west-3', zones: [] }] }),
        ],
      },
      {
        provider: 'runpod',
        spotSupported: true,
        fetchedAt: '2026-12-03T11:59:10Z',
        offerings: [offering('NVIDIA H100 80GB HBM3', 2.99, { gpu: { model: 'NVIDIA H100 80GB HBM3', count: 8, memoryGiB: 80 }, regions: [{ region: 'US-TX-3', zones: [] }] })],
      },
    ],
    readiness: new Map([
      ['aws', { ready: true }],
      ['lambda-labs', { ready: true }],
      ['runpod', { ready: true }],
    ]),
    capacityBlocks: [],
    now: NOW,
    ...overrides,
  };
}

describe('the planner', () => {
  it('maps each vendor GPU into one vocabulary and ranks the 8 × H100 offers cheapest first', () => {
    const plan = planOffers(input({ gpu: { model: 'h100', count: 8 }, spot: 'preferred' }));
    expect(plan.verdict).toBe('ok');
    expect(plan.ranked.map((offer) => [offer.provider, offer.market, offer.gpu?.model])).toEqual([
      ['runpod', 'spot', 'H100-80GB'],
      ['aws', 'spot', 'H100-80GB'],
      ['runpod', 'on-demand', 'H100-80GB'],
      ['lambda-labs', 'on-demand', 'H100-80GB'],
      ['aws', 'on-demand', 'H100-80GB'],
      // The vendor says us-west-1 has no capacity now: ranked last, whatever its price.
      ['lambda-labs', 'on-demand', 'H100-80GB'],
    ]);
    expect(plan.ranked.at(-1)).toMatchObject({ region: 'us-west-1', available: false });
    expect(plan.excludedByReason).toMatchObject({ GPU_COUNT: 1, NO_GPU: 2 });
  });

  it('is deterministic, and breaks price ties by availability, past failures, then the key', () => {
    const tie = input({ vcpus: { min: 8, max: 8 } }, {
      catalogs: [
        { provider: 'b', spotSupported: false, fetchedAt: '2026-12-03T11:00:00Z', offerings: [offering('x', 1, { regions: [{ region: 'r1', zones: [] }] })] },
        { provider: 'a', spotSupported: false, fetchedAt: '2026-12-03T11:00:00Z', offerings: [offering('x', 1, { regions: [{ region: 'r1', zones: [] }, { region: 'r2', zones: [], available: true }] })] },
        { provider: 'c', spotSupported: false, fetchedAt: '2026-12-03T11:00:00Z', offerings: [offering('x', 1, { regions: [{ region: 'r1', zones: [] }] })] },
      ],
      readiness: new Map([['a', { ready: true }], ['b', { ready: true }], ['c', { ready: true }]]),
      capacityBlocks: [{ provider: 'a', region: 'r1', zone: null, instanceType: 'x', market: 'on-demand', code: 'CAPACITY_ERROR', until: '2026-12-03T11:00:00Z', failures: 3 }],
    });
    const plan = planOffers(tie);
    expect(plan.ranked.map((offer) => `${offer.provider}/${offer.region}`)).toEqual(['a/r2', 'b/r1', 'c/r1', 'a/r1']);
    expect(planOffers(tie)).toEqual(plan);
  });

  it('a cached capacity error excludes its slice until it expires; a zone-level one pins the offer to a free zone', () => {
    const blocks: CapacityBlock[] = [
      { provider: 'aws', region: 'us-east-1', zone: 'us-east-1a', instanceType: 'm7i.2xlarge', market: 'on-demand', code: 'CAPACITY_ERROR', until: '2026-12-03T12:03:00Z', failures: 1 },
      { provider: 'runpod', region: 'US-TX-3', zone: null, instanceType: null, market: null, code: 'QUOTA_EXCEEDED', until: '2026-12-03T12:30:00Z', failures: 1 },
    ];
    const plan = planOffers(input({ vcpus: { min: 8, max: 8 }, memoryGiB: { min: 64 }, providers: ['aws', 'runpod'] }, { capacityBlocks: blocks }));
    const aws = plan.ranked.find((offer) => offer.instanceType === 'm7i.2xlarge');
    expect(aws?.zone).toBe('us-east-1b');
    expect(aws?.pastFailures).toBe(0); // the failure was in us-east-1a, not the zone it is pinned to
    const runpod = plan.excluded.find((offer) => offer.provider === 'runpod');
    expect(runpod?.reasons).toEqual([expect.objectContaining({ code: 'CAPACITY_CACHED', until: '2026-12-03T12:30:00Z' })]);
    // Once expired, the entry only breaks ties.
    const later = planOffers(input({ vcpus: { min: 8, max: 8 }, memoryGiB: { min: 64 }, providers: ['aws', 'runpod'] }, { capacityBlocks: blocks, now: Date.parse('2026-12-03T13:00:00Z') }));
    expect(later.ranked.map((offer) => offer.provider)).toContain('runpod');
  });

  it('no offer can ever fit: no-matching-offer with the closest offers and what each lacks; fitting offers held back: none-available with a retry time', () => {
    const impossible = planOffers(input({ gpu: { model: 'A100', count: 8 }, maxPricePerHour: 10 }));
    expect(impossible.verdict).toBe('no-matching-offer');
    expect(impossible.closest[0]?.lacks.length).toBeGreaterThan(0);
    expect(impossible.closest.map((offer) => offer.lacks.length)).toEqual([...impossible.closest.map((offer) => offer.lacks.length)].sort((a, b) => a - b));

    const notReady = planOffers(input({ gpu: { model: 'H100', count: 1 } }, {
      readiness: new Map([['aws', { ready: true }], ['lambda-labs', { ready: false, reason: 'AUTH_ERROR' }], ['runpod', { ready: true }]]),
      capacityBlocks: [],
    }));
    expect(notReady.verdict).toBe('none-available');
    expect(notReady.excluded[0]?.reasons[0]?.code).toBe('PROVIDER_NOT_READY');
  });

  it('never ranks an offer over the budget, and refuses unknown prices when a budget is set', () => {
    const plan = planOffers(
      input({ maxPricePerHour: 3 }, {
        catalogs: [{ provider: 'aws', spotSupported: false, fetchedAt: '2026-12-03T11:00:00Z', offerings: [offering('cheap', 2.5), offering('dear', 3.5), { ...offering('unpriced', 1), pricePerHour: null }] }],
      }),
    );
    expect(plan.ranked.map((offer) => offer.instanceType)).toEqual(['cheap']);
    expect(plan.excludedByReason).toEqual({ OVER_BUDGET: 1, PRICE_UNKNOWN: 1 });
  });
});
