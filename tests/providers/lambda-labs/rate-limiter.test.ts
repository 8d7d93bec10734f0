import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { RateLimiter, rateLimiterFor } from '../../../src/providers/lambda-labs/rate-limiter.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { LAUNCH_PATH, openLambdaLabsBed } from './lambda-labs-test-bed.js';

const open = useTestBed(openLambdaLabsBed);

describe('the per-key rate limiter', () => {
  it('spaces requests by the request interval and launches by the launch interval', async () => {
    const limiter = new RateLimiter();
    const intervals = { requestIntervalMs: 40, launchIntervalMs: 150, guardMs: 0 };
    const startedAt = Date.now();
    const at: number[] = [];
    await Promise.all([0, 1, 2].map(async () => {
      await limiter.acquire('launch', intervals);
      at.push(Date.now() - startedAt);
    }));
    at.sort((a, b) => a - b);
    expect(at[1] ?? 0).toBeGreaterThanOrEqual(145);
    expect(at[2] ?? 0).toBeGreaterThanOrEqual(295);
  });

  it('lets a read take a free slot before a launch that is still waiting', async () => {
    const limiter = new RateLimiter();
    const intervals = { requestIntervalMs: 20, launchIntervalMs: 300, guardMs: 0 };
    await limiter.acquire('launch', intervals);
    const startedAt = Date.now();
    const launch = limiter.acquire('launch', intervals).then(() => Date.now() - startedAt);
    const read = await limiter.acquire('request', intervals).then(() => Date.now() - startedAt);
    expect(read).toBeLessThan(150);
    expect(await launch).toBeGreaterThanOrEqual(250);
  });

  it('is shared by key (hashed), and honours a block (Retry-After)', async () => {
    const key = randomUUID();
    expect(rateLimiterFor(key)).toBe(rateLimiterFor(key));
    expect(rateLimiterFor(key)).not.toBe(rateLimiterFor(`${key}-other`));
    const limiter = new RateLimiter();
    limiter.blockUntil(Date.now() + 120);
    const startedAt = Date.now();
    await limiter.acquire('request', { requestIntervalMs: 0, launchIntervalMs: 0, guardMs: 0 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(110);
  });

  it('an aborted wait rejects and frees its slot', async () => {
    const limiter = new RateLimiter();
    const intervals = { requestIntervalMs: 10_000, launchIntervalMs: 10_000, guardMs: 0 };
    await limiter.acquire('request', intervals);
    const controller = new AbortController();
    const waiting = limiter.acquire('request', intervals, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limiter.pending().requests).toBe(0);
  });
});

describe('pacing against the emulator enforcing the same limits', () => {
  it('a burst of 4 launches is paced (launch interval 300 ms: at least ~900 ms) and never answered 429', async () => {
    const bed = await open({
      emulator: { rateLimits: { requestIntervalMs: 20, launchIntervalMs: 300, toleranceMs: 10 } },
      config: { rateLimits: { requestIntervalMs: 20, launchIntervalMs: 300, guardMs: 100 } },
    });
    const startedAt = Date.now();
    const spawned = await Promise.all([0, 1, 2, 3].map(() => bed.provider.spawn(bed.spawnOptions())));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(880);
    expect(new Set(spawned.map((instance) => instance.providerId)).size).toBe(4);
    expect(bed.calls(LAUNCH_PATH)).toBe(4);
    expect(bed.emulator.gate?.refused).toEqual({ requests: 0, launches: 0 });
  });

  it('two registrations sharing a key share the budget', async () => {
    const bed = await open({
      emulator: { rateLimits: { requestIntervalMs: 20, launchIntervalMs: 200, toleranceMs: 10 } },
      config: { rateLimits: { requestIntervalMs: 20, launchIntervalMs: 200, guardMs: 100 } },
    });
    const { createLambdaLabsRegistration } = await import('../../../src/providers/lambda-labs/lambda-labs-registration.js');
    const { LambdaLabsConfigSchema } = await import('../../../src/providers/lambda-labs/lambda-labs-config.js');
    const second = createLambdaLabsRegistration(
      LambdaLabsConfigSchema.parse({ sshKeyName: 'hangar-emulator', regions: ['us-east-1'], rateLimits: { requestIntervalMs: 20, launchIntervalMs: 200, guardMs: 25 } }),
      { env: { LAMBDA_API_KEY: bed.apiKey, HANGAR_LAMBDA_LABS_URL: bed.emulator.url } },
    );
    await Promise.all([bed.provider.spawn(bed.spawnOptions()), second.provider.spawn(bed.spawnOptions()), bed.provider.spawn(bed.spawnOptions())]);
    await second.hooks.onShutdown?.();
    expect(bed.emulator.gate?.refused).toEqual({ requests: 0, launches: 0 });
  });

  it('a 429 from Lambda (a budget spent elsewhere) is RATE_LIMIT_ERROR with retryAfterMs, and the limiter waits it out', async () => {
    const bed = await open({ emulator: { rateLimits: { requestIntervalMs: 1_000, launchIntervalMs: 1_000, toleranceMs: 0 } } });
    // Someone else with the same key spends the budget.
    await fetch(`${bed.emulator.url}/api/v1/instances`, { headers: { authorization: `Bearer ${bed.apiKey}` } });
    const error = (await bed.provider.list().catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect([error.code, error.retryAfterMs]).toEqual(['RATE_LIMIT_ERROR', 1_000]);
    const startedAt = Date.now();
    await bed.provider.list();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('shutdown ends queued waits', async () => {
    const bed = await open({ config: { rateLimits: { requestIntervalMs: 5_000, launchIntervalMs: 5_000, guardMs: 0 } }, emulator: { rateLimits: null } });
    await bed.provider.list();
    const queued = bed.provider.list().catch((caught: unknown) => caught);
    await bed.registration.hooks.onShutdown?.();
    expect(((await queued) as Error).message).toContain('shut down');
  });
});
