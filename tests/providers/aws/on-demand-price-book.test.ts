import { describe, expect, it } from 'vitest';
import { startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { useTestBed } from '../../support/use-test-bed.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' };
/** Deliberately wrong and incomplete, so a refresh is visible. */
const STALE_BUNDLE = { 'us-east-1': { 'g5.xlarge': 9.99 } };

const open = useTestBed(async (pricing: Record<string, unknown> = {}) => {
  const emulator = await startEc2Emulator({ seed: 7 });
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

describe('AWS on-demand prices: bundled first, refreshed from the Price List API', () => {
  it('answers from the bundled table until a health check refreshes it from GetProducts', async () => {
    const bed = await open();
    expect((await bed.price('g5.xlarge'))?.pricePerHour).toBe(9.99);
    expect((await bed.price('t3.micro'))?.pricePerHour).toBeNull();
    expect((await bed.price('t3.micro'))?.warnings.join(' ')).toMatch(/no bundled on-demand price/);

    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health?.ok).toBe(true);
    expect(health?.message).toMatch(/on-demand prices refreshed .* \(12 read\)/);
    expect((await bed.price('g5.xlarge'))?.pricePerHour).toBeCloseTo(1.006, 6);
    const micro = await bed.price('t3.micro');
    expect(micro?.pricePerHour).toBeCloseTo(0.0104, 6);
    expect(micro?.warnings).toEqual([]);
    // One query per region: Linux, shared, no software, used capacity (12 products on this emulator).
    expect(bed.emulator.calls.get('Pricing.GetProducts')).toBe(2);
  });

  it('does not refresh again while the prices are fresh', async () => {
    const bed = await open();
    await bed.registration.hooks.onHeartbeat?.('health_check');
    await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(bed.emulator.calls.get('Pricing.GetProducts')).toBe(2);
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
