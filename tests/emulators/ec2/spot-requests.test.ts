import {
  CancelSpotInstanceRequestsCommand,
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  DescribeSpotPriceHistoryCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type SpotInstanceRequest,
  TerminateInstancesCommand,
  paginateDescribeSpotInstanceRequests,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(startEc2TestBed);

const spotMarket = (spotOptions: NonNullable<RunInstancesCommandInput['InstanceMarketOptions']>['SpotOptions'] = {}): RunInstancesCommandInput['InstanceMarketOptions'] => ({
  MarketType: 'spot',
  SpotOptions: spotOptions,
});

async function launchSpot(client: EC2Client, overrides: Partial<RunInstancesCommandInput> = {}): Promise<Instance> {
  const reservation = await client.send(
    new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g5.xlarge', InstanceMarketOptions: spotMarket(), ...overrides }),
  );
  const instance = reservation.Instances?.[0];
  if (instance === undefined) throw new Error('no instance launched');
  return instance;
}

async function describeRequest(client: EC2Client, id: string): Promise<SpotInstanceRequest | undefined> {
  const answer = await client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
  return answer.SpotInstanceRequests?.[0];
}

async function requestIds(client: EC2Client, filters: { Name: string; Values: string[] }[] = []): Promise<(string | undefined)[]> {
  const answer = await client.send(new DescribeSpotInstanceRequestsCommand(filters.length > 0 ? { Filters: filters } : {}));
  return (answer.SpotInstanceRequests ?? []).map((request) => request.SpotInstanceRequestId);
}

async function spotPrices(client: EC2Client, instanceType: 'g5.xlarge' | 't3.micro'): Promise<Map<string, number>> {
  const answer = await client.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: [instanceType] }));
  return new Map((answer.SpotPriceHistory ?? []).map((point) => [point.AvailabilityZone ?? '', Number(point.SpotPrice)]));
}

describe('EC2 emulator: spot instance requests from RunInstances', () => {
  it('records a fulfilled one-time request per spot launch, with its price, tags and launch specification', async () => {
    const b = await open();
    const instance = await launchSpot(b.client, {
      InstanceMarketOptions: spotMarket({ MaxPrice: '2.5' }),
      Placement: { AvailabilityZone: 'us-east-1b' },
      KeyName: 'ops',
      TagSpecifications: [{ ResourceType: 'spot-instances-request', Tags: [{ Key: 'purpose', Value: 'training' }] }],
    });
    const id = instance.SpotInstanceRequestId ?? '';
    expect(id).toMatch(/^sir-[0-9a-f]{8}$/);
    const request = await describeRequest(b.client, id);
    expect(request).toMatchObject({
      SpotInstanceRequestId: id,
      State: 'active',
      Status: { Code: 'fulfilled', Message: 'Your spot request is fulfilled.', UpdateTime: new Date(b.clock) },
      InstanceId: instance.InstanceId,
      Type: 'one-time',
      SpotPrice: '2.500000',
      ProductDescription: 'Linux/UNIX',
      LaunchedAvailabilityZone: 'us-east-1b',
      LaunchedAvailabilityZoneId: 'use1-az2',
      InstanceInterruptionBehavior: 'terminate',
      CreateTime: new Date(b.clock),
      Tags: [{ Key: 'purpose', Value: 'training' }],
      LaunchSpecification: { ImageId: TEST_IMAGE_ID, InstanceType: 'g5.xlarge', KeyName: 'ops', Placement: { AvailabilityZone: 'us-east-1b' } },
    });
  });

  it('echoes the on-demand price when no MaxPrice is given, and records nothing for on-demand launches', async () => {
    const b = await open();
    await b.client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g5.xlarge' }));
    expect(await requestIds(b.client)).toEqual([]);
    const instance = await launchSpot(b.client);
    expect((await describeRequest(b.client, instance.SpotInstanceRequestId ?? ''))?.SpotPrice).toBe('1.006000');
  });

  it('keeps one request per ClientToken', async () => {
    const b = await open();
    const first = await launchSpot(b.client, { ClientToken: 'spot-1' });
    const again = await launchSpot(b.client, { ClientToken: 'spot-1' });
    expect(again.SpotInstanceRequestId).toBe(first.SpotInstanceRequestId);
    expect(await requestIds(b.client)).toEqual([first.SpotInstanceRequestId]);
  });

  it('filters by state, instance id and tag, pages, and refuses an unknown filter', async () => {
    const b = await open();
    const launched: Instance[] = [];
    for (let index = 0; index < 7; index += 1) launched.push(await launchSpot(b.client, { InstanceType: 't3.micro' }));
    const [first, second] = launched;
    await b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [first?.SpotInstanceRequestId ?? ''] }));
    expect(await requestIds(b.client, [{ Name: 'state', Values: ['cancelled'] }])).toEqual([first?.SpotInstanceRequestId]);
    expect(await requestIds(b.client, [{ Name: 'state', Values: ['active'] }])).toHaveLength(6);
    expect(await requestIds(b.client, [{ Name: 'instance-id', Values: [second?.InstanceId ?? ''] }])).toEqual([second?.SpotInstanceRequestId]);
    expect(await requestIds(b.client, [{ Name: 'status-code', Values: ['request-canceled-*'] }])).toEqual([first?.SpotInstanceRequestId]);
    expect(await requestIds(b.client, [{ Name: 'tag:purpose', Values: ['x'] }])).toEqual([]);

    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeSpotInstanceRequests({ client: b.client, pageSize: 5 }, {})) {
      pages.push(page.SpotInstanceRequests?.length ?? 0);
      seen.push(...(page.SpotInstanceRequests ?? []).map((request) => request.SpotInstanceRequestId ?? ''));
    }
    expect(pages).toEqual([5, 2]);
    expect(seen).toEqual(launched.map((instance) => instance.SpotInstanceRequestId));

    const unknownFilter = await rejectionOf(b.client.send(new DescribeSpotInstanceRequestsCommand({ Filters: [{ Name: 'bid-price', Values: ['1'] }] })));
    expect(unknownFilter.name).toBe('InvalidParameterValue');
  });

  it('refuses unknown and malformed ids on describe', async () => {
    const b = await open();
    const instance = await launchSpot(b.client);
    const missing = await rejectionOf(describeRequest(b.client, 'sir-0000dead'));
    expect(missing.name).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect(missing.message).toContain('sir-0000dead');
    const mixed = await rejectionOf(
      b.client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [instance.SpotInstanceRequestId ?? '', 'sir-0000dead'] })),
    );
    expect(mixed.name).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect((await rejectionOf(describeRequest(b.client, 'request-1'))).name).toBe('InvalidSpotInstanceRequestID.Malformed');
  });
});

describe('EC2 emulator: CancelSpotInstanceRequests', () => {
  it('cancels the request and leaves its instance running; cancelling again answers cancelled', async () => {
    const b = await open();
    const instance = await launchSpot(b.client);
    const id = instance.SpotInstanceRequestId ?? '';
    b.clock += 1_000;
    const answer = await b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    expect(answer.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: id, State: 'cancelled' }]);
    expect(await describeRequest(b.client, id)).toMatchObject({
      State: 'cancelled',
      Status: { Code: 'request-canceled-and-instance-running', UpdateTime: new Date(b.clock) },
      InstanceId: instance.InstanceId,
    });
    const described = await b.client.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId ?? ''] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
    const again = await b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    expect(again.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: id, State: 'cancelled' }]);
  });

  it('fails the whole call on an unknown or malformed id, on DryRun and without ids, cancelling nothing', async () => {
    const b = await open();
    const id = (await launchSpot(b.client)).SpotInstanceRequestId ?? '';
    const cases: [string[], boolean, string][] = [
      [['sir-0000dead'], false, 'InvalidSpotInstanceRequestID.NotFound'],
      [[id, 'sir-0000dead'], false, 'InvalidSpotInstanceRequestID.NotFound'],
      [['i-0123456789abcdef0'], false, 'InvalidSpotInstanceRequestID.Malformed'],
      [[id], true, 'DryRunOperation'],
      [[], false, 'MissingParameter'],
    ];
    for (const [ids, dryRun, code] of cases) {
      const error = await rejectionOf(b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: ids, DryRun: dryRun })));
      expect({ ids, name: error.name }).toEqual({ ids, name: code });
    }
    expect((await describeRequest(b.client, id))?.State).toBe('active');
  });

  it('closes a one-time request once its instance is terminated, keeps it closed on cancel, then forgets it after four hours', async () => {
    const b = await open();
    const instance = await launchSpot(b.client);
    const id = instance.SpotInstanceRequestId ?? '';
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId ?? ''] }));
    expect((await describeRequest(b.client, id))?.State).toBe('active');
    b.clock += 2_000;
    expect(await describeRequest(b.client, id)).toMatchObject({ State: 'closed', Status: { Code: 'instance-terminated-by-user', UpdateTime: new Date(b.clock) } });
    const cancel = await b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    expect(cancel.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: id, State: 'closed' }]);
    b.clock += 4 * 60 * 60 * 1000 - 1;
    expect((await describeRequest(b.client, id))?.State).toBe('closed');
    b.clock += 1;
    expect((await rejectionOf(describeRequest(b.client, id))).name).toBe('InvalidSpotInstanceRequestID.NotFound');
    const gone = await rejectionOf(b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] })));
    expect(gone.name).toBe('InvalidSpotInstanceRequestID.NotFound');
  });

  it('keeps a cancelled request cancelled when its instance is terminated later', async () => {
    const b = await open();
    const instance = await launchSpot(b.client);
    const id = instance.SpotInstanceRequestId ?? '';
    await b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId ?? ''] }));
    b.clock += 2_000;
    expect(await describeRequest(b.client, id)).toMatchObject({ State: 'cancelled', Status: { Code: 'instance-terminated-by-user' } });
  });

  it('reopens a persistent request whose instance is terminated', async () => {
    const b = await open();
    const instance = await launchSpot(b.client, { InstanceMarketOptions: spotMarket({ SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'stop' }) });
    const id = instance.SpotInstanceRequestId ?? '';
    expect(await describeRequest(b.client, id)).toMatchObject({ Type: 'persistent', InstanceInterruptionBehavior: 'stop', State: 'active' });
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId ?? ''] }));
    b.clock += 2_000;
    expect(await describeRequest(b.client, id)).toMatchObject({ State: 'open', Status: { Code: 'pending-evaluation' } });
    const cancel = await b.client.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    expect(cancel.CancelledSpotInstanceRequests?.[0]?.State).toBe('cancelled');
  });
});

describe('EC2 emulator: SpotMaxPriceTooLow', () => {
  it('refuses a MaxPrice below every candidate zone’s spot price, and launches nothing', async () => {
    const b = await open();
    const prices = await spotPrices(b.client, 't3.micro');
    const cheapest = Math.min(...prices.values());
    const error = await rejectionOf(launchSpot(b.client, { InstanceType: 't3.micro', InstanceMarketOptions: spotMarket({ MaxPrice: '0.002' }) }));
    expect(error.name).toBe('SpotMaxPriceTooLow');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(`Your Spot request price of 0.002 is lower than the minimum required Spot request fulfillment price of ${cheapest}.`);
    // Exactly $0.001 is a valid price (below it is InvalidParameterValue), just never enough.
    expect((await rejectionOf(launchSpot(b.client, { InstanceType: 't3.micro', InstanceMarketOptions: spotMarket({ MaxPrice: '0.001' }) }))).name).toBe(
      'SpotMaxPriceTooLow',
    );
    expect((await b.client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    expect(await requestIds(b.client)).toEqual([]);
  });

  it('places a capped request only in a zone it can afford, and refuses a requested zone above the cap', async () => {
    const b = await open();
    const prices = [...(await spotPrices(b.client, 'g5.xlarge'))].sort((x, y) => x[1] - y[1]);
    const [cheapest, dearest] = [prices[0], prices[prices.length - 1]];
    if (cheapest === undefined || dearest === undefined || cheapest[1] === dearest[1]) throw new Error('the seed must give distinct zone prices');
    const cap = String(cheapest[1]);
    for (let index = 0; index < 3; index += 1) {
      const instance = await launchSpot(b.client, { InstanceMarketOptions: spotMarket({ MaxPrice: cap }) });
      expect(instance.Placement?.AvailabilityZone).toBe(cheapest[0]);
    }
    const refused = await rejectionOf(launchSpot(b.client, { InstanceMarketOptions: spotMarket({ MaxPrice: cap }), Placement: { AvailabilityZone: dearest[0] } }));
    expect(refused.name).toBe('SpotMaxPriceTooLow');
    expect(refused.message).toContain(`fulfillment price of ${dearest[1]}.`);
  });

  it('checks the price before capacity', async () => {
    const b = await open({ capacity: { default: 0 } });
    expect((await rejectionOf(launchSpot(b.client, { InstanceType: 't3.micro', InstanceMarketOptions: spotMarket({ MaxPrice: '0.002' }) }))).name).toBe(
      'SpotMaxPriceTooLow',
    );
    expect((await rejectionOf(launchSpot(b.client, { InstanceType: 't3.micro' }))).name).toBe('InsufficientInstanceCapacity');
  });
});
