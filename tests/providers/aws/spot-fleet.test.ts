import { type CreateFleetCommandInput, type CreateLaunchTemplateCommandInput, DescribeLaunchTemplatesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { type CapacitySignal, type CapacitySignals, InMemoryCapacitySignals, OWNERSHIP_TAGS, ProviderError } from '../../../src/contracts/index.js';
import { fleetStore } from '../../../src/emulators/ec2/fleet-state.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { Ec2Clients } from '../../../src/providers/aws/ec2-clients.js';
import { Ec2CallError } from '../../../src/providers/aws/ec2-errors.js';
import {
  FLEET_ID_TAG,
  SPOT_FLEET_TEMPLATE_PREFIX,
  type SpotFleet,
  type SpotFleetInput,
  SpotFleetInputSchema,
  createAwsSpotFleet,
  fleetToken,
} from '../../../src/providers/aws/spot-fleet.js';
import { requestProblems } from '../../support/botocore-model.js';
import { type AwsTestBed, spawnOptions, startAwsTestBed } from './aws-test-bed.js';


// --- the bed: the provider over the emulator, and the workflow on clients whose requests are recorded ---

interface SentCommand {
  name: string;
  input: unknown;
}

interface FleetBed {
  bed: AwsTestBed;
  clients: Ec2Clients;
  client: EC2Client;
  cache: InMemoryCapacitySignals;
  fleet: SpotFleet;
  sent: SentCommand[];
}

let opened: FleetBed | undefined;
afterEach(async () => {
  opened?.clients.destroy();
  await opened?.bed.close();
  opened = undefined;
});

async function open(options: Ec2EmulatorOptions = {}, credentials = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' }): Promise<FleetBed> {
  const bed = await startAwsTestBed(options);
  const clients = new Ec2Clients(AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: bed.emulator.url }), { credentials });
  const sent: SentCommand[] = [];
  const client = clients.of('us-east-1');
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: String(context.commandName), input: structuredClone(args.input) });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  const now = (): number => bed.clock;
  const cache = new InMemoryCapacitySignals({ now });
  const fleet = createAwsSpotFleet({ provider: bed.registration.provider, clients, defaultImageId: 'ami-0123456789abcdef0', capacity: cache, now, tagRetryDelayMs: 1 });
  opened = { bed, clients, client, cache, fleet, sent };
  return opened;
}

let sequence = 0;

function fleetInput(overrides: Partial<SpotFleetInput> & { count?: number } = {}): SpotFleetInput {
  sequence += 1;
  const count = overrides.count ?? 3;
  return SpotFleetInputSchema.parse({
    region: 'us-east-1',
    instanceTypes: ['g5.xlarge', 'g6.xlarge'],
    count,
    tags: { team: 'ml' },
    idempotencyToken: `fleet-intent-${sequence}`,
    ownership: { owner: 'hangar-test', instanceIds: Array.from({ length: count }, (_, index) => `inst_fleet_${sequence}_${index}`) },
    ...overrides,
  });
}

const sentOf = (bed: FleetBed, name: string): SentCommand[] => bed.sent.filter((command) => command.name === name);

describe('AWS spot-fleet workflow', () => {
  it('is registered beside the multi-AZ probe', async () => {
    const { bed } = await open();
    expect(Object.keys(bed.registration.workflows ?? {})).toEqual(expect.arrayContaining(['multi-az-probe', 'spot-fleet']));
  });

  it('fulfils the target: every machine is spot, owned, carries its own Hangar id, and is listed by the provider', async () => {
    const open_ = await open();
    const input = fleetInput();
    const result = await open_.fleet.run(input);
    expect(result.outcome).toBe('fulfilled');
    expect(result.fleetId).toMatch(/^fleet-/);
    expect(result.errors).toEqual([]);
    expect(result.unassigned).toEqual([]);
    expect(result.machines.map((machine) => machine.hangarInstanceId)).toEqual(input.ownership.instanceIds);
    for (const machine of result.machines) {
      expect(machine).toMatchObject({ region: 'us-east-1', spot: true });
      expect(['g5.xlarge', 'g6.xlarge']).toContain(machine.instanceType);
      expect(machine.pricePerHour).toBeGreaterThan(0);
    }

    // Adoption-ready: the provider's own list (what reconciliation reads) finds each machine by its marks.
    const listed = await open_.bed.registration.provider.list({ owner: 'hangar-test' });
    expect(listed).toHaveLength(3);
    for (const machine of result.machines) {
      const [found] = await open_.bed.registration.provider.list({ owner: 'hangar-test', hangarInstanceId: machine.hangarInstanceId });
      expect(found).toMatchObject({ providerId: machine.providerId, owner: 'hangar-test', hangarInstanceId: machine.hangarInstanceId, spot: true, zone: machine.zone });
      expect(found?.tags).toMatchObject({ team: 'ml', [OWNERSHIP_TAGS.owner]: 'hangar-test', [FLEET_ID_TAG]: result.fleetId });
      expect(found?.lifecycle).toBe('spot');
      expect(found?.spotInstanceRequestId).toMatch(/^sir-/);
    }
  });

  it('sends requests real EC2 accepts: CreateFleet and CreateTags match the botocore model, with a launch template', async () => {
    const bed = await open();
    await bed.fleet.run(fleetInput({ maxPricePerHour: 5 }));
    // The check itself bites: a request without the required members, or with a member EC2 does not define, fails it.
    expect(requestProblems('CreateFleet', { Type: 'instant', Bogus: 1 })).toEqual([
      '$.LaunchTemplateConfigs: required by CreateFleetRequest',
      '$.TargetCapacitySpecification: required by CreateFleetRequest',
      '$.Bogus: not a member of CreateFleetRequest',
    ]);
    const [createFleet] = sentOf(bed, 'CreateFleetCommand');
    expect(requestProblems('CreateFleet', createFleet?.input)).toEqual([]);
    expect(createFleet?.input).toMatchObject({
      Type: 'instant',
      ClientToken: fleetToken(`fleet-intent-${sequence}`),
      TargetCapacitySpecification: { TotalTargetCapacity: 3, DefaultTargetCapacityType: 'spot' },
      SpotOptions: { AllocationStrategy: 'price-capacity-optimized' },
    });
    const configs = (createFleet?.input as { LaunchTemplateConfigs: { LaunchTemplateSpecification: { LaunchTemplateName: string; Version: string }; Overrides: unknown[] }[] }).LaunchTemplateConfigs;
    expect(configs[0]?.LaunchTemplateSpecification.Version).toBe('$Latest');
    expect(configs[0]?.LaunchTemplateSpecification.LaunchTemplateName.startsWith(SPOT_FLEET_TEMPLATE_PREFIX)).toBe(true);
    // Two types × three zones of us-east-1.
    expect(configs[0]?.Overrides).toHaveLength(6);
    expect(configs[0]?.Overrides[0]).toMatchObject({ InstanceType: 'g5.xlarge', AvailabilityZone: 'us-east-1a', ImageId: 'ami-0123456789abcdef0', MaxPrice: '5' });
    for (const tagging of sentOf(bed, 'CreateTagsCommand')) expect(requestProblems('CreateTags', tagging.input)).toEqual([]);

    // The fleet's own template, tagged with the owner, deleted once CreateFleet answered; a second fleet makes (and deletes) its own.
    const [template] = sentOf(bed, 'CreateLaunchTemplateCommand');
    expect(requestProblems('CreateLaunchTemplate', template?.input)).toEqual([]);
    expect(template?.input).toMatchObject({ TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: OWNERSHIP_TAGS.owner, Value: 'hangar-test' }] }] });
    const [deleted] = sentOf(bed, 'DeleteLaunchTemplateCommand');
    expect(requestProblems('DeleteLaunchTemplate', deleted?.input)).toEqual([]);
    expect(deleted?.input).toEqual({ LaunchTemplateName: configs[0]?.LaunchTemplateSpecification.LaunchTemplateName });
    await bed.fleet.run(fleetInput());
    expect(sentOf(bed, 'CreateLaunchTemplateCommand')).toHaveLength(2);
    expect(sentOf(bed, 'DeleteLaunchTemplateCommand')).toHaveLength(2);
    expect((await bed.client.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    expect(fleetStore(bed.bed.emulator.state).templateCount()).toBe(0);
  });

  it('reports partial fulfilment with per-pool errors, and puts the dry pools in the capacity-error cache', async () => {
    const byZone = {
      'us-east-1a': { 'g5.xlarge': 1, 'g6.xlarge': 0 },
      'us-east-1b': { 'g5.xlarge': 1, 'g6.xlarge': 0 },
      'us-east-1c': { 'g5.xlarge': 0, 'g6.xlarge': 0 },
    };
    const bed = await open({ capacity: { byZone } });
    const input = fleetInput({ count: 4 });
    const result = await bed.fleet.run(input);
    expect(result.outcome).toBe('partial');
    expect(result.machines).toHaveLength(2);
    expect(result.machines.map((machine) => machine.instanceType)).toEqual(['g5.xlarge', 'g5.xlarge']);
    expect(result.unassigned).toEqual(input.ownership.instanceIds.slice(2));
    expect(result.errors).toHaveLength(6);
    for (const error of result.errors) expect(error).toMatchObject({ errorCode: 'InsufficientInstanceCapacity', code: 'CAPACITY_ERROR' });
    expect(bed.cache.entries()).toHaveLength(6);
    expect(bed.cache.entries()[0]).toMatchObject({ market: 'spot', code: 'CAPACITY_ERROR', message: expect.stringContaining('InsufficientInstanceCapacity: ') });
    expect(bed.cache.isBlocked({ region: 'us-east-1', zone: 'us-east-1c', instanceType: 'g6.xlarge', market: 'spot' })).toBe(true);
    expect(bed.cache.isBlocked({ region: 'us-east-1', zone: 'us-east-1c', instanceType: 'g6.xlarge', market: 'on-demand' })).toBe(false);
  });

  it('answers outcome none with the errors when no pool has capacity, and then skips the cached pools without calling EC2', async () => {
    const bed = await open({ capacity: { default: 0 } });
    const first = await bed.fleet.run(fleetInput({ count: 2 }));
    expect(first).toMatchObject({ outcome: 'none', machines: [], requested: 2 });
    expect(first.errors).toHaveLength(6);
    expect(first.unassigned).toHaveLength(2);

    const fleets = sentOf(bed, 'CreateFleetCommand').length;
    const second = await bed.fleet.run(fleetInput({ count: 2 }));
    expect(second).toMatchObject({ outcome: 'none', fleetId: null, machines: [], errors: [] });
    expect(second.skipped).toHaveLength(6);
    expect(sentOf(bed, 'CreateFleetCommand')).toHaveLength(fleets);
  });

  it('leaves cached pools out of the request and fills the target from the rest', async () => {
    const bed = await open();
    bed.cache.report({ region: 'us-east-1', zone: 'us-east-1a', instanceType: 'g5.xlarge', market: 'spot', code: 'CAPACITY_ERROR', message: 'InsufficientInstanceCapacity: test' });
    const result = await bed.fleet.run(fleetInput({ zones: ['us-east-1a'] }));
    expect(result.skipped).toEqual([{ instanceType: 'g5.xlarge', zone: 'us-east-1a', reason: 'InsufficientInstanceCapacity: test' }]);
    expect(result.outcome).toBe('fulfilled');
    expect(result.machines.every((machine) => machine.instanceType === 'g6.xlarge' && machine.zone === 'us-east-1a')).toBe(true);
    const [createFleet] = sentOf(bed, 'CreateFleetCommand');
    expect((createFleet?.input as { LaunchTemplateConfigs: { Overrides: unknown[] }[] }).LaunchTemplateConfigs[0]?.Overrides).toEqual([
      { InstanceType: 'g6.xlarge', AvailabilityZone: 'us-east-1a', ImageId: 'ami-0123456789abcdef0' },
    ]);
  });

  it('through the registration, reports dry pools to the bound capacity-signals port and leaves out the pools it blocks', async () => {
    const byZone = { 'us-east-1a': { 'g5.xlarge': 0, 'g6.xlarge': 0 }, 'us-east-1b': { 'g5.xlarge': 1, 'g6.xlarge': 5 } };
    const bed = await startAwsTestBed({ capacity: { byZone } });
    try {
      const reported: CapacitySignal[] = [];
      const bound: CapacitySignals = {
        report: (signal) => reported.push(signal),
        isBlocked: (query) => bound.blockOf(query) !== null,
        // What the control plane learned elsewhere: g6.xlarge is short in us-east-1b, whatever the market.
        blockOf: (query) =>
          query.zone === 'us-east-1b' && query.instanceType === 'g6.xlarge' ? { code: 'CAPACITY_ERROR', message: 'refused a spawn', until: '2099-01-01T00:00:00.000Z' } : null,
      };
      bed.registration.bindCapacitySignals?.(bound);
      const fleet = bed.registration.workflows?.['spot-fleet'];
      const result = (await fleet?.run(fleetInput({ zones: ['us-east-1a', 'us-east-1b'], count: 3 }))) as Awaited<ReturnType<SpotFleet['run']>>;
      // The blocked pool was never asked for, though it had room: only g5.xlarge in us-east-1b launched.
      expect(result.skipped).toEqual([{ instanceType: 'g6.xlarge', zone: 'us-east-1b', reason: 'refused a spawn' }]);
      expect(result).toMatchObject({ outcome: 'partial', machines: [{ instanceType: 'g5.xlarge', zone: 'us-east-1b' }] });
      const pools = reported.map((signal) => [signal.zone, signal.instanceType]).sort();
      expect(pools).toEqual(result.errors.map((error) => [error.zone, error.instanceType]).sort());
      expect(pools).toContainEqual(['us-east-1a', 'g5.xlarge']);
      for (const signal of reported) {
        expect(signal).toMatchObject({ region: 'us-east-1', market: 'spot', code: 'CAPACITY_ERROR', message: expect.stringContaining('InsufficientInstanceCapacity') });
      }
    } finally {
      await bed.close();
    }
  });

  it('replays the same machines for a retried intent (same token), never launching twice', async () => {
    const bed = await open();
    const input = fleetInput({ count: 2 });
    const first = await bed.fleet.run(input);
    const second = await bed.fleet.run(input);
    expect(second.machines).toEqual(first.machines);
    expect(await bed.bed.registration.provider.list({ owner: 'hangar-test' })).toHaveLength(2);
    // The retry re-created the same template (same token, same name), so its CreateFleet was the same request, and deleted it again.
    const names = sentOf(bed, 'CreateLaunchTemplateCommand').map((command) => (command.input as { LaunchTemplateName: string }).LaunchTemplateName);
    expect(names).toHaveLength(2);
    expect(names[1]).toBe(names[0]);
    expect(fleetStore(bed.bed.emulator.state).templateCount()).toBe(0);
  });

  it('survives eventual consistency: tagging that cannot see the machines yet fails as unknown, and a retry with the same token finishes it', async () => {
    const bed = await open({ consistencyLagMs: 5_000 });
    const input = fleetInput({ count: 2 });
    const failure = await bed.fleet.run(input).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Ec2CallError);
    expect((failure as Error).message).toContain('same idempotency token');
    // Owned already, so reconciliation would collect them if no retry came.
    bed.bed.clock += 5_000;
    expect(await bed.bed.registration.provider.list({ owner: 'hangar-test' })).toHaveLength(2);

    const retried = await bed.fleet.run(input);
    expect(retried.outcome).toBe('fulfilled');
    for (const machine of retried.machines) {
      const [found] = await bed.bed.registration.provider.list({ owner: 'hangar-test', hangarInstanceId: machine.hangarInstanceId });
      expect(found?.providerId).toBe(machine.providerId);
    }
    expect(await bed.bed.registration.provider.list({ owner: 'hangar-test' })).toHaveLength(2);
  });

  it('refuses bad input as INVALID_SPEC: ids not matching the count, an unknown type, a foreign zone', async () => {
    const bed = await open();
    const codeOf = async (raw: unknown): Promise<string> => {
      try {
        await bed.fleet.run(raw as SpotFleetInput);
      } catch (error) {
        return error instanceof ProviderError ? error.code : String(error);
      }
      return 'resolved';
    };
    const base = fleetInput({ count: 2 });
    expect(await codeOf({ ...base, ownership: { owner: 'hangar-test', instanceIds: ['only-one'] } })).toBe('INVALID_SPEC');
    expect(await codeOf({ ...base, instanceTypes: ['x9.huge'] })).toBe('INVALID_SPEC');
    expect(await codeOf({ ...base, zones: ['us-west-2a'] })).toBe('INVALID_SPEC');
    expect(await codeOf({ ...base, maxPricePerHour: 0.0001 })).toBe('INVALID_SPEC');
    expect(await codeOf({ ...base, instanceTypes: [] })).toBe('INVALID_SPEC');
    // One CreateFleet cannot give several machines each its own user data.
    expect(await codeOf({ ...base, bootstrap: { script: 'echo hi' } })).toBe('INVALID_SPEC');
  });

  it('asks only for pools EC2 can launch in: a type offered in some zones brings only those zones', async () => {
    const bed = await open();
    const result = await bed.fleet.run(fleetInput({ instanceTypes: ['g5.xlarge', 'dl1.24xlarge'], count: 1 }));
    expect(result.outcome).toBe('fulfilled');
    const [request] = sentOf(bed, 'CreateFleetCommand');
    const overrides = (request?.input as CreateFleetCommandInput).LaunchTemplateConfigs?.[0]?.Overrides ?? [];
    expect(overrides.map((pool) => `${pool.InstanceType}@${pool.AvailabilityZone}`).sort()).toEqual([
      'dl1.24xlarge@us-east-1a',
      'dl1.24xlarge@us-east-1b',
      'g5.xlarge@us-east-1a',
      'g5.xlarge@us-east-1b',
      'g5.xlarge@us-east-1c',
    ]);
  });

  it('a fleet of one is a spawn: its template carries the machine’s bootstrap, and the machine its Hangar id from launch (no CreateTags)', async () => {
    const bed = await open();
    const input = fleetInput({ count: 1, bootstrap: { script: 'echo fleet-of-one' } });
    const result = await bed.fleet.run(input);
    expect(result.outcome).toBe('fulfilled');
    expect(sentOf(bed, 'CreateTagsCommand')).toHaveLength(0);
    const [template] = sentOf(bed, 'CreateLaunchTemplateCommand');
    const userData = (template?.input as CreateLaunchTemplateCommandInput).LaunchTemplateData?.UserData ?? '';
    const expected = bed.bed.registration.provider.generateBootstrap({ script: 'echo fleet-of-one', instanceId: input.ownership.instanceIds[0] ?? '' });
    expect(Buffer.from(userData, 'base64').toString('utf8')).toBe(expected.content);
    const [listed] = await bed.bed.registration.provider.list({ owner: 'hangar-test', hangarInstanceId: input.ownership.instanceIds[0] });
    expect(listed?.providerId).toBe(result.machines[0]?.providerId);
  });

  it('throws a request-level failure (an EC2 auth refusal) as a ProviderError, not as a fleet outcome', async () => {
    const bed = await open();
    const clients = new Ec2Clients(AwsConfigSchema.parse({ regions: ['eu-north-1'], endpoint: bed.bed.emulator.url }), {
      credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    });
    const offRegion = createAwsSpotFleet({
      provider: { name: 'aws', instanceTypes: async () => [{ name: 'g5.xlarge', vcpus: 4, memoryGiB: 16, gpu: null, regions: [{ region: 'eu-north-1', zones: ['eu-north-1a'] }], pricePerHour: 1, spotPricePerHour: null, warnings: [] }], generateBootstrap: bed.bed.registration.provider.generateBootstrap.bind(bed.bed.registration.provider) },
      clients,
      defaultImageId: 'ami-0123456789abcdef0',
    });
    try {
      const failure = await offRegion.run(fleetInput({ region: 'eu-north-1', instanceTypes: ['g5.xlarge'], count: 1 })).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).code).toBe('AUTH_ERROR');
    } finally {
      clients.destroy();
    }
  });
});

describe('AWS spot-fleet workflow with configured subnets', () => {
  const SUBNET_A = 'subnet-0aaaaaaaaaaaaaaa1';
  const SUBNET_B_SMALL = 'subnet-0bbbbbbbbbbbbbbb1';
  const SUBNET_B_ROOMY = 'subnet-0bbbbbbbbbbbbbbb2';
  /** An account without a default VPC: every launch must name a subnet. Two subnets in us-east-1b, none in us-east-1c. */
  const NETWORK: Ec2EmulatorOptions = {
    defaultVpc: false,
    subnets: [
      { subnetId: SUBNET_A, zone: 'us-east-1a', tags: { hangar: 'yes' } },
      { subnetId: SUBNET_B_SMALL, zone: 'us-east-1b', availableIpAddressCount: 20, tags: { hangar: 'yes' } },
      { subnetId: SUBNET_B_ROOMY, zone: 'us-east-1b', availableIpAddressCount: 200, tags: { hangar: 'yes' } },
    ],
  };
  let bed: AwsTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('sets SubnetId per zone in the overrides (the roomiest subnet of each zone), launches there, and skips a zone without a subnet', async () => {
    const sent: SentCommand[] = [];
    bed = await startAwsTestBed(
      NETWORK,
      { onRequest: (name, input) => sent.push({ name, input: structuredClone(input) }) },
      { subnetSelector: { tags: { hangar: 'yes' } } },
    );
    const fleet = bed.registration.workflows?.['spot-fleet'];
    const result = (await fleet?.run(fleetInput({ instanceTypes: ['g5.xlarge'], count: 2 }))) as Awaited<ReturnType<SpotFleet['run']>>;
    expect(result.outcome).toBe('fulfilled');
    const overrides = sent
      .filter((command) => command.name === 'CreateFleet')
      .flatMap((command) => (command.input as { LaunchTemplateConfigs: { Overrides: Record<string, unknown>[] }[] }).LaunchTemplateConfigs[0]?.Overrides ?? []);
    expect(overrides.map((override) => [override.AvailabilityZone, override.SubnetId])).toEqual([
      ['us-east-1a', SUBNET_A],
      ['us-east-1b', SUBNET_B_ROOMY],
    ]);
    expect(result.skipped).toEqual([{ instanceType: 'g5.xlarge', zone: 'us-east-1c', reason: expect.stringContaining('no subnet of providers.aws.subnetSelector is in us-east-1c') }]);
    for (const machine of result.machines) {
      const record = bed.emulator.state.instances.get(machine.providerId);
      expect(record?.subnetId).toBe(machine.zone === 'us-east-1a' ? SUBNET_A : SUBNET_B_ROOMY);
    }
    for (const command of sent.filter((entry) => entry.name === 'CreateFleet' || entry.name === 'DescribeSubnets')) {
      expect(requestProblems(command.name, command.input)).toEqual([]);
    }
  });

  it('with the single subnetId: every override names that subnet in its zone (not the zone’s roomiest), as a spawn would', async () => {
    const sent: SentCommand[] = [];
    bed = await startAwsTestBed(NETWORK, { onRequest: (name, input) => sent.push({ name, input: structuredClone(input) }) }, { subnetId: SUBNET_B_SMALL });
    const fleet = bed.registration.workflows?.['spot-fleet'];
    const result = (await fleet?.run(fleetInput({ count: 2 }))) as Awaited<ReturnType<SpotFleet['run']>>;
    expect(result.outcome).toBe('fulfilled');
    const overrides = sent
      .filter((command) => command.name === 'CreateFleet')
      .flatMap((command) => (command.input as { LaunchTemplateConfigs: { Overrides: Record<string, unknown>[] }[] }).LaunchTemplateConfigs[0]?.Overrides ?? []);
    expect(overrides.map((override) => [override.InstanceType, override.AvailabilityZone, override.SubnetId])).toEqual([
      ['g5.xlarge', 'us-east-1b', SUBNET_B_SMALL],
      ['g6.xlarge', 'us-east-1b', SUBNET_B_SMALL],
    ]);
    const pinned = `providers.aws.subnetId pins launches to ${SUBNET_B_SMALL} in us-east-1b`;
    expect(result.skipped).toEqual(
      ['g5.xlarge', 'g6.xlarge'].flatMap((instanceType) => ['us-east-1a', 'us-east-1c'].map((zone) => ({ instanceType, zone, reason: pinned }))),
    );
    for (const machine of result.machines) expect(bed.emulator.state.instances.get(machine.providerId)?.subnetId).toBe(SUBNET_B_SMALL);
    // A fleet held to another zone cannot launch at all, as a spawn there is refused.
    const elsewhere = await fleet?.run(fleetInput({ zones: ['us-east-1a'], count: 1 })).then(
      () => null,
      (error: unknown) => error,
    );
    expect(elsewhere).toMatchObject({ code: 'INVALID_SPEC', message: expect.stringContaining(pinned) });
  });

  it('counts each machine against its subnet, as a spawn does: the next launch in the zone takes the subnet now roomier', async () => {
    const FIRST = 'subnet-0aaaaaaaaaaaaaaa2';
    const SECOND = 'subnet-0aaaaaaaaaaaaaaa3';
    bed = await startAwsTestBed(
      {
        defaultVpc: false,
        subnets: [
          { subnetId: FIRST, zone: 'us-east-1a', availableIpAddressCount: 21, tags: { hangar: 'yes' } },
          { subnetId: SECOND, zone: 'us-east-1a', availableIpAddressCount: 20, tags: { hangar: 'yes' } },
        ],
      },
      {},
      { subnetSelector: { tags: { hangar: 'yes' } } },
    );
    const fleet = bed.registration.workflows?.['spot-fleet'];
    const result = (await fleet?.run(fleetInput({ instanceTypes: ['g5.xlarge'], zones: ['us-east-1a'], count: 2 }))) as Awaited<ReturnType<SpotFleet['run']>>;
    expect(result.machines.map((machine) => bed?.emulator.state.instances.get(machine.providerId)?.subnetId)).toEqual([FIRST, FIRST]);
    // 21 - 2 < 20: without the fleet's two addresses counted, the spawn would pick FIRST again.
    const spawned = await bed.registration.provider.spawn(spawnOptions({ zone: 'us-east-1a' }));
    expect(spawned.subnetId).toBe(SECOND);
  });

  it('refuses a fleet whose zones have no configured subnet as INVALID_SPEC naming the subnets known', async () => {
    bed = await startAwsTestBed(NETWORK, {}, { subnets: [SUBNET_A] });
    const failure = await bed.registration.workflows?.['spot-fleet']?.run(fleetInput({ instanceTypes: ['g5.xlarge'], zones: ['us-east-1b', 'us-east-1c'], count: 1 })).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ code: 'INVALID_SPEC', message: expect.stringContaining(`${SUBNET_A} in us-east-1a`) });
    expect(bed.emulator.state.instances.size).toBe(0);
  });
});
