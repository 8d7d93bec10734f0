import { DescribeSpotInstanceRequestsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { ProviderError, SpotPriceSchema, SpotRequestSchema, type SpotRequestOptions } from '../../../src/contracts/index.js';
import { type AwsTestBed, spawnOptions, startAwsTestBed } from './aws-test-bed.js';

const open = useTestBed(startAwsTestBed);

const spotOptions = (maxPricePerHour: number | null, overrides: Parameters<typeof spawnOptions>[0] = {}): SpotRequestOptions => ({
  ...spawnOptions({ spot: true, ...overrides }),
  maxPricePerHour,
});

/** The emulator's own view of a spot request, read with a plain SDK client. */
async function ec2SpotRequest(current: AwsTestBed, requestId: string, region = 'us-east-1'): Promise<{ State?: string; Status?: { Code?: string } } | undefined> {
  const client = new EC2Client({
    endpoint: current.emulator.url,
    region,
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    maxAttempts: 1,
  });
  try {
    return (await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [requestId] }))).SpotInstanceRequests?.[0];
  } finally {
    client.destroy();
  }
}

describe('AWS provider: spot', () => {
  it('reads the latest spot price per zone, by type and region', async () => {
    const { registration } = await open();
    const provider = registration.provider;
    const g5 = await provider.getSpotPrices({ instanceType: 'g5.xlarge' });
    expect(g5.map((price) => `${price.region}/${price.zone ?? ''}`).sort()).toEqual([
      'us-east-1/us-east-1a',
      'us-east-1/us-east-1b',
      'us-east-1/us-east-1c',
      'us-west-2/us-west-2a',
      'us-west-2/us-west-2b',
    ]);
    for (const price of g5) {
      expect(SpotPriceSchema.safeParse(price).success).toBe(true);
      expect(price.instanceType).toBe('g5.xlarge');
      expect(price.pricePerHour).toBeGreaterThan(0.3 * 1.006 - 1e-9);
      expect(price.pricePerHour).toBeLessThan(1.006);
      expect(price.observedAt).toBe(new Date(Date.UTC(2025, 0, 1, 12)).toISOString());
    }
    const west = await provider.getSpotPrices({ region: 'us-west-2' });
    // Two zones × the 13 types sold as spot there (gr6f and p4de are not; p4de is not offered in us-west-2b either).
    expect(west).toHaveLength(2 * 13);
    expect(new Set(west.map((price) => price.region))).toEqual(new Set(['us-west-2']));
    expect(await provider.getSpotPrices({ region: 'eu-west-1' })).toEqual([]);
    // Five zones × 13 spot types, less dl1 in us-east-1c (offered in zones a and b only).
    expect(await provider.getSpotPrices()).toHaveLength(5 * 13 - 1);
  });

  it('fulfils a request with a spot machine, honouring the maximum price and the caller’s zone', async () => {
    const { registration, emulator } = await open();
    const provider = registration.provider;
    const request = await provider.requestSpotInstance(spotOptions(0.9, { zone: 'us-east-1c', region: 'us-east-1' }));
    expect(SpotRequestSchema.safeParse(request).success).toBe(true);
    expect(request).toMatchObject({ requestId: expect.stringMatching(/^sir-/), status: 'fulfilled', maxPricePerHour: 0.9, message: null });
    const machine = await provider.get(request.providerInstanceId ?? '');
    expect(machine).toMatchObject({ spot: true, lifecycle: 'spot', zone: 'us-east-1c', spotInstanceRequestId: request.requestId, owner: 'hangar-test' });
    expect(emulator.state.spotRequests.get(request.requestId)?.spotPrice).toBe('0.900000');
    const uncapped = await provider.requestSpotInstance(spotOptions(null));
    expect(uncapped).toMatchObject({ status: 'fulfilled', maxPricePerHour: null });
    expect(emulator.state.spotRequests.get(uncapped.requestId)?.spotPrice).toBe('1.006000');
  });

  it('repeats a request with the same idempotency token as the same request', async () => {
    const { registration, emulator } = await open();
    const options = spotOptions(null);
    const first = await registration.provider.requestSpotInstance(options);
    const second = await registration.provider.requestSpotInstance(options);
    expect(second).toEqual(first);
    expect(emulator.state.spotRequests.size).toBe(1);
  });

  it('answers failed, with no machine, when the market is above the maximum price', async () => {
    const { registration, emulator } = await open();
    const provider = registration.provider;
    const prices = await provider.getSpotPrices({ instanceType: 'g5.xlarge', region: 'us-east-1' });
    const cheapest = Math.min(...prices.map((price) => price.pricePerHour));
    const options = spotOptions(0.01);
    const tooLow = await provider.requestSpotInstance(options);
    expect(SpotRequestSchema.safeParse(tooLow).success).toBe(true);
    expect(tooLow).toEqual({
      requestId: options.idempotencyToken,
      status: 'failed',
      providerInstanceId: null,
      maxPricePerHour: 0.01,
      message: expect.stringContaining(`SpotMaxPriceTooLow: Your Spot request price of 0.01 is lower than the minimum required Spot request fulfillment price of ${cheapest}.`),
    });
    // Below EC2's $0.001 floor EC2 would refuse the parameter itself; no call is made.
    const belowFloor = await provider.requestSpotInstance(spotOptions(0.000001));
    expect(belowFloor).toMatchObject({ status: 'failed', providerInstanceId: null, message: expect.stringContaining('lowest accepted spot price') });
    expect(emulator.state.instances.size).toBe(0);
    await provider.cancelSpotRequest(tooLow.requestId);
  });

  it('raises other refusals through the error table', async () => {
    const { registration } = await open({ capacity: { byZone: { 'us-east-1a': { 'g5.xlarge': 0 } } } });
    const provider = registration.provider;
    const codeOf = async (options: SpotRequestOptions): Promise<string> =>
      provider.requestSpotInstance(options).then(
        (answer) => `answered ${answer.status}`,
        (error: unknown) => (error instanceof ProviderError ? error.code : String(error)),
      );
    expect(await codeOf(spotOptions(null, { zone: 'us-east-1a' }))).toBe('CAPACITY_ERROR');
    expect(await codeOf(spotOptions(null, { instanceType: 'x9.huge' }))).toBe('INVALID_SPEC');
    expect(await codeOf(spotOptions(null, { region: 'eu-west-1' }))).toBe('INVALID_SPEC');
  });

  it('cancels idempotently, leaves the machine running, and finds a request in another region', async () => {
    const current = await open();
    const provider = current.registration.provider;
    const request = await provider.requestSpotInstance(spotOptions(null, { region: 'us-west-2' }));
    current.clock += 1_000;
    await provider.cancelSpotRequest(request.requestId);
    await provider.cancelSpotRequest(request.requestId);
    expect(await ec2SpotRequest(current, request.requestId, 'us-west-2')).toMatchObject({
      State: 'cancelled',
      Status: { Code: 'request-canceled-and-instance-running' },
    });
    expect((await provider.get(request.providerInstanceId ?? ''))?.status).toBe('running');
    await provider.cancelSpotRequest('sir-0000dead');
    await provider.cancelSpotRequest('not-a-spot-request');
  });

  it('cancels a request whose machine is already gone (closed stays closed)', async () => {
    const current = await open();
    const provider = current.registration.provider;
    const request = await provider.requestSpotInstance(spotOptions(null));
    await provider.terminate(request.providerInstanceId ?? '');
    current.clock += 2_000;
    await provider.cancelSpotRequest(request.requestId);
    expect((await ec2SpotRequest(current, request.requestId))?.State).toBe('closed');
    current.clock += 4 * 60 * 60 * 1000;
    await provider.cancelSpotRequest(request.requestId);
  });
});
