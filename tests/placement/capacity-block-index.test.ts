import { describe, expect, it } from 'vitest';
import type { InstanceTypeOffering } from '../../src/contracts/index.js';
import { type CapacityBlock, capacityBlockIndexOf } from '../../src/placement/capacity-block-index.js';
import { offerIndexOf } from '../../src/placement/offer-index.js';
import type { ProviderCatalog } from '../../src/placement/offer.js';
import { type PlanInput, planOffers } from '../../src/placement/offer-planner.js';
import { RequirementsSchema, type RequirementsInput } from '../../src/placement/requirements-schema.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

const offering = (name: string, price: number): InstanceTypeOffering => ({
  name,
  vcpus: 8,
  memoryGiB: 64,
  gpu: null,
  regions: [
    { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'] },
    { region: 'us-west-2', zones: ['us-west-2a'] },
  ],
  pricePerHour: price,
  spotPricePerHour: price / 3,
  warnings: [],
});

const aws: ProviderCatalog = { provider: 'aws', spotSupported: true, fetchedAt: '2026-12-03T11:59:00Z', offerings: [offering('m7i.2xlarge', 0.4), offering('c7i.2xlarge', 0.36)] };

const block = (fields: Partial<CapacityBlock>): CapacityBlock => ({
  provider: 'aws',
  region: 'us-east-1',
  zone: null,
  instanceType: 'm7i.2xlarge',
  market: null,
  code: 'CAPACITY_ERROR',
  until: at(3),
  failures: 1,
  ...fields,
});

function input(capacityBlocks: readonly CapacityBlock[], requirements: RequirementsInput = { spot: 'preferred' }, now = NOW): PlanInput {
  return { requirements: RequirementsSchema.parse(requirements), catalogs: [aws], readiness: new Map([['aws', { ready: true }]]), capacityBlocks, now };
}

const rankedKeys = (capacityBlocks: readonly CapacityBlock[], now = NOW) =>
  planOffers(input(capacityBlocks, { spot: 'preferred' }, now)).ranked.map((offer) => `${offer.instanceType}/${offer.region}/${offer.zone ?? '*'}/${offer.market}`);

describe('the capacity-block index', () => {
  it('is built once per list; a new list (a capacity error recorded) is planned at once, and the old list still plans as it did', () => {
    const before: readonly CapacityBlock[] = Object.freeze([block({ instanceType: 'c7i.2xlarge', market: 'spot', region: 'us-west-2' })]);
    expect(capacityBlockIndexOf(before)).toBe(capacityBlockIndexOf(before));
    const planBefore = rankedKeys(before);
    expect(planBefore).toContain('m7i.2xlarge/us-east-1/*/spot');
    expect(planBefore).not.toContain('c7i.2xlarge/us-west-2/*/spot');
    // Planned once more with the same list: the index (and its per-catalog lists) is reused.
    expect(rankedKeys(before)).toEqual(planBefore);

    const after = Object.freeze([...before, block({ market: 'spot' })]);
    expect(capacityBlockIndexOf(after)).not.toBe(capacityBlockIndexOf(before));
    const planAfter = planOffers(input(after));
    expect(planAfter.ranked.map((offer) => `${offer.instanceType}/${offer.region}/${offer.market}`)).not.toContain('m7i.2xlarge/us-east-1/spot');
    expect(planAfter.excluded.find((offer) => offer.instanceType === 'm7i.2xlarge' && offer.region === 'us-east-1' && offer.market === 'spot')?.reasons).toEqual([
      { code: 'CAPACITY_CACHED', message: `CAPACITY_ERROR seen for aws m7i.2xlarge in us-east-1 (spot); skipped until ${at(3)}`, until: at(3) },
    ]);
    expect(rankedKeys(before)).toEqual(planBefore);
  });

  it('decides per plan whether a block is active: the same list, planned later, ranks the slice again and remembers its failures', () => {
    const blocks = Object.freeze([block({ failures: 4 })]);
    expect(rankedKeys(blocks)).not.toContain('m7i.2xlarge/us-east-1/*/on-demand');
    const later = planOffers(input(blocks, { spot: 'preferred' }, NOW + 4 * 60_000));
    expect(later.ranked.find((offer) => offer.instanceType === 'm7i.2xlarge' && offer.region === 'us-east-1' && offer.market === 'on-demand')?.pastFailures).toBe(4);
  });

  it('names the first block of the list that applies, whether it names the type or every type, and only on its market', () => {
    const typed = block({ until: at(2), market: 'on-demand' });
    const everyType = block({ instanceType: null, until: at(9), market: 'on-demand', code: 'QUOTA_EXCEEDED' });
    const cachedUntil = (blocks: readonly CapacityBlock[]) =>
      planOffers(input(blocks))
        .excluded.filter((offer) => offer.instanceType === 'm7i.2xlarge' && offer.region === 'us-east-1')
        .map((offer) => [offer.market, offer.reasons[0]?.until]);
    expect(cachedUntil([typed, everyType])).toEqual([['on-demand', at(2)]]);
    expect(cachedUntil([everyType, typed])).toEqual([['on-demand', at(9)]]);
    // The every-type block holds back the other type of the region too; the spot market is free.
    const plan = planOffers(input([typed, everyType]));
    expect(plan.excluded.map((offer) => `${offer.instanceType}/${offer.region}/${offer.market}`).sort()).toEqual(['c7i.2xlarge/us-east-1/on-demand', 'm7i.2xlarge/us-east-1/on-demand']);
    expect(plan.excludedByReason).toEqual({ CAPACITY_CACHED: 2 });
  });

  it('pins an offer to a free zone when only some zones are blocked, and blocks it until the first expiry when all are', () => {
    const zoneA = block({ zone: 'us-east-1a', until: at(5) });
    const zoneB = block({ zone: 'us-east-1b', instanceType: null, until: at(4) });
    const onDemand = (blocks: readonly CapacityBlock[]) => planOffers(input(blocks, { spot: 'never' }));
    expect(onDemand([zoneA]).ranked.find((offer) => offer.instanceType === 'm7i.2xlarge' && offer.region === 'us-east-1')).toMatchObject({ zone: 'us-east-1b', pastFailures: 0 });
    const both = onDemand([zoneA, zoneB]);
    expect(both.excluded.find((offer) => offer.instanceType === 'm7i.2xlarge' && offer.region === 'us-east-1')?.reasons[0]).toMatchObject({ code: 'CAPACITY_CACHED', until: at(4) });
    // c7i is blocked in us-east-1b only (the every-type entry): pinned to us-east-1a.
    expect(both.ranked.find((offer) => offer.instanceType === 'c7i.2xlarge' && offer.region === 'us-east-1')?.zone).toBe('us-east-1a');
  });

  it('lists, per offer of a catalog index, only the blocks of its provider, region, type and market', () => {
    const blocks = [block({ market: 'spot' }), block({ instanceType: null, region: 'us-west-2' }), block({ provider: 'gcp' })];
    const offers = offerIndexOf(aws);
    const lists = capacityBlockIndexOf(blocks).forOffers(offers);
    expect(capacityBlockIndexOf(blocks).forOffers(offers)).toBe(lists);
    const named = offers.offers.map((offer, position) => [offer.key, (lists.at(position) ?? []).map((entry) => blocks.indexOf(entry.block))]);
    expect(Object.fromEntries(named)).toEqual({
      'aws/c7i.2xlarge/us-east-1/*/spot': [],
      'aws/c7i.2xlarge/us-east-1/*/on-demand': [],
      'aws/c7i.2xlarge/us-west-2/*/spot': [1],
      'aws/c7i.2xlarge/us-west-2/*/on-demand': [1],
      'aws/m7i.2xlarge/us-east-1/*/spot': [0],
      'aws/m7i.2xlarge/us-east-1/*/on-demand': [],
      'aws/m7i.2xlarge/us-west-2/*/spot': [1],
      'aws/m7i.2xlarge/us-west-2/*/on-demand': [1],
    });
  });
});
