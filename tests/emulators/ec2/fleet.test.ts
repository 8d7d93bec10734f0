import {
  CreateFleetCommand,
  type CreateFleetCommandInput,
  CreateLaunchTemplateCommand,
  CreateTagsCommand,
  DeleteLaunchTemplateCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSpotInstanceRequestsCommand,
  DescribeSpotPriceHistoryCommand,
  type EC2Client,
  type FleetLaunchTemplateOverridesRequest,
  type Instance,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(startEc2TestBed);

const TEMPLATE = 'hangar-fleet-test';

async function createTemplate(client: EC2Client, name = TEMPLATE): Promise<string> {
  const answer = await client.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: {
        ImageId: TEST_IMAGE_ID,
        UserData: Buffer.from('#!/bin/sh\necho fleet\n').toString('base64'),
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'hangar:owner', Value: 'fleet-test' }] }],
      },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'hangar:owner', Value: 'fleet-test' }] }],
    }),
  );
  const id = answer.LaunchTemplate?.LaunchTemplateId;
  if (id === undefined) throw new Error('no template id');
  return id;
}

const pools = (types: FleetLaunchTemplateOverridesRequest['InstanceType'][], zones: string[]): FleetLaunchTemplateOverridesRequest[] =>
  types.flatMap((InstanceType) => zones.map((AvailabilityZone) => ({ InstanceType, AvailabilityZone })));

function fleetInput(overrides: Partial<CreateFleetCommandInput> = {}, total = 3): CreateFleetCommandInput {
  return {
    Type: 'instant',
    LaunchTemplateConfigs: [
      { LaunchTemplateSpecification: { LaunchTemplateName: TEMPLATE, Version: '$Latest' }, Overrides: pools(['g5.xlarge', 'g6.xlarge'], ['us-east-1a', 'us-east-1b']) },
    ],
    TargetCapacitySpecification: { TotalTargetCapacity: total, DefaultTargetCapacityType: 'spot' },
    SpotOptions: { AllocationStrategy: 'price-capacity-optimized' },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: [{ Key: 'hangar:owner', Value: 'fleet-test' }] },
      { ResourceType: 'fleet', Tags: [{ Key: 'purpose', Value: 'test' }] },
    ],
    ...overrides,
  };
}

async function describeAll(client: EC2Client, ids: string[]): Promise<Instance[]> {
  const answer = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  return (answer.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

async function spotPrice(client: EC2Client, type: 'g5.xlarge' | 'g6.xlarge', zone: string): Promise<number> {
  const answer = await client.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: [type], AvailabilityZone: zone }));
  return Number(answer.SpotPriceHistory?.[0]?.SpotPrice);
}

describe('EC2 emulator: launch templates', () => {
  it('creates, describes (by name, by id, all) and deletes a template; a second template of the same name is refused', async () => {
    const { client } = await open();
    const id = await createTemplate(client);
    expect(id).toMatch(/^lt-[0-9a-f]{17}$/);
    const byName = await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [TEMPLATE] }));
    expect(byName.LaunchTemplates?.[0]).toMatchObject({ LaunchTemplateId: id, LaunchTemplateName: TEMPLATE, DefaultVersionNumber: 1, LatestVersionNumber: 1 });
    expect(byName.LaunchTemplates?.[0]?.Tags).toEqual([{ Key: 'hangar:owner', Value: 'fleet-test' }]);
    expect(byName.LaunchTemplates?.[0]?.CreateTime).toBeInstanceOf(Date);
    const byId = await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }));
    expect(byId.LaunchTemplates?.map((template) => template.LaunchTemplateName)).toEqual([TEMPLATE]);

    const again = await rejectionOf(createTemplate(client));
    expect(again.name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');

    const deleted = await client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: TEMPLATE }));
    expect(deleted.LaunchTemplate?.LaunchTemplateId).toBe(id);
    const gone = await rejectionOf(client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [TEMPLATE] })));
    expect(gone.name).toBe('InvalidLaunchTemplateName.NotFoundException');
    expect((await client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
  });

  it('refuses malformed names and ids', async () => {
    const { client } = await open();
    const badName = await rejectionOf(client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'a b', LaunchTemplateData: { ImageId: TEST_IMAGE_ID } })));
    expect(badName.name).toBe('InvalidLaunchTemplateName.MalformedException');
    const badId = await rejectionOf(client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-nope'] })));
    expect(badId.name).toBe('InvalidLaunchTemplateId.Malformed');
  });
});

describe('EC2 emulator: CreateFleet (instant)', () => {
  it('fulfils the whole target from the cheapest pool that can take it all, as ordinary tagged spot instances', async () => {
    const { client } = await open();
    await createTemplate(client);
    const answer = await client.send(new CreateFleetCommand(fleetInput()));
    expect(answer.FleetId).toMatch(/^fleet-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(answer.Errors ?? []).toEqual([]);
    const launched = answer.Instances ?? [];
    expect(launched).toHaveLength(1);
    const [group] = launched;
    expect(group?.Lifecycle).toBe('spot');
    expect(group?.InstanceIds).toHaveLength(3);

    // Every pool has room for all three, so the cheapest pool wins.
    const prices = await Promise.all(
      (['g5.xlarge', 'g6.xlarge'] as const).flatMap((type) => ['us-east-1a', 'us-east-1b'].map(async (zone) => ({ type, zone, price: await spotPrice(client, type, zone) }))),
    );
    const cheapest = [...prices].sort((a, b) => a.price - b.price)[0];
    expect(group?.InstanceType).toBe(cheapest?.type);
    expect(group?.LaunchTemplateAndOverrides?.Overrides).toMatchObject({ InstanceType: cheapest?.type, AvailabilityZone: cheapest?.zone });
    expect(group?.LaunchTemplateAndOverrides?.LaunchTemplateSpecification).toMatchObject({ LaunchTemplateName: TEMPLATE, Version: '$Latest' });

    const instances = await describeAll(client, group?.InstanceIds ?? []);
    expect(instances).toHaveLength(3);
    for (const instance of instances) {
      expect(instance.InstanceLifecycle).toBe('spot');
      expect(instance.SpotInstanceRequestId).toMatch(/^sir-/);
      expect(instance.Placement?.AvailabilityZone).toBe(cheapest?.zone);
      expect(instance.ImageId).toBe(TEST_IMAGE_ID);
      const tags = Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
      expect(tags).toEqual({ 'hangar:owner': 'fleet-test', 'aws:ec2:fleet-id': answer.FleetId });
    }
    const requests = await client.send(
      new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: instances.map((instance) => instance.SpotInstanceRequestId ?? '') }),
    );
    expect(requests.SpotInstanceRequests?.map((request) => request.State)).toEqual(['active', 'active', 'active']);
  });

  it('fulfils part of the target across pools and reports each dry pool as an error', async () => {
    const byZone = { 'us-east-1a': { 'g5.xlarge': 1, 'g6.xlarge': 0 }, 'us-east-1b': { 'g5.xlarge': 2, 'g6.xlarge': 0 } };
    const { client } = await open({ capacity: { byZone } });
    await createTemplate(client);
    const answer = await client.send(new CreateFleetCommand(fleetInput({}, 5)));
    const launched = (answer.Instances ?? []).map((group) => ({
      zone: group.LaunchTemplateAndOverrides?.Overrides?.AvailabilityZone,
      type: group.InstanceType,
      count: group.InstanceIds?.length,
    }));
    // No pool holds five, so the roomiest pool (us-east-1b) is drained, then the next; answers list pools in override order.
    expect(launched).toEqual([
      { zone: 'us-east-1a', type: 'g5.xlarge', count: 1 },
      { zone: 'us-east-1b', type: 'g5.xlarge', count: 2 },
    ]);
    const errors = (answer.Errors ?? []).map((error) => ({
      zone: error.LaunchTemplateAndOverrides?.Overrides?.AvailabilityZone,
      type: error.LaunchTemplateAndOverrides?.Overrides?.InstanceType,
      code: error.ErrorCode,
      lifecycle: error.Lifecycle,
    }));
    expect(errors).toHaveLength(4);
    expect(errors).toEqual(
      expect.arrayContaining([
        { zone: 'us-east-1a', type: 'g6.xlarge', code: 'InsufficientInstanceCapacity', lifecycle: 'spot' },
        { zone: 'us-east-1b', type: 'g6.xlarge', code: 'InsufficientInstanceCapacity', lifecycle: 'spot' },
        { zone: 'us-east-1a', type: 'g5.xlarge', code: 'InsufficientInstanceCapacity', lifecycle: 'spot' },
        { zone: 'us-east-1b', type: 'g5.xlarge', code: 'InsufficientInstanceCapacity', lifecycle: 'spot' },
      ]),
    );
    for (const error of answer.Errors ?? []) expect(error.ErrorMessage).toBeTruthy();
  });

  it('launches nothing when no pool has capacity, answering an error per pool (not a failed request)', async () => {
    const { client } = await open({ capacity: { default: 0 } });
    await createTemplate(client);
    const answer = await client.send(new CreateFleetCommand(fleetInput()));
    expect(answer.FleetId).toMatch(/^fleet-/);
    expect(answer.Instances ?? []).toEqual([]);
    expect(answer.Errors?.map((error) => error.ErrorCode)).toEqual(Array(4).fill('InsufficientInstanceCapacity'));
  });

  it('counts instances already running against a pool (RunInstances and fleets share capacity)', async () => {
    const { client } = await open({ capacity: { default: 0, byZone: { 'us-east-1a': { 'g5.xlarge': 2 } } } });
    await createTemplate(client);
    await client.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: TEST_IMAGE_ID, InstanceType: 'g5.xlarge', Placement: { AvailabilityZone: 'us-east-1a' } }));
    const answer = await client.send(new CreateFleetCommand(fleetInput({}, 2)));
    expect(answer.Instances?.flatMap((group) => group.InstanceIds ?? [])).toHaveLength(1);
  });

  it('replays a repeated ClientToken without launching again, and refuses the token for a different request', async () => {
    const { client, emulator } = await open();
    await createTemplate(client);
    const first = await client.send(new CreateFleetCommand(fleetInput({ ClientToken: 'fleet-token-1' })));
    const second = await client.send(new CreateFleetCommand(fleetInput({ ClientToken: 'fleet-token-1' })));
    expect(second.FleetId).toBe(first.FleetId);
    expect(second.Instances).toEqual(first.Instances);
    expect(emulator.state.instances.size).toBe(3);
    const mismatch = await rejectionOf(client.send(new CreateFleetCommand(fleetInput({ ClientToken: 'fleet-token-1' }, 4))));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
  });

  it('refuses fleet types other than instant, and a missing template or version', async () => {
    const { client } = await open();
    await createTemplate(client);
    for (const Type of ['maintain', 'request'] as const) {
      const refused = await rejectionOf(client.send(new CreateFleetCommand(fleetInput({ Type }))));
      expect(refused.name).toBe('InvalidParameterValue');
      expect(refused.message).toContain('instant');
    }
    const noType = await rejectionOf(client.send(new CreateFleetCommand(fleetInput({ Type: undefined }))));
    expect(noType.name).toBe('InvalidParameterValue');
    const unknown = await rejectionOf(
      client.send(new CreateFleetCommand(fleetInput({ LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: 'nope', Version: '1' } }] }))),
    );
    expect(unknown.name).toBe('InvalidLaunchTemplateName.NotFoundException');
    const noVersion = await rejectionOf(
      client.send(new CreateFleetCommand(fleetInput({ LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: TEMPLATE }, Overrides: pools(['g5.xlarge'], ['us-east-1a']) }] }))),
    );
    expect(noVersion.name).toBe('MissingParameter');
  });

  it('answers DryRunOperation for a valid request and launches nothing', async () => {
    const { client, emulator } = await open();
    await createTemplate(client);
    const dryRun = await rejectionOf(client.send(new CreateFleetCommand(fleetInput({ DryRun: true }))));
    expect(dryRun.name).toBe('DryRunOperation');
    expect(dryRun.$metadata.httpStatusCode).toBe(412);
    expect(emulator.state.instances.size).toBe(0);
  });

  it('launches an on-demand base before the spot remainder', async () => {
    const { client } = await open();
    await createTemplate(client);
    const answer = await client.send(
      new CreateFleetCommand(fleetInput({ TargetCapacitySpecification: { TotalTargetCapacity: 4, OnDemandTargetCapacity: 1, DefaultTargetCapacityType: 'spot' } })),
    );
    const byLifecycle = (lifecycle: string): number =>
      (answer.Instances ?? []).filter((group) => group.Lifecycle === lifecycle).reduce((sum, group) => sum + (group.InstanceIds?.length ?? 0), 0);
    expect(byLifecycle('on-demand')).toBe(1);
    expect(byLifecycle('spot')).toBe(3);
    const onDemand = answer.Instances?.find((group) => group.Lifecycle === 'on-demand');
    // On-demand lowest-price: g6.xlarge lists below g5.xlarge.
    expect(onDemand?.InstanceType).toBe('g6.xlarge');
  });

  it('honours SpotOptions MinTargetCapacity with SingleAvailabilityZone, and a max price below the market', async () => {
    const byZone = { 'us-east-1a': { 'g5.xlarge': 1, 'g6.xlarge': 1 }, 'us-east-1b': { 'g5.xlarge': 1, 'g6.xlarge': 0 } };
    const { client } = await open({ capacity: { byZone } });
    await createTemplate(client);
    const single = await client.send(
      new CreateFleetCommand(fleetInput({ SpotOptions: { AllocationStrategy: 'price-capacity-optimized', SingleAvailabilityZone: true, MinTargetCapacity: 2 } }, 2)),
    );
    expect(single.Instances?.map((group) => group.LaunchTemplateAndOverrides?.Overrides?.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1a']);
    const impossible = await client.send(
      new CreateFleetCommand(fleetInput({ SpotOptions: { SingleAvailabilityZone: true, MinTargetCapacity: 2 } }, 2)),
    );
    expect(impossible.Instances ?? []).toEqual([]);
    expect(impossible.Errors?.length).toBeGreaterThan(0);

    const cheap = await client.send(
      new CreateFleetCommand(
        fleetInput({
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: TEMPLATE, Version: '1' }, Overrides: [{ InstanceType: 'g5.xlarge', AvailabilityZone: 'us-east-1b', MaxPrice: '0.001' }] }],
        }, 1),
      ),
    );
    expect(cheap.Instances ?? []).toEqual([]);
    expect(cheap.Errors?.map((error) => error.ErrorCode)).toEqual(['SpotMaxPriceTooLow']);
  });

  it('CreateTags tags fleet instances one by one after launch', async () => {
    const { client } = await open();
    await createTemplate(client);
    const answer = await client.send(new CreateFleetCommand(fleetInput({}, 1)));
    const id = answer.Instances?.[0]?.InstanceIds?.[0] ?? '';
    await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'hangar:instance-id', Value: 'inst_1' }] }));
    const [instance] = await describeAll(client, [id]);
    expect(instance?.Tags).toEqual(expect.arrayContaining([{ Key: 'hangar:instance-id', Value: 'inst_1' }]));
    const missing = await rejectionOf(client.send(new CreateTagsCommand({ Resources: ['i-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })));
    expect(missing.name).toBe('InvalidInstanceID.NotFound');
  });
});

describe('EC2 emulator: CreateFleet overrides with subnets', () => {
  const PRIVATE_A = 'subnet-0aaaaaaaaaaaaaaa1';
  const PRIVATE_B = 'subnet-0bbbbbbbbbbbbbbb1';
  const subnets = [
    { subnetId: PRIVATE_A, zone: 'us-east-1a', availableIpAddressCount: 1 },
    { subnetId: PRIVATE_B, zone: 'us-east-1b' },
  ];
  const overrides = (entries: FleetLaunchTemplateOverridesRequest[]): Partial<CreateFleetCommandInput> => ({
    LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: TEMPLATE, Version: '$Latest' }, Overrides: entries }],
  });

  it('launches an override that names only a SubnetId in that subnet and its zone, and echoes both', async () => {
    const { client } = await open({ subnets, defaultVpc: false });
    await createTemplate(client);
    const answer = await client.send(new CreateFleetCommand(fleetInput(overrides([{ InstanceType: 'g5.xlarge', SubnetId: PRIVATE_B }]), 2)));
    expect(answer.Errors ?? []).toEqual([]);
    const [group] = answer.Instances ?? [];
    expect(group?.LaunchTemplateAndOverrides?.Overrides).toMatchObject({ InstanceType: 'g5.xlarge', SubnetId: PRIVATE_B, AvailabilityZone: 'us-east-1b' });
    const instances = await describeAll(client, group?.InstanceIds ?? []);
    expect(instances.map((instance) => [instance.Placement?.AvailabilityZone, instance.SubnetId])).toEqual([
      ['us-east-1b', PRIVATE_B],
      ['us-east-1b', PRIVATE_B],
    ]);
  });

  it('takes a pool’s instances from its subnet’s free addresses, reporting a subnet that ran out', async () => {
    const { client } = await open({ subnets });
    await createTemplate(client);
    const answer = await client.send(
      new CreateFleetCommand(
        fleetInput(
          overrides([
            { InstanceType: 'g5.xlarge', SubnetId: PRIVATE_A },
            { InstanceType: 'g6.xlarge', SubnetId: PRIVATE_A },
          ]),
          3,
        ),
      ),
    );
    // One address between both pools of the subnet: one machine, and each pool reported dry for want of addresses.
    expect((answer.Instances ?? []).flatMap((group) => group.InstanceIds ?? [])).toHaveLength(1);
    expect(answer.Errors?.map((error) => [error.ErrorCode, error.LaunchTemplateAndOverrides?.Overrides?.SubnetId])).toEqual([
      ['InsufficientFreeAddressesInSubnet', PRIVATE_A],
      ['InsufficientFreeAddressesInSubnet', PRIVATE_A],
    ]);
    expect(answer.Errors?.[0]?.ErrorMessage).toBe(`There are not enough free addresses in subnet '${PRIVATE_A}' to satisfy the requested number of instances.`);
  });

  it('refuses a SubnetId beside another AvailabilityZone, an unknown subnet, and, without a default VPC, an override without a subnet', async () => {
    const { client } = await open({ subnets, defaultVpc: false });
    await createTemplate(client);
    const mismatch = await rejectionOf(client.send(new CreateFleetCommand(fleetInput(overrides([{ InstanceType: 'g5.xlarge', SubnetId: PRIVATE_A, AvailabilityZone: 'us-east-1b' }]), 1))));
    expect([mismatch.name, mismatch.message]).toEqual(['InvalidParameterValue', `Value (us-east-1b) for parameter availabilityZone is invalid. Subnet '${PRIVATE_A}' is in the availability zone us-east-1a`]);
    const unknown = await rejectionOf(client.send(new CreateFleetCommand(fleetInput(overrides([{ InstanceType: 'g5.xlarge', SubnetId: 'subnet-0ffffffffffffffff' }]), 1))));
    expect(unknown.name).toBe('InvalidSubnetID.NotFound');
    const noVpc = await rejectionOf(client.send(new CreateFleetCommand(fleetInput(overrides([{ InstanceType: 'g5.xlarge', AvailabilityZone: 'us-east-1a' }]), 1))));
    expect([noVpc.name, noVpc.message]).toEqual(['VPCIdNotSpecified', 'No default VPC for this user']);
  });
});
