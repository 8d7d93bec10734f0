import type { PricingClient } from '@aws-sdk/client-pricing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SkippedEntryLog } from '../../../src/contracts/index.js';
import { EC2_INSTANCE_TYPES } from '../../../src/emulators/ec2/ec2-catalog.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { awsHealthCheck } from '../../../src/providers/aws/aws-health-check.js';
import { createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { Ec2Clients } from '../../../src/providers/aws/ec2-clients.js';
import { OnDemandPriceBook, pricingClient } from '../../../src/providers/aws/on-demand-price-book.js';
import { useTestBed } from '../../support/use-test-bed.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' };
/** Deliberately wrong and incomplete, so a refresh is visible. */
const STALE_BUNDLE = { 'us-east-1': { 'g5.xlarge': 9.99 } };
/** Every type the emulator sells is priced once per region: ordinary ones as shared tenancy, metal as dedicated. */
const PRICES_PER_REFRESH = EC2_INSTANCE_TYPES.length * 2;

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const open = useTestBed(async (pricing: Record<string, unknown> = {}, emulatorOptions: Ec2EmulatorOptions = {}) => {
  const emulator = await startEc2Emulator({ seed: 7, ...emulatorOptions });
  const config = AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { endpoint: emulator.url, ...pricing } });
  const registration = createAwsRegistration(config, { credentials: CREDENTIALS, prices: STALE_BUNDLE });
  return {
    emulator,
    registration,
    price: async (name: string) => (await registration.provider.instanceTypes()).find((offering) => offering.name === name),
    close: async () => {
      await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  };
});

/** A Price List client over the emulator that records every PriceList item it receives. */
function recordingClient(url: string, credentials = CREDENTIALS): { client: PricingClient; received: Record<string, string>[]; sent: number[] } {
  const client = pricingClient(url, credentials);
  const received: Record<string, string>[] = [];
  const sent: number[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      sent.push(1);
      const result = await next(args);
      for (const item of (result.output as { PriceList?: unknown[] }).PriceList ?? []) {
        received.push((JSON.parse(String(item)) as { product: { attributes: Record<string, string> } }).product.attributes);
      }
      return result;
    },
    { step: 'initialize', name: 'recordPriceList' },
  );
  return { client, received, sent };
}

describe('AWS on-demand prices: bundled first, refreshed from the Price List API', () => {
  it('answers from the bundled table until a health check refreshes it from GetProducts', async () => {
    const bed = await open();
    expect((await bed.price('g5.xlarge'))?.pricePerHour).toBe(9.99);
    expect((await bed.price('t3.micro'))?.pricePerHour).toBeNull();
    expect((await bed.price('t3.micro'))?.warnings.join(' ')).toMatch(/no bundled on-demand price/);

    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health?.ok).toBe(true);
    expect(health?.message).toMatch(new RegExp(`on-demand prices refreshed .* \\(${PRICES_PER_REFRESH} read\\)`));
    expect((await bed.price('g5.xlarge'))?.pricePerHour).toBeCloseTo(1.006, 6);
    const micro = await bed.price('t3.micro');
    expect(micro?.pricePerHour).toBeCloseTo(0.0104, 6);
    expect(micro?.warnings).toEqual([]);
    // Two queries per region: shared-tenancy compute instances, and dedicated-tenancy bare metal.
    expect(bed.emulator.calls.get('Pricing.GetProducts')).toBe(4);
  });

  it('prices *.metal types from their bare-metal, dedicated-tenancy product (they have no shared one)', async () => {
    const bed = await open();
    expect((await bed.price('m5.metal'))?.pricePerHour).toBeNull();
    await bed.registration.hooks.onHeartbeat?.('health_check');
    const metal = await bed.price('m5.metal');
    expect(metal?.pricePerHour).toBeCloseTo(4.608, 6);
    expect(metal?.warnings).toEqual([]);
    // The dedicated-instance products of ordinary types cost more: they must not leak into the shared prices.
    expect((await bed.price('m5.large'))?.pricePerHour).toBeCloseTo(0.096, 6);
  });

  it('asks for on-demand products only: the $0 Capacity Block products never arrive, so none is skipped', async () => {
    const emulator = await startEc2Emulator({ seed: 7 });
    const { client, received } = recordingClient(emulator.url);
    const skipped = new SkippedEntryLog();
    const book = new OnDemandPriceBook({}, client, Date.now, { skipped });
    try {
      const status = await book.refresh(['us-east-1']);
      expect(status.lastError).toBeNull();
      expect(received.length).toBeGreaterThan(0);
      expect(received.filter((attributes) => attributes.marketoption !== 'OnDemand')).toEqual([]);
      expect(skipped.report().total).toBe(0);
      expect(book.table()['us-east-1']?.['p5.48xlarge']).toBeCloseTo(98.32, 6);
    } finally {
      book.destroy();
      await emulator.close();
    }
  });

  it('does not refresh again while the prices are fresh', async () => {
    const bed = await open();
    await bed.registration.hooks.onHeartbeat?.('health_check');
    await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(bed.emulator.calls.get('Pricing.GetProducts')).toBe(4);
  });

  it('retries a throttled GetProducts page (the SDK’s retry strategy, bounded, with backoff) instead of dropping the refresh', async () => {
    // One request at a time: every request after the first meets an empty bucket once, then is retried after the backoff.
    const bed = await open({}, { pricingThrottle: { bucket: 1, refillPerSecond: 4 } });
    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health?.message).toMatch(new RegExp(`on-demand prices refreshed .* \\(${PRICES_PER_REFRESH} read\\)`));
    expect((await bed.price('g5.xlarge'))?.pricePerHour).toBeCloseTo(1.006, 6);
    // Four pages, each later one throttled at least once: the throttled answers were retried, not fatal.
    expect(bed.emulator.calls.get('Pricing.GetProducts')).toBeGreaterThan(4);
  });

  it('keeps the prices it has and stays healthy when the Price List API cannot be reached', async () => {
    const bed = await open({ endpoint: 'http://127.0.0.1:9' });
    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health?.ok).toBe(true);
    expect(health?.message).toMatch(/on-demand prices not refreshed \(.+\); the bundled table is in use/);
    expect((await bed.price('g5.xlarge'))?.pricePerHour).toBe(9.99);
  });

  it('never calls the Price List API when pricing is disabled', async () => {
    const bed = await open({ enabled: false });
    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health?.message).toMatch(/disabled in the configuration/);
    expect(bed.emulator.calls.get('Pricing.GetProducts')).toBeUndefined();
  });
});

describe('a failing Price List refresh backs off', () => {
  it('is not retried on every health check: exponential backoff with a cap, the next attempt shown in the health message', async () => {
    const emulator = await startEc2Emulator({ seed: 7, accessKeys: [CREDENTIALS] });
    let clock = Date.UTC(2025, 0, 1, 12);
    const now = (): number => clock;
    const clients = new Ec2Clients(AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: emulator.url }), { credentials: CREDENTIALS });
    // A key the Price List does not know: every refresh fails (UnrecognizedClientException), and is not retried by the SDK.
    const { client, sent } = recordingClient(emulator.url, { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'not-the-secret' });
    const book = new OnDemandPriceBook({}, client, now, { retryBaseMs: 60_000, retryCapMs: 240_000 });
    const check = () => awsHealthCheck(clients, book, 24 * 60 * 60 * 1000);
    try {
      const first = await check();
      expect(first.ok).toBe(true);
      expect(first.message).toContain('next attempt at 2025-01-01T12:01:00.000Z');
      expect(sent).toHaveLength(1);

      // Health checks before the next attempt leave the Price List alone.
      clock += 30_000;
      expect((await check()).message).toContain('next attempt at 2025-01-01T12:01:00.000Z');
      expect(sent).toHaveLength(1);

      // Then the waits double: 2, 4 minutes, and no longer than the cap.
      const attempts: string[] = [];
      for (const waitMs of [30_000, 120_000, 240_000, 240_000]) {
        clock += waitMs;
        attempts.push(/next attempt at (\S+)\)?/.exec((await check()).message ?? '')?.[1] ?? '');
      }
      expect(sent).toHaveLength(5);
      expect(attempts.map((at) => (Date.parse(at) - Date.UTC(2025, 0, 1, 12)) / 60_000)).toEqual([3, 7, 11, 15]);
      expect(book.refreshStatus()).toMatchObject({ lastErrorCode: 'AUTH_ERROR', refreshedAt: null });
    } finally {
      clients.destroy();
      book.destroy();
      await emulator.close();
    }
  });
});
