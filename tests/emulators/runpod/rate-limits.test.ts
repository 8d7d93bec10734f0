import { describe, expect, it } from 'vitest';
import { DOCUMENTED_RATE_LIMITS, EMULATOR_API_KEY } from '../../../src/emulators/runpod/runpod-emulator-options.js';
import { startRunPodEmulator } from '../../../src/emulators/runpod/start-runpod-emulator.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { graphql, restClient } from './runpod-test-client.js';

async function bed(options: Parameters<typeof startRunPodEmulator>[0] = {}) {
  const clock = { now: Date.UTC(2026, 5, 1, 12) };
  const emulator = await startRunPodEmulator({ seed: 1, now: () => clock.now, ...options });
  return { emulator, clock, rest: restClient(emulator.url, EMULATOR_API_KEY), close: () => emulator.close() };
}

describe('RunPod emulator: rate limits (429 + Retry-After + RateLimit headers, as the v2 document describes)', () => {
  const start = useTestBed(bed);

  it('sends the documented RateLimit and RateLimit-Policy headers on every authenticated answer by default', async () => {
    const { rest } = await start();
    const first = await rest('GET', '/v2/pods');
    expect(first.headers.get('ratelimit-policy')).toBe('"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400');
    expect(first.headers.get('ratelimit')).toBe('"minute";r=59;t=60, "hour";r=2999;t=3600, "day";r=49999;t=86400');
    expect(DOCUMENTED_RATE_LIMITS.map((window) => window.quota)).toEqual([60, 3000, 50000]);
    const missing = await rest('GET', '/v2/pods/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ratelimit')).toContain('"minute";r=58');
  });

  it('answers 429 with Retry-After once a window is spent, and serves again when it resets', async () => {
    const { rest, clock } = await start({ rateLimits: [{ name: 'minute', quota: 3, windowMs: 60_000 }, { name: 'hour', quota: 100, windowMs: 3_600_000 }] });
    for (let index = 0; index < 3; index += 1) expect((await rest('GET', '/v2/pods')).status).toBe(200);
    clock.now += 15_000;
    const refused = await rest('GET', '/v2/pods');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(refused.headers.get('ratelimit')).toBe('"minute";r=0;t=45, "hour";r=97;t=3585');
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    clock.now += 45_000;
    expect((await rest('GET', '/v2/pods')).status).toBe(200);
  });

  it('counts per API key', async () => {
    const { emulator } = await start({ apiKeys: ['a', 'b'], rateLimits: [{ name: 'minute', quota: 1, windowMs: 60_000 }] });
    expect((await restClient(emulator.url, 'a')('GET', '/v2/pods')).status).toBe(200);
    expect((await restClient(emulator.url, 'a')('GET', '/v2/pods')).status).toBe(429);
    expect((await restClient(emulator.url, 'b')('GET', '/v2/pods')).status).toBe(200);
  });

  it('limits GraphQL only when configured (RunPod documents no GraphQL limits)', async () => {
    const { emulator } = await start({ graphqlRateLimits: [{ name: 'minute', quota: 1, windowMs: 60_000 }] });
    const query = 'query { gpuTypes { id } }';
    expect((await graphql(emulator.graphqlUrl, EMULATOR_API_KEY, query)).status).toBe(200);
    const refused = await graphql(emulator.graphqlUrl, EMULATOR_API_KEY, query);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.errors?.[0]?.message).toMatch(/rate limit/i);
  });
});
