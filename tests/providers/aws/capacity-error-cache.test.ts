import { describe, expect, it } from 'vitest';
import { CapacityErrorCache, type CapacityKey, DEFAULT_CAPACITY_ERROR_TTL_MS } from '../../../src/providers/aws/capacity-error-cache.js';

const key: CapacityKey = { provider: 'aws', region: 'us-east-1', zone: 'us-east-1a', instanceType: 'g5.xlarge', market: 'on-demand' };

function cacheOnClock(ttlMs?: number): { cache: CapacityErrorCache; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { cache: new CapacityErrorCache({ now: () => clock.now, ...(ttlMs !== undefined && { ttlMs }) }), clock };
}

describe('CapacityErrorCache', () => {
  it('holds a marked offering for three minutes by default, then forgets it', () => {
    const { cache, clock } = cacheOnClock();
    expect(cache.isUnavailable(key)).toBe(false);
    cache.markUnavailable(key, 'InsufficientInstanceCapacity');
    expect(cache.isUnavailable(key)).toBe(true);
    clock.now += DEFAULT_CAPACITY_ERROR_TTL_MS - 1;
    expect(cache.isUnavailable(key)).toBe(true);
    clock.now += 1;
    expect(cache.isUnavailable(key)).toBe(false);
    expect(cache.entries()).toEqual([]);
    expect(DEFAULT_CAPACITY_ERROR_TTL_MS).toBe(180_000);
  });

  it('keys on every part of the offering', () => {
    const { cache } = cacheOnClock();
    cache.markUnavailable(key, 'full');
    expect(cache.isUnavailable({ ...key })).toBe(true);
    expect(cache.isUnavailable({ ...key, market: 'spot' })).toBe(false);
    expect(cache.isUnavailable({ ...key, zone: 'us-east-1b' })).toBe(false);
    expect(cache.isUnavailable({ ...key, region: 'us-west-2' })).toBe(false);
    expect(cache.isUnavailable({ ...key, instanceType: 'm5.large' })).toBe(false);
    expect(cache.isUnavailable({ ...key, provider: 'orbstack' })).toBe(false);
  });

  it('restarts the TTL on a second refusal and keeps the latest reason', () => {
    const { cache, clock } = cacheOnClock(10_000);
    cache.markUnavailable(key, 'first');
    clock.now += 8_000;
    cache.markUnavailable(key, 'second');
    clock.now += 8_000;
    expect(cache.entry(key)).toEqual({ key, reason: 'second', markedAt: 1_008_000, expiresAt: 1_018_000 });
  });

  it('lists live entries soonest to lapse first, dropping lapsed ones', () => {
    const { cache, clock } = cacheOnClock(10_000);
    const spot: CapacityKey = { ...key, market: 'spot' };
    const zoneB: CapacityKey = { ...key, zone: 'us-east-1b' };
    cache.markUnavailable(key, 'a');
    clock.now += 4_000;
    cache.markUnavailable(zoneB, 'b');
    clock.now += 2_000;
    cache.markUnavailable(spot, 'spot');
    expect(cache.entries().map((entry) => entry.reason)).toEqual(['a', 'b', 'spot']);
    clock.now += 4_000;
    expect(cache.entries().map((entry) => [entry.key.zone, entry.key.market, entry.expiresAt])).toEqual([
      ['us-east-1b', 'on-demand', 1_014_000],
      ['us-east-1a', 'spot', 1_016_000],
    ]);
  });

  it('keeps a copy of the key, so a caller mutating its object changes nothing', () => {
    const { cache } = cacheOnClock();
    const mutable = { ...key };
    cache.markUnavailable(mutable, 'full');
    mutable.zone = 'us-east-1c';
    expect(cache.entries()[0]?.key.zone).toBe('us-east-1a');
  });
});
