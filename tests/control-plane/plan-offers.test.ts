import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceTypeOffering } from '../../src/contracts/index.js';
import { planFor } from '../../src/control-plane/placement/plan-offers.js';
import { RequirementsSchema } from '../../src/placement/requirements-schema.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
  await cp.plane.ctx.registry.warmCatalogs();
});

afterEach(async () => {
  await cp.close();
});

// orb.medium in local-1, on both providers: `faulty` and `orbstack` price it alike.
const medium = RequirementsSchema.parse({ vcpus: { min: 2, max: 2 }, memoryGiB: { min: 4 }, regions: ['local-1'] });
const providersRanked = () => planFor(cp.plane.ctx, medium).ranked.map((offer) => offer.provider);

describe('planFor over indexes kept between plans', () => {
  it('the capacity-error cache answers the same list until an entry changes; a recorded error is in the very next plan', async () => {
    const { capacityErrors } = cp.plane.ctx;
    expect(providersRanked()).toEqual(['faulty', 'orbstack']);
    const blocks = capacityErrors.blocks();
    expect(capacityErrors.blocks()).toBe(blocks);
    expect(Object.isFrozen(blocks)).toBe(true);

    await capacityErrors.record({ provider: 'faulty', region: 'local-1', zone: null, instanceType: 'orb.medium', market: null, code: 'CAPACITY_ERROR', message: 'test', source: 'spawn' });
    expect(capacityErrors.blocks()).not.toBe(blocks);
    const plan = planFor(cp.plane.ctx, medium);
    expect(plan.ranked.map((offer) => offer.provider)).toEqual(['orbstack']);
    expect(plan.excluded.find((offer) => offer.provider === 'faulty')?.reasons[0]).toMatchObject({ code: 'CAPACITY_CACHED' });

    // A repeat of the same key extends the entry: a new list again, and the plan names the new expiry.
    const extended = await capacityErrors.record(
      { provider: 'faulty', region: 'local-1', zone: null, instanceType: 'orb.medium', market: null, code: 'CAPACITY_ERROR', message: 'again', source: 'spawn' },
      Date.now() + 60_000,
    );
    expect(planFor(cp.plane.ctx, medium).excluded.find((offer) => offer.provider === 'faulty')?.reasons[0]).toMatchObject({ until: extended.until });
  });

  it('an entry recorded already expired (failures remembered, nothing blocked) ranks the slice after its equal', async () => {
    await cp.plane.ctx.capacityErrors.record(
      { provider: 'faulty', region: 'local-1', zone: null, instanceType: 'orb.medium', market: null, code: 'CAPACITY_ERROR', message: 'old', source: 'spawn' },
      Date.now() - 10 * 60_000,
    );
    const plan = planFor(cp.plane.ctx, medium);
    expect(plan.ranked.map((offer) => [offer.provider, offer.pastFailures])).toEqual([
      ['orbstack', 0],
      ['faulty', 1],
    ]);
  });

  it('a refreshed catalog is planned at once', async () => {
    const { registry } = cp.plane.ctx;
    expect(planFor(cp.plane.ctx, medium).ranked[0]).toMatchObject({ provider: 'faulty', instanceType: 'orb.medium' });
    const fetched = await cp.faulty.instanceTypes();
    // The vendor's next catalog lists orb.medium in local-1 no more.
    cp.faulty.instanceTypes = async (): Promise<InstanceTypeOffering[]> =>
      fetched.map((offering) => (offering.name === 'orb.medium' ? { ...offering, regions: offering.regions.filter((region) => region.region !== 'local-1') } : offering));
    await registry.refreshCatalog(registry.require('faulty'));
    expect(providersRanked()).toEqual(['orbstack']);
  });
});
