import { describe, expect, it } from 'vitest';
import { requirementMix, syntheticWorld } from '../../bench/placement-catalogs.js';
import { SeededRandom } from '../../src/chaos/seeded-random.js';
import type { InstanceTypeOffering } from '../../src/contracts/index.js';
import { type ProviderCatalog, offersOf } from '../../src/placement/offer.js';
import { GPU_MAPPED, GPU_NONE, GPU_UNMAPPED, offerIndexOf } from '../../src/placement/offer-index.js';
import { EVIDENCE_PLAN_LIMITS, type PlanInput, type ProviderReadiness, planOffers } from '../../src/placement/offer-planner.js';
import { RequirementsSchema } from '../../src/placement/requirements-schema.js';

const offering = (name: string, price: number | null, extra: Partial<InstanceTypeOffering> = {}): InstanceTypeOffering => ({
  name,
  vcpus: 8,
  memoryGiB: 64,
  gpu: null,
  regions: [{ region: 'us-east-1', zones: ['us-east-1a'] }],
  pricePerHour: price,
  spotPricePerHour: null,
  warnings: [],
  ...extra,
});

const catalog = (offerings: InstanceTypeOffering[]): ProviderCatalog => ({ provider: 'aws', offerings, spotSupported: false, fetchedAt: '2026-12-03T11:00:00Z' });
const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('the offer index', () => {
  it('holds the catalog offers cheapest first (an unknown price last, ties in catalog order), with region and GPU model ids', () => {
    const source = catalog([
      offering('dear', 3),
      offering('unpriced', null),
      offering('cheap', 1, { regions: [{ region: 'us-east-1', zones: [] }, { region: 'eu-west-1', zones: [] }] }),
      offering('h100', 2, { gpu: { model: 'H100', count: 8, memoryGiB: 80 } }),
      offering('also-dear', 3),
      offering('l4-slice', 4, { gpu: { model: 'L4', count: 1, memoryGiB: 2.8, fraction: 0.125 }, regions: [{ region: 'us-east-1', zones: [], available: false }] }),
      offering('mystery', 5, { gpu: { model: 'Quantum Blaster 9000', count: 1, memoryGiB: 12 } }),
    ]);
    const index = offerIndexOf(source);
    expect(index.offers.map((offer) => `${offer.instanceType}/${offer.region}`)).toEqual([
      'cheap/us-east-1',
      'cheap/eu-west-1',
      'h100/us-east-1',
      'dear/us-east-1',
      'also-dear/us-east-1',
      'l4-slice/us-east-1',
      'mystery/us-east-1',
      'unpriced/us-east-1',
    ]);
    // The same offer objects as offersOf: one constructor shape, built once per catalog.
    expect(new Set(index.offers)).toEqual(new Set(offersOf(source)));
    // Each column says what its offer says.
    index.offers.forEach((offer, position) => {
      expect(index.regions[index.regionOf[position] as number]).toBe(offer.region);
      const model = index.modelOf[position] as number;
      expect(model === -1 ? null : index.models[model]).toBe(offer.gpu?.model ?? null);
      expect({
        spot: index.spot[position] === 1,
        unavailable: index.unavailable[position] === 1,
        vcpus: index.vcpus[position],
        memoryGiB: index.memoryGiB[position],
        price: index.priced[position] === 1 ? index.price[position] : null,
        gpu: index.gpu[position] === GPU_MAPPED ? { count: index.gpuCount[position], whole: index.gpuWhole[position] === 1, memoryGiB: index.gpuMemoryGiB[position] } : index.gpu[position],
      }).toEqual({
        spot: offer.market === 'spot',
        unavailable: offer.available === false,
        vcpus: offer.vcpus,
        memoryGiB: offer.memoryGiB,
        price: offer.pricePerHour,
        gpu: offer.gpu !== null ? { count: offer.gpu.count, whole: offer.gpu.fraction === undefined, memoryGiB: offer.gpu.memoryGiB } : offer.rawGpu === null ? GPU_NONE : GPU_UNMAPPED,
      });
    });
    expect(index.models).toEqual(['H100-80GB', 'L4']);
  });

  it('is built once per fetched catalog; a new catalog gets its own index, and the plan follows it', () => {
    const offerings = [offering('a', 1), offering('b', 2)];
    const index = offerIndexOf(catalog(offerings));
    expect(offerIndexOf(catalog(offerings))).toBe(index);

    const input = (source: ProviderCatalog): PlanInput => ({
      requirements: RequirementsSchema.parse({ vcpus: { min: 8 } }),
      catalogs: [source],
      readiness: new Map([['aws', { ready: true }]]),
      capacityBlocks: [],
      now: NOW,
    });
    expect(planOffers(input(catalog(offerings))).ranked.map((offer) => offer.instanceType)).toEqual(['a', 'b']);
    // The refreshed catalog (a new array, as every fetch gives) reprices `b` below `a`.
    const refreshed = [offering('a', 1), offering('b', 0.5), offering('c', 0.7)];
    expect(offerIndexOf(catalog(refreshed))).not.toBe(index);
    expect(planOffers(input(catalog(refreshed))).ranked.map((offer) => offer.instanceType)).toEqual(['b', 'c', 'a']);
    expect(planOffers(input(catalog(offerings))).ranked.map((offer) => offer.instanceType)).toEqual(['a', 'b']);
  });

  it('the order of the scan never changes a plan: the same catalogs in another order plan alike', () => {
    const now = NOW;
    const world = syntheticWorld(5, now, 200);
    const random = new SeededRandom(9);
    const shuffled = world.catalogs.map((source) => {
      const offerings = [...source.offerings];
      for (let index = offerings.length - 1; index > 0; index -= 1) {
        const other = random.int(0, index);
        [offerings[index], offerings[other]] = [offerings[other] as InstanceTypeOffering, offerings[index] as InstanceTypeOffering];
      }
      return { ...source, offerings };
    });
    const readiness = new Map<string, ProviderReadiness>(world.catalogs.map((source) => [source.provider, { ready: source.provider !== 'lambda-labs', reason: 'down' }]));
    const requirements = [...requirementMix(5, 12), RequirementsSchema.parse({ zones: ['us-east-1a', 'us-east-1b'], spot: 'preferred' }), RequirementsSchema.parse({ gpu: { model: 'H100', count: 8 }, maxPricePerHour: 1 })];
    for (const wanted of requirements) {
      for (const options of [EVIDENCE_PLAN_LIMITS, { rankedLimit: 3, excludedLimit: 2 }]) {
        const plan = (catalogs: readonly ProviderCatalog[]) => planOffers({ requirements: wanted, catalogs, readiness, capacityBlocks: world.capacityBlocks, now }, options);
        expect(plan(shuffled)).toEqual(plan(world.catalogs));
      }
    }
  });
});
