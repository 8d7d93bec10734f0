import {
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { TEST_IMAGE_ID, UNKNOWN_INSTANCE_TYPE, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(startEc2TestBed);

const launch = (overrides: Partial<RunInstancesCommandInput> = {}): RunInstancesCommand =>
  new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g5.xlarge', ...overrides });

async function launchOne(client: EC2Client, overrides: Partial<RunInstancesCommandInput> = {}): Promise<Instance> {
  const reservation = await client.send(launch(overrides));
  const instance = reservation.Instances?.[0];
  if (instance === undefined) throw new Error('no instance launched');
  return instance;
}

async function describeOne(client: EC2Client, instanceId: string): Promise<Instance | undefined> {
  const result = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return result.Reservations?.[0]?.Instances?.[0];
}

describe('EC2 emulator: RunInstances', () => {
  it('launches a pending instance with tags, placement, a root volume and stored user data', async () => {
    const bed = await open();
    const { client, emulator } = bed;
    const userData = Buffer.from('#!/bin/sh\necho hi\n').toString('base64');
    const reservation = await client.send(
      launch({
        Placement: { AvailabilityZone: 'us-east-1b' },
        UserData: userData,
        KeyName: 'ops',
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'hangar:id', Value: 'abc' }, { Key: 'team', Value: 'ml & <infra>' }] },
          { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'ml' }] },
        ],
      }),
    );
    expect(reservation.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(reservation.OwnerId).toBe('123456789012');
    const instance = reservation.Instances?.[0];
    expect(instance?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance?.State).toEqual({ Code: 0, Name: 'pending' });
    expect(instance?.InstanceType).toBe('g5.xlarge');
    expect(instance?.ImageId).toBe(TEST_IMAGE_ID);
    expect(instance?.KeyName).toBe('ops');
    expect(instance?.Placement?.AvailabilityZone).toBe('us-east-1b');
    expect(instance?.InstanceLifecycle).toBeUndefined();
    expect(instance?.Tags).toEqual([
      { Key: 'hangar:id', Value: 'abc' },
      { Key: 'team', Value: 'ml & <infra>' },
    ]);
    expect(instance?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
    expect(instance?.LaunchTime).toEqual(new Date(bed.clock));
    expect(instance?.ClientToken).toBeTruthy();
    const stored = emulator.state.instances.get(instance?.InstanceId ?? '');
    expect(stored?.userData).toBe(userData);
    expect(stored?.volumeTags.get('team')).toBe('ml');
  });

  it('marks spot launches with InstanceLifecycle=spot and a spot request id', async () => {
    const { client } = await open();
    const instance = await launchOne(client, { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '2.5' } } });
    expect(instance.InstanceLifecycle).toBe('spot');
    expect(instance.SpotInstanceRequestId).toMatch(/^sir-[0-9a-f]{8}$/);
    const filtered = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-lifecycle', Values: ['spot'] }] }));
    expect(filtered.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([instance.InstanceId]);
  });

  it('launches up to MaxCount when capacity allows and fails below MinCount with InsufficientInstanceCapacity', async () => {
    const { client } = await open({ capacity: { default: 10, byZone: { 'us-east-1a': { 'p5.48xlarge': 2 } } } });
    const partial = await client.send(launch({ InstanceType: 'p5.48xlarge', Placement: { AvailabilityZone: 'us-east-1a' }, MinCount: 1, MaxCount: 3 }));
    expect(partial.Instances).toHaveLength(2);
    expect(partial.Instances?.map((i) => i.AmiLaunchIndex)).toEqual([0, 1]);
    const error = await rejectionOf(client.send(launch({ InstanceType: 'p5.48xlarge', Placement: { AvailabilityZone: 'us-east-1a' } })));
    expect(error.name).toBe('InsufficientInstanceCapacity');
    expect(error.$metadata.httpStatusCode).toBe(500);
    // Without a zone the launch lands wherever capacity is left.
    const elsewhere = await launchOne(client, { InstanceType: 'p5.48xlarge' });
    expect(elsewhere.Placement?.AvailabilityZone).not.toBe('us-east-1a');
  });

  it('frees capacity only once an instance is terminated', async () => {
    const b = await open({ capacity: { default: 1 } });
    const first = await launchOne(b.client, { Placement: { AvailabilityZone: 'us-east-1c' } });
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [first.InstanceId ?? ''] }));
    const busy = await rejectionOf(b.client.send(launch({ Placement: { AvailabilityZone: 'us-east-1c' } })));
    expect(busy.name).toBe('InsufficientInstanceCapacity');
    b.clock += 2_000;
    await expect(launchOne(b.client, { Placement: { AvailabilityZone: 'us-east-1c' } })).resolves.toBeDefined();
  });

  it('rejects bad input with EC2 error codes', async () => {
    const { client } = await open();
    const cases: [Partial<RunInstancesCommandInput>, string][] = [
      [{ InstanceType: UNKNOWN_INSTANCE_TYPE }, 'InvalidParameterValue'],
      [{ ImageId: 'image-1' }, 'InvalidAMIID.Malformed'],
      [{ Placement: { AvailabilityZone: 'us-east-1z' } }, 'InvalidParameterValue'],
      [{ MinCount: 2, MaxCount: 1 }, 'InvalidParameterValue'],
      [{ UserData: 'not base64!' }, 'InvalidParameterValue'],
      [{ TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'a', Value: 'b' }] }] }, 'InvalidParameterValue'],
      [{ InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.0005' } } }, 'InvalidParameterValue'],
      [{ ImageId: undefined }, 'MissingParameter'],
    ];
    for (const [overrides, code] of cases) {
      const error = await rejectionOf(client.send(launch(overrides)));
      expect({ overrides, name: error.name, status: error.$metadata.httpStatusCode }).toEqual({ overrides, name: code, status: 400 });
    }
    const described = await client.send(new DescribeInstancesCommand({}));
    expect(described.Reservations).toEqual([]);
  });

  it('answers DryRun with DryRunOperation and launches nothing', async () => {
    const { client } = await open();
    const error = await rejectionOf(client.send(launch({ DryRun: true })));
    expect(error.name).toBe('DryRunOperation');
    expect(error.$metadata.httpStatusCode).toBe(412);
    const invalid = await rejectionOf(client.send(launch({ DryRun: true, InstanceType: UNKNOWN_INSTANCE_TYPE })));
    expect(invalid.name).toBe('InvalidParameterValue');
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
  });
});

describe('EC2 emulator: ClientToken idempotency', () => {
  it('returns the original reservation for a repeated token and refuses a different request under it', async () => {
    const { client } = await open();
    const first = await client.send(launch({ ClientToken: 'spawn-42' }));
    const again = await client.send(launch({ ClientToken: 'spawn-42' }));
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
    expect(again.Instances?.[0]?.ClientToken).toBe('spawn-42');
    const all = await client.send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(1);

    const mismatch = await rejectionOf(client.send(launch({ ClientToken: 'spawn-42', InstanceType: 'g6.xlarge' })));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    expect(mismatch.$metadata.httpStatusCode).toBe(400);
  });

  it('gives every call without a token a fresh launch (the SDK fills in a random token)', async () => {
    const { client } = await open();
    const a = await launchOne(client);
    const b = await launchOne(client);
    expect(a.InstanceId).not.toBe(b.InstanceId);
  });
});

describe('EC2 emulator: lifecycle from the clock', () => {
  it('goes pending -> running -> shutting-down -> terminated, stays visible, then disappears', async () => {
    const b = await open({ terminatedRetentionMs: 60_000 });
    const { InstanceId: id = '' } = await launchOne(b.client);
    b.clock += 999;
    expect((await describeOne(b.client, id))?.State?.Name).toBe('pending');
    b.clock += 1;
    const running = await describeOne(b.client, id);
    expect(running?.State).toEqual({ Code: 16, Name: 'running' });
    expect(running?.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const terminating = await b.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminating.TerminatingInstances).toEqual([
      { InstanceId: id, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } },
    ]);
    b.clock += 1_999;
    expect((await describeOne(b.client, id))?.State?.Name).toBe('shutting-down');
    b.clock += 1;
    const terminated = await describeOne(b.client, id);
    expect(terminated?.State).toEqual({ Code: 48, Name: 'terminated' });
    expect(terminated?.StateReason?.Code).toBe('Client.UserInitiatedShutdown');

    const repeat = await b.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(repeat.TerminatingInstances?.[0]).toMatchObject({ CurrentState: { Code: 48, Name: 'terminated' }, PreviousState: { Code: 48, Name: 'terminated' } });

    b.clock += 60_000;
    const gone = await rejectionOf(describeOne(b.client, id));
    expect(gone.name).toBe('InvalidInstanceID.NotFound');
  });

  it('terminates a pending instance straight into shutting-down', async () => {
    const b = await open();
    const { InstanceId: id = '' } = await launchOne(b.client);
    const result = await b.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(result.TerminatingInstances?.[0]?.PreviousState).toEqual({ Code: 0, Name: 'pending' });
    expect(result.TerminatingInstances?.[0]?.CurrentState).toEqual({ Code: 32, Name: 'shutting-down' });
  });
});

describe('EC2 emulator: lookups, filters and pagination', () => {
  it('fails the whole request on an unknown or malformed id', async () => {
    const { client } = await open();
    const { InstanceId: id = '' } = await launchOne(client);
    const describeMissing = await rejectionOf(client.send(new DescribeInstancesCommand({ InstanceIds: [id, 'i-0000000000000000f'] })));
    expect(describeMissing.name).toBe('InvalidInstanceID.NotFound');
    expect(describeMissing.message).toContain('i-0000000000000000f');
    const terminateMissing = await rejectionOf(client.send(new TerminateInstancesCommand({ InstanceIds: [id, 'i-0000000000000000f'] })));
    expect(terminateMissing.name).toBe('InvalidInstanceID.NotFound');
    expect((await describeOne(client, id))?.State?.Name).toBe('pending');
    const malformed = await rejectionOf(client.send(new DescribeInstancesCommand({ InstanceIds: ['vm-1'] })));
    expect(malformed.name).toBe('InvalidInstanceID.Malformed');
    const dryRun = await rejectionOf(client.send(new TerminateInstancesCommand({ InstanceIds: [id], DryRun: true })));
    expect(dryRun.name).toBe('DryRunOperation');
    expect((await describeOne(client, id))?.State?.Name).toBe('pending');
  });

  it('filters by tag value, tag key, state, zone, type and id', async () => {
    const b = await open();
    const tagged = (team: string): Partial<RunInstancesCommandInput> => ({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: team }] }] });
    const ml = await launchOne(b.client, { ...tagged('ml'), Placement: { AvailabilityZone: 'us-east-1a' } });
    const web = await launchOne(b.client, { ...tagged('web'), InstanceType: 't3.micro', Placement: { AvailabilityZone: 'us-east-1b' } });
    const untagged = await launchOne(b.client, { InstanceType: 'm5.large' });
    b.clock += 1_000;
    await b.client.send(new TerminateInstancesCommand({ InstanceIds: [untagged.InstanceId ?? ''] }));
    const ids = async (filters: { Name: string; Values: string[] }[]): Promise<(string | undefined)[]> => {
      const result = await b.client.send(new DescribeInstancesCommand({ Filters: filters }));
      return (result.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    };
    expect(await ids([{ Name: 'tag:team', Values: ['ml'] }])).toEqual([ml.InstanceId]);
    expect(await ids([{ Name: 'tag:team', Values: ['ml', 'web'] }])).toEqual([ml.InstanceId, web.InstanceId]);
    expect(await ids([{ Name: 'tag:team', Values: ['w*'] }])).toEqual([web.InstanceId]);
    expect(await ids([{ Name: 'tag-key', Values: ['team'] }])).toEqual([ml.InstanceId, web.InstanceId]);
    expect(await ids([{ Name: 'instance-state-name', Values: ['shutting-down'] }])).toEqual([untagged.InstanceId]);
    expect(await ids([{ Name: 'instance-state-name', Values: ['running'] }, { Name: 'availability-zone', Values: ['us-east-1b'] }])).toEqual([web.InstanceId]);
    expect(await ids([{ Name: 'instance-type', Values: ['g5.xlarge'] }])).toEqual([ml.InstanceId]);
    expect(await ids([{ Name: 'instance-id', Values: [web.InstanceId ?? ''] }])).toEqual([web.InstanceId]);
    const unknown = await rejectionOf(b.client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })));
    expect(unknown.name).toBe('InvalidParameterValue');
  });

  it('pages with MaxResults/NextToken through the SDK paginator', async () => {
    const { client } = await open();
    const launched: string[] = [];
    for (let index = 0; index < 12; index += 1) launched.push((await launchOne(client, { InstanceType: 't3.micro' })).InstanceId ?? '');
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, { Filters: [{ Name: 'instance-type', Values: ['t3.micro'] }] })) {
      const instances = (page.Reservations ?? []).flatMap((r) => r.Instances ?? []);
      pages.push(instances.length);
      seen.push(...instances.map((i) => i.InstanceId ?? ''));
    }
    expect(pages).toEqual([5, 5, 2]);
    expect(seen).toEqual(launched);
  });

  it('rejects a bad token, a MaxResults out of range and MaxResults with InstanceIds', async () => {
    const { client } = await open();
    const { InstanceId: id = '' } = await launchOne(client);
    const badToken = await rejectionOf(client.send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: 'not-a-token' })));
    expect(badToken.name).toBe('InvalidPaginationToken');
    const tooSmall = await rejectionOf(client.send(new DescribeInstancesCommand({ MaxResults: 4 })));
    expect(tooSmall.name).toBe('InvalidParameterValue');
    const combined = await rejectionOf(client.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [id] })));
    expect(combined.name).toBe('InvalidParameterCombination');
  });
});

describe('EC2 emulator: subnets and zones', () => {
  const PRIVATE_A = 'subnet-0aaaaaaaaaaaaaaa1';
  const PRIVATE_B = 'subnet-0bbbbbbbbbbbbbbb1';
  const VPC = 'vpc-0123456789abcdef0';
  const subnets = [
    { subnetId: PRIVATE_A, zone: 'us-east-1a', vpcId: VPC },
    { subnetId: PRIVATE_B, zone: 'us-east-1b', vpcId: VPC, availableIpAddressCount: 2 },
  ];

  it('refuses a Placement zone other than the subnet’s with EC2’s InvalidParameterValue, DryRun included, and launches nothing', async () => {
    const { client } = await open({ subnets });
    const error = await rejectionOf(client.send(launch({ SubnetId: PRIVATE_A, Placement: { AvailabilityZone: 'us-east-1b' } })));
    expect({ name: error.name, status: error.$metadata.httpStatusCode, message: error.message }).toEqual({
      name: 'InvalidParameterValue',
      status: 400,
      message: `Value (us-east-1b) for parameter availabilityZone is invalid. Subnet '${PRIVATE_A}' is in the availability zone us-east-1a`,
    });
    expect((await rejectionOf(client.send(launch({ SubnetId: PRIVATE_A, Placement: { AvailabilityZone: 'us-east-1b' }, DryRun: true })))).name).toBe('InvalidParameterValue');
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
  });

  it('launches in the subnet’s zone, VPC and subnet, with or without a matching Placement', async () => {
    const { client } = await open({ subnets });
    const alone = await launchOne(client, { SubnetId: PRIVATE_B });
    expect([alone.Placement?.AvailabilityZone, alone.SubnetId, alone.VpcId]).toEqual(['us-east-1b', PRIVATE_B, VPC]);
    const matching = await launchOne(client, { SubnetId: PRIVATE_A, Placement: { AvailabilityZone: 'us-east-1a' } });
    expect([matching.Placement?.AvailabilityZone, matching.SubnetId]).toEqual(['us-east-1a', PRIVATE_A]);
    // No subnet named: the zone's default subnet, in the default VPC.
    const plain = await launchOne(client, { Placement: { AvailabilityZone: 'us-east-1c' } });
    expect(plain.SubnetId).not.toBe(PRIVATE_A);
    expect(plain.VpcId).not.toBe(VPC);
    expect(plain.SubnetId).toMatch(/^subnet-[0-9a-f]{17}$/);
  });

  it('answers InvalidSubnetID.NotFound for a subnet the region does not know', async () => {
    const { client } = await open({ subnets });
    const error = await rejectionOf(client.send(launch({ SubnetId: 'subnet-0ffffffffffffffff' })));
    expect([error.name, error.message]).toEqual(['InvalidSubnetID.NotFound', "The subnet ID 'subnet-0ffffffffffffffff' does not exist"]);
  });

  it('without a default VPC, a launch that names no subnet is VPCIdNotSpecified; one that names a subnet launches', async () => {
    const { client } = await open({ defaultVpc: false, subnets });
    const error = await rejectionOf(client.send(launch({ Placement: { AvailabilityZone: 'us-east-1a' } })));
    expect({ name: error.name, status: error.$metadata.httpStatusCode, message: error.message }).toEqual({ name: 'VPCIdNotSpecified', status: 400, message: 'No default VPC for this user' });
    expect((await rejectionOf(client.send(launch({ DryRun: true })))).name).toBe('VPCIdNotSpecified');
    expect((await launchOne(client, { SubnetId: PRIVATE_A })).SubnetId).toBe(PRIVATE_A);
  });

  it('takes an address per instance: MaxCount is cut to the free addresses, and MinCount beyond them is InsufficientFreeAddressesInSubnet', async () => {
    const { client } = await open({ subnets });
    const cut = await client.send(launch({ SubnetId: PRIVATE_B, MinCount: 1, MaxCount: 5 }));
    expect(cut.Instances).toHaveLength(2);
    const full = await rejectionOf(client.send(launch({ SubnetId: PRIVATE_B })));
    expect([full.name, full.message]).toEqual(['InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${PRIVATE_B}' to satisfy the requested number of instances.`]);
  });
});
