import {
  DescribeInstancesCommand,
  DescribeSpotInstanceRequestsCommand,
  type EC2Client,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(startEc2TestBed);

async function launch(client: EC2Client, overrides: Partial<RunInstancesCommandInput> = {}): Promise<string> {
  const reservation = await client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 't3.micro', ...overrides }));
  const id = reservation.Instances?.[0]?.InstanceId;
  if (id === undefined) throw new Error('no instance launched');
  return id;
}

async function listedIds(client: EC2Client): Promise<string[]> {
  const answer = await client.send(new DescribeInstancesCommand({}));
  return (answer.Reservations ?? []).flatMap((reservation) => (reservation.Instances ?? []).map((instance) => instance.InstanceId ?? ''));
}

async function putChaos(url: string, scenario: unknown): Promise<Response> {
  return fetch(`${url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });
}

describe('EC2 eventual consistency', () => {
  it('does not know a new instance by id, nor list it, until the lag has passed', async () => {
    const bed = await open({ consistencyLagMs: 2_000 });
    const id = await launch(bed.client);
    const early = await rejectionOf(bed.client.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
    expect(early.name).toBe('InvalidInstanceID.NotFound');
    expect(await listedIds(bed.client)).not.toContain(id);
    const terminateEarly = await rejectionOf(bed.client.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
    expect(terminateEarly.name).toBe('InvalidInstanceID.NotFound');

    bed.clock += 2_000;
    const later = await bed.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(later.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(id);
    expect(await listedIds(bed.client)).toContain(id);
  });
});

describe('EC2 request throttling', () => {
  it('answers RequestLimitExceeded (503) once the Region bucket is empty, and recovers as it refills', async () => {
    const bed = await open({ throttle: { bucket: 3, refillPerSecond: 1 } });
    for (let call = 0; call < 3; call += 1) await bed.client.send(new DescribeInstancesCommand({}));
    const throttled = await rejectionOf(bed.client.send(new DescribeInstancesCommand({})));
    expect(throttled.name).toBe('RequestLimitExceeded');
    expect(throttled.$metadata.httpStatusCode).toBe(503);
    bed.clock += 1_000;
    await expect(bed.client.send(new DescribeInstancesCommand({}))).resolves.toBeDefined();
  });
});

describe('chaos fault rules replayed by the EC2 emulator', () => {
  it('manages the scenario at /_emulator/chaos and refuses a bad one', async () => {
    const bed = await open();
    const bad = await putChaos(bed.emulator.url, { seed: 1, faults: [{ operation: 'spawn' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_SCENARIO');
    const good = await putChaos(bed.emulator.url, { seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 1 }] });
    expect(good.status).toBe(200);
    expect(((await (await fetch(`${bed.emulator.url}/_emulator/chaos`)).json()) as { enabled: boolean }).enabled).toBe(true);
    expect((await fetch(`${bed.emulator.url}/_emulator/chaos`, { method: 'DELETE' })).status).toBe(204);
  });

  it('renders each taxonomy code as the EC2 error the SDK knows', async () => {
    const bed = await open();
    const expected = {
      CAPACITY_ERROR: ['InsufficientInstanceCapacity', 500],
      AUTH_ERROR: ['AuthFailure', 401],
      RATE_LIMIT_ERROR: ['RequestLimitExceeded', 503],
      QUOTA_EXCEEDED: ['InstanceLimitExceeded', 400],
      INVALID_SPEC: ['InvalidParameterValue', 400],
      NOT_FOUND: ['InvalidInstanceID.NotFound', 400],
    } as const;
    for (const [code, [name, status]] of Object.entries(expected)) {
      bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code }] });
      const error = await rejectionOf(launch(bed.client));
      expect([code, error.name, error.$metadata.httpStatusCode]).toEqual([code, name, status]);
    }
  });

  it('matches launch rules on instance type, zone and market', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', instanceType: 'g5.xlarge', zone: 'us-east-1b', spot: true }] });
    const spot = { InstanceType: 'g5.xlarge' as const, InstanceMarketOptions: { MarketType: 'spot' as const, SpotOptions: {} } };
    await expect(launch(bed.client, { ...spot, Placement: { AvailabilityZone: 'us-east-1a' } })).resolves.toBeDefined();
    await expect(launch(bed.client, { InstanceType: 'g5.xlarge', Placement: { AvailabilityZone: 'us-east-1b' } })).resolves.toBeDefined();
    expect((await rejectionOf(launch(bed.client, { ...spot, Placement: { AvailabilityZone: 'us-east-1b' } }))).name).toBe('InsufficientInstanceCapacity');
  });

  it('a describe by ids is a get, by filters a list', async () => {
    const bed = await open();
    const ids = [await launch(bed.client), await launch(bed.client)];
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'get', code: 'RATE_LIMIT_ERROR' }] });
    expect((await rejectionOf(bed.client.send(new DescribeInstancesCommand({ InstanceIds: ids })))).name).toBe('RequestLimitExceeded');
    expect(await listedIds(bed.client)).toEqual(ids);
  });

  it('a phantom launch fails to the caller but the instance exists', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', code: 'CAPACITY_ERROR' }] });
    const error = await rejectionOf(launch(bed.client, { ClientToken: 'phantom-1' }));
    expect(error.name).toBe('InsufficientInstanceCapacity');
    bed.emulator.chaos.clear();
    expect(await listedIds(bed.client)).toHaveLength(1);
    // The same token finds the machine the phantom made.
    const again = await launch(bed.client, { ClientToken: 'phantom-1' });
    expect(await listedIds(bed.client)).toEqual([again]);
  });

  it('a malformed answer cannot be parsed; list lag hides a new instance from listings only', async () => {
    const bed = await open();
    const id = await launch(bed.client);
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'malformed', times: 1 }], quirks: { listLagMs: 5_000 } });
    await expect(listedIds(bed.client)).rejects.toThrow();
    const second = await launch(bed.client);
    expect(await listedIds(bed.client)).toEqual([]);
    const byId = await bed.client.send(new DescribeInstancesCommand({ InstanceIds: [second] }));
    expect(byId.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(second);
    bed.clock += 5_000;
    expect(await listedIds(bed.client)).toEqual([id, second]);
  });
});

describe('spot interruptions', () => {
  const spot: Partial<RunInstancesCommandInput> = { InstanceType: 'g5.xlarge', InstanceMarketOptions: { MarketType: 'spot', SpotOptions: {} } };

  it('reclaims a spot instance after its notice: Server.SpotInstanceTermination, request instance-terminated-by-service', async () => {
    const bed = await open();
    const id = await launch(bed.client, spot);
    bed.clock += 1_000;
    const notice = await fetch(`${bed.emulator.url}/_emulator/spot-interruptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instanceId: id, noticeMs: 120_000 }),
    });
    expect(notice.status).toBe(200);
    const during = await bed.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(during.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');

    bed.clock += 120_000;
    const reclaimed = (await bed.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(reclaimed?.State?.Name).toBe('shutting-down');
    expect(reclaimed?.StateReason?.Code).toBe('Server.SpotInstanceTermination');
    bed.clock += 2_000;
    const gone = (await bed.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(gone?.State?.Name).toBe('terminated');
    const request = (await bed.client.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [gone?.SpotInstanceRequestId ?? ''] })))
      .SpotInstanceRequests?.[0];
    expect([request?.State, request?.Status?.Code]).toEqual(['closed', 'instance-terminated-by-service']);
  });

  it('serves reclaim notices from the scenario, and only to running spot instances', async () => {
    const bed = await open();
    const onDemand = await launch(bed.client);
    const spotId = await launch(bed.client, spot);
    bed.clock += 1_000;
    bed.emulator.chaos.replace({ seed: 3, spotInterruptions: { probability: 1, noticeMs: 500 } });
    await listedIds(bed.client);
    bed.clock += 500;
    const answer = await bed.client.send(new DescribeInstancesCommand({ InstanceIds: [onDemand, spotId] }));
    const states = Object.fromEntries(
      (answer.Reservations ?? []).flatMap((reservation) => (reservation.Instances ?? []).map((instance) => [instance.InstanceId, instance.StateReason?.Code ?? null])),
    );
    expect(states).toEqual({ [onDemand]: null, [spotId]: 'Server.SpotInstanceTermination' });
  });

  it('refuses to interrupt an on-demand instance', async () => {
    const bed = await open();
    const id = await launch(bed.client);
    const response = await fetch(`${bed.emulator.url}/_emulator/spot-interruptions`, { method: 'POST', body: JSON.stringify({ instanceId: id }) });
    expect(response.status).toBe(404);
  });
});
