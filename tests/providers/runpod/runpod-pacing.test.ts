import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { parseRateLimit, parseRateLimitPolicy, retryAfterMs } from '../../../src/providers/runpod/ratelimit-headers.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

describe('RunPod rate limits: RateLimit headers, Retry-After, and a pacer that paces a burst instead of failing it', () => {
  const start = useTestBed(startRunPodTestBed);

  it('reads the structured-field headers as the v2 document writes them', () => {
    expect(parseRateLimit('"minute";r=0;t=12, "hour";r=2800;t=1812, "day";r=49500;t=45012')).toEqual([
      { name: 'minute', remaining: 0, resetSeconds: 12 },
      { name: 'hour', remaining: 2800, resetSeconds: 1812 },
      { name: 'day', remaining: 49500, resetSeconds: 45012 },
    ]);
    expect(parseRateLimitPolicy('"minute";q=60;w=60, "hour";q=3000;w=3600')).toEqual([
      { name: 'minute', quota: 60, windowSeconds: 60 },
      { name: 'hour', quota: 3000, windowSeconds: 3600 },
    ]);
    expect(parseRateLimit('garbage, "x";r=1')).toEqual([]);
    expect(retryAfterMs('12', 0)).toBe(12_000);
    expect(retryAfterMs(new Date(30_000).toUTCString(), 0)).toBe(30_000);
    expect(retryAfterMs(null, 0)).toBeNull();
  });

  it('paces a burst of spawns larger than the window: every spawn succeeds and no request is answered 429', async () => {
    const bed = await start({ rateLimits: [{ name: 'second', quota: 4, windowMs: 1_000 }] });
    const startedAt = Date.now();
    const spawned = await Promise.all(Array.from({ length: 10 }, () => bed.registration.provider.spawn(spawnOptions())));
    expect(new Set(spawned.map((pod) => pod.providerId)).size).toBe(10);
    expect(bed.calls.filter((call) => call.status === 429)).toEqual([]);
    // 10 requests at 4 per window need at least two window resets.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('a 429 all the same (another client on the key) is RATE_LIMIT_ERROR with the Retry-After, and holds later requests back', async () => {
    const bed = await start();
    let refused = false;
    bed.intercept = (method) => {
      if (method !== 'GET' || refused) return null;
      refused = true;
      return new Response(JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'rate limit exceeded for the minute window' }), {
        status: 429,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '1', ratelimit: '"minute";r=0;t=1', 'ratelimit-policy': '"minute";q=60;w=60' },
      });
    };
    const error = await bed.registration.provider.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryable: true, retryAfterMs: 1_000 });
    const startedAt = Date.now();
    await bed.registration.provider.list();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('refuses at once, without sending, when the wait would pass maxPaceWaitMs', async () => {
    const bed = await start({ rateLimits: [{ name: 'minute', quota: 1, windowMs: 60_000 }] }, { maxPaceWaitMs: 1_000 });
    await bed.registration.provider.list();
    const sent = bed.calls.length;
    const error = await bed.registration.provider.list().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'RATE_LIMIT_ERROR' });
    expect((error as ProviderError).retryAfterMs).toBeGreaterThan(50_000);
    expect(bed.calls.length).toBe(sent);
  });
});
