import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
  await cp.plane.ctx.registry.warmCatalogs();
});

afterEach(async () => {
  await cp.close();
});

const medium = { vcpus: { min: 2, max: 2 }, memoryGiB: { min: 4 } };
const eventTypes = async (id: string) => (await cp.call('GET', `/v1/instances/${id}/events`)).json.items.map((event: { type: string }) => event.type);
const scriptedCapacity = () => new ProviderError({ code: 'CAPACITY_ERROR', provider: 'faulty', message: 'scripted: no capacity' });

describe('offers: ranked without spawning', () => {
  it('GET /v1/offers ranks cheapest first, deterministically, with reasons and exclusions', async () => {
    const first = await cp.call('GET', '/v1/offers?vcpusMin=2&vcpusMax=2&memoryMinGiB=4&limit=50');
    expect(first.status).toBe(200);
    expect(first.json.verdict).toBe('ok');
    const ranked = first.json.ranked as { provider: string; instanceType: string; region: string; market: string; pricePerHour: number; rank: number; reasons: string[] }[];
    expect(ranked.length).toBe(4); // orb.medium in two regions, on two providers, on-demand only (spot: never)
    expect(ranked.map((offer) => offer.rank)).toEqual([1, 2, 3, 4]);
    expect(new Set(ranked.map((offer) => offer.instanceType))).toEqual(new Set(['orb.medium']));
    expect(ranked.every((offer) => offer.market === 'on-demand')).toBe(true);
    const prices = ranked.map((offer) => offer.pricePerHour);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(ranked[0]?.reasons.join(' ')).toMatch(/2 vCPUs/);
    expect(first.json.excludedByReason.VCPUS).toBeGreaterThan(0);
    const again = await cp.call('GET', '/v1/offers?vcpusMin=2&vcpusMax=2&memoryMinGiB=4&limit=50');
    expect(again.json.ranked).toEqual(first.json.ranked);
  });

  it('POST /v1/offers/plan takes the JSON requirements; spot: preferred puts spot offers first', async () => {
    const plan = await cp.call('POST', '/v1/offers/plan', { requirements: { ...medium, spot: 'preferred' } });
    expect(plan.status).toBe(200);
    const markets = plan.json.ranked.map((offer: { market: string }) => offer.market);
    const firstOnDemand = markets.indexOf('on-demand');
    expect(firstOnDemand).toBeGreaterThan(0);
    expect(markets.slice(firstOnDemand).every((market: string) => market === 'on-demand')).toBe(true);
  });

  it('a budget, a region glob and a provider filter exclude with reasons', async () => {
    const plan = await cp.call('POST', '/v1/offers/plan', { requirements: { vcpus: { min: 1 }, maxPricePerHour: 0.05, regions: ['local-2*'], providers: ['orbstack'] }, limit: 500 });
    expect(plan.json.ranked.every((offer: { region: string; provider: string; pricePerHour: number }) => offer.region === 'local-2' && offer.provider === 'orbstack' && offer.pricePerHour <= 0.05)).toBe(true);
    expect(plan.json.excludedByReason).toMatchObject({ OVER_BUDGET: expect.any(Number), REGION_FILTER: expect.any(Number), PROVIDER_FILTER: expect.any(Number) });
  });

  it('an impossible request is 422 NO_MATCHING_OFFER naming the closest offers and what each lacks; bad input names the field', async () => {
    const impossible = await cp.call('POST', '/v1/instances', { requirements: { gpu: { model: 'H100', count: 8 } } });
    expect(impossible.status).toBe(422);
    expect(impossible.json.error.code).toBe('NO_MATCHING_OFFER');
    expect(impossible.json.error.closest.length).toBeGreaterThan(0);
    expect(impossible.json.error.closest[0].lacks.join(' ')).toMatch(/no GPU/);

    const bad = await cp.call('GET', '/v1/offers?vcpusMin=abc');
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe('vcpusMin');
    const inverted = await cp.call('POST', '/v1/offers/plan', { requirements: { vcpus: { min: 4, max: 2 } } });
    expect(inverted.status).toBe(422);
    expect(inverted.json.error.issues[0].path).toBe('requirements.vcpus');
    const unknown = await cp.call('POST', '/v1/offers/plan', { requirements: { providers: ['nope'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: 'UNKNOWN_PROVIDER', field: 'requirements.providers' });
    const mixed = await cp.call('POST', '/v1/instances', { provider: 'orbstack', requirements: medium });
    expect(mixed.status).toBe(422);
    expect(mixed.json.error.issues.map((issue: { path: string; message: string }) => `${issue.path} ${issue.message}`).join(' ')).toMatch(/provider/);
    expect((await cp.call('GET', '/v1/instances')).json.items).toHaveLength(0);
  });
});

describe('spawn by requirements: the failover chain', () => {
  it('places on the cheapest offer and explains why', async () => {
    const spawned = await cp.call('POST', '/v1/instances', { requirements: medium });
    expect(spawned.status).toBe(202);
    expect(spawned.json).toMatchObject({ instanceType: 'orb.medium', status: expect.stringMatching(/provisioning|running/), placementId: expect.any(String) });
    const evidence = await cp.call('GET', `/v1/instances/${spawned.json.id}/placement`);
    expect(evidence.status).toBe(200);
    expect(evidence.json).toMatchObject({ status: 'placed', requirements: { vcpus: { min: 2, max: 2 } }, outcome: { code: 'PLACED' } });
    expect(evidence.json.attempts).toHaveLength(1);
    expect(evidence.json.attempts[0]).toMatchObject({ n: 1, outcome: 'spawned', offer: { rank: 1 } });
    expect(evidence.json.plan.ranked.length).toBeGreaterThan(1);
    expect(evidence.json.request).toBeUndefined();
    expect(await eventTypes(spawned.json.id)).toEqual(
      expect.arrayContaining(['instance.requested', 'placement.planned', 'placement.attempt-started', 'placement.attempt-succeeded', 'instance.spawned', 'placement.placed']),
    );
  });

  it('a capacity error moves to the next offer, is cached, and the cache steers the next plan', async () => {
    cp.faulty.nextSpawnFault = scriptedCapacity();
    // Both providers price orb.medium alike: the tie goes to the key, so `faulty` is tried first.
    const spawned = await cp.call('POST', '/v1/instances', { requirements: { ...medium, regions: ['local-1'] } });
    expect(spawned.status).toBe(202);
    expect(spawned.json.provider).toBe('orbstack');
    const evidence = (await cp.call('GET', `/v1/instances/${spawned.json.id}/placement`)).json;
    expect(evidence.attempts.map((attempt: { offer: { provider: string }; outcome: string; errorCode: string | null }) => [attempt.offer.provider, attempt.outcome, attempt.errorCode])).toEqual([
      ['faulty', 'refused', 'CAPACITY_ERROR'],
      ['orbstack', 'spawned', null],
    ]);
    expect(evidence.escalations.map((escalation: { kind: string }) => escalation.kind)).toContain('next-offer');
    expect(evidence.attempts[1].token).toBe(`${spawned.json.id}.2`);

    const cache = await cp.call('GET', '/v1/capacity-errors?active=true');
    expect(cache.json.items).toEqual([expect.objectContaining({ provider: 'faulty', region: 'local-1', instanceType: 'orb.medium', market: 'on-demand', code: 'CAPACITY_ERROR', failures: 1, active: true })]);
    const plan = await cp.call('POST', '/v1/offers/plan', { requirements: { ...medium, regions: ['local-1'] } });
    expect(plan.json.ranked.map((offer: { provider: string }) => offer.provider)).toEqual(['orbstack']);
    expect(plan.json.excluded.find((offer: { provider: string }) => offer.provider === 'faulty').reasons[0]).toMatchObject({ code: 'CAPACITY_CACHED', until: expect.any(String) });
  });

  it('every offer refused: 503 PLACEMENT_EXHAUSTED listing the attempts; the row is failed; the same key replays it', async () => {
    await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 1, capacity: [{ instanceType: 'orb.medium', limit: 0 }] });
    cp.faulty.nextSpawnFault = scriptedCapacity();
    const headers = { 'Idempotency-Key': 'exhaust-1' };
    const failed = await cp.call('POST', '/v1/instances', { requirements: { ...medium, regions: ['local-1'] } }, headers);
    expect(failed.status).toBe(503);
    expect(failed.json.error).toMatchObject({ code: 'PLACEMENT_EXHAUSTED', instanceId: expect.any(String) });
    expect(failed.json.error.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['refused', 'refused']);
    const row = (await cp.call('GET', `/v1/instances/${failed.json.error.instanceId}`)).json;
    expect(row.status).toBe('failed');
    const again = await cp.call('POST', '/v1/instances', { requirements: { ...medium, regions: ['local-1'] } }, headers);
    expect(again.status).toBe(503);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    // Both slices are cached now: the next plan has nothing to offer for a while, and says until when.
    const next = await cp.call('POST', '/v1/instances', { requirements: { ...medium, regions: ['local-1'] } });
    expect(next.status).toBe(503);
    expect(next.json.error.code).toBe('NO_OFFER_AVAILABLE');
    expect(Number(next.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('AUTH_ERROR makes the provider unusable for the chain', async () => {
    cp.faulty.nextSpawnFault = new ProviderError({ code: 'AUTH_ERROR', provider: 'faulty', message: 'scripted: key revoked' });
    const spawned = await cp.call('POST', '/v1/instances', { requirements: { vcpus: { min: 1, max: 1 }, memoryGiB: { min: 2, max: 2 } } });
    expect(spawned.status).toBe(202);
    const evidence = (await cp.call('GET', `/v1/instances/${spawned.json.id}/placement`)).json;
    expect(evidence.escalations.map((escalation: { kind: string }) => escalation.kind)).toContain('provider-unusable');
    expect(evidence.attempts.slice(1).every((attempt: { offer: { provider: string } }) => attempt.offer.provider === 'orbstack')).toBe(true);
  });
});

describe('spot replacement (onInterruption: replace)', () => {
  it('a reclaimed spot machine is replaced through the same chain, once, linked to the old instance; the cache learns the slice', async () => {
    const spawned = await cp.call('POST', '/v1/instances', { requirements: { ...medium, spot: 'required', providers: ['orbstack'] }, onInterruption: 'replace' });
    expect(spawned.status).toBe(202);
    expect(spawned.json.spot).toBe(true);
    const old = spawned.json.id as string;
    await cp.call('GET', `/v1/instances/${old}?waitFor=running&timeout=5`);
    // Every running spot machine is reclaimed at once (no notice period).
    expect((await cp.call('PUT', '/v1/providers/orbstack/chaos', { seed: 5, spotInterruptions: { probability: 1, noticeMs: 0 } })).status).toBe(200);
    let replacement: { id: string; placementId: string } | undefined;
    for (let pass = 0; pass < 40 && !replacement; pass += 1) {
      await cp.plane.reconcileNow('orbstack');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const items = (await cp.call('GET', '/v1/instances')).json.items as { id: string; placementId: string }[];
      replacement = items.find((item) => item.id !== old);
    }
    expect(replacement).toBeDefined();
    await cp.call('DELETE', '/v1/providers/orbstack/chaos');
    const evidence = (await cp.call('GET', `/v1/instances/${replacement?.id}/placement`)).json;
    expect(evidence.replaces).toBe(old);
    expect((await cp.call('GET', `/v1/instances/${old}`)).json.error.code).toBe('SPOT_INTERRUPTED');
    expect(await eventTypes(old)).toContain('instance.replaced');
    const cache = (await cp.call('GET', '/v1/capacity-errors')).json.items as { code: string; market: string; source: string }[];
    expect(cache).toContainEqual(expect.objectContaining({ code: 'SPOT_INTERRUPTED', market: 'spot', source: 'spot-interruption' }));
    // More reconciles do not place a second replacement.
    await cp.plane.reconcileNow('orbstack');
    await cp.plane.reconcileNow('orbstack');
    const all = (await cp.call('GET', '/v1/instances')).json.items as { id: string; placementId: string }[];
    expect(all.filter((item) => item.id !== old && item.id !== replacement?.id && item.placementId !== null).length).toBeLessThanOrEqual(1);
  });
});
