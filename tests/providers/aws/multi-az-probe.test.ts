import { afterEach, describe, expect, it } from 'vitest';
import {
  type CapacitySignal,
  type CapacitySignals,
  DEFAULT_CAPACITY_SIGNAL_TTL_MS,
  InMemoryCapacitySignals,
  ProviderError,
  type ProviderErrorCode,
} from '../../../src/contracts/index.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { describeSpotPrices } from '../../../src/providers/aws/aws-catalog.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import type { AWSInstance } from '../../../src/providers/aws/aws-instance.js';
import { Ec2Clients } from '../../../src/providers/aws/ec2-clients.js';
import {
  type MultiAzProbe,
  type MultiAzProbeInput,
  type MultiAzProbeResult,
  MultiAzProbeInputSchema,
  createAwsMultiAzProbe,
  zoneToken,
} from '../../../src/providers/aws/multi-az-probe.js';
import { type AwsTestBed, spawnOptions, startAwsTestBed } from './aws-test-bed.js';

interface ProbeBed {
  bed: AwsTestBed;
  clients: Ec2Clients;
  cache: InMemoryCapacitySignals;
  probe: MultiAzProbe<AWSInstance>;
}

let opened: ProbeBed | undefined;
afterEach(async () => {
  opened?.clients.destroy();
  await opened?.bed.close();
  opened = undefined;
});

async function open(options: Ec2EmulatorOptions = {}): Promise<ProbeBed> {
  const bed = await startAwsTestBed(options);
  const clients = new Ec2Clients(AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: bed.emulator.url }), {
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
  });
  const now = (): number => bed.clock;
  const cache = new InMemoryCapacitySignals({ now });
  opened = { bed, clients, cache, probe: createAwsMultiAzProbe({ provider: bed.registration.provider, clients, now, capacity: cache }) };
  return opened;
}

let sequence = 0;

function probeInput(overrides: Partial<MultiAzProbeInput> = {}): MultiAzProbeInput {
  sequence += 1;
  return MultiAzProbeInputSchema.parse({
    instanceType: 'g5.xlarge',
    region: 'us-east-1',
    name: `probe-${sequence}`,
    tags: { team: 'ml' },
    bootstrap: { script: 'echo ready' },
    idempotencyToken: `probe-token-${sequence}`,
    ownership: { owner: 'hangar-test', instanceId: `inst_probe_${sequence}` },
    ...overrides,
  });
}

async function codeOf(promise: Promise<unknown>): Promise<ProviderErrorCode | string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return error instanceof ProviderError ? error.code : `not a ProviderError: ${String(error)}`;
}

const FULL_IN_1A: Ec2EmulatorOptions = { capacity: { byZone: { 'us-east-1a': { 'g5.xlarge': 0 } } } };

describe('multi-AZ probe against the EC2 emulator', () => {
  it('moves past a full zone, records the refusal and caches it', async () => {
    const { probe, cache, bed } = await open(FULL_IN_1A);
    const input = probeInput();
    const result = await probe.run(input);
    expect(result.instance?.zone).toBe('us-east-1b');
    expect(result.attempts).toEqual([
      { zone: 'us-east-1a', outcome: 'failed', errorCode: 'CAPACITY_ERROR', message: expect.stringContaining('InsufficientInstanceCapacity') },
      { zone: 'us-east-1b', outcome: 'launched' },
    ]);
    expect(cache.entries()).toEqual([
      {
        region: 'us-east-1',
        zone: 'us-east-1a',
        instanceType: 'g5.xlarge',
        market: 'on-demand',
        code: 'CAPACITY_ERROR',
        message: expect.stringContaining('InsufficientInstanceCapacity'),
        reportedAt: bed.clock,
        expiresAt: bed.clock + DEFAULT_CAPACITY_SIGNAL_TTL_MS,
      },
    ]);
    const record = bed.emulator.state.instances.get(result.instance?.providerId ?? '');
    expect(record?.clientToken).toBe(zoneToken(input.idempotencyToken, 'us-east-1b'));
    expect(Object.fromEntries(record?.tags ?? [])).toMatchObject({ team: 'ml', Name: input.name, 'hangar:instance-id': input.ownership.instanceId });
    expect(Buffer.from(record?.userData ?? '', 'base64').toString('utf8')).toMatch(/^#cloud-config\n/);
  });

  it('skips a cached zone on the next probe, and tries it again once the TTL has passed', async () => {
    const { probe, bed } = await open(FULL_IN_1A);
    await probe.run(probeInput());

    bed.clock += DEFAULT_CAPACITY_SIGNAL_TTL_MS - 1;
    const cached = await probe.run(probeInput());
    expect(cached.instance?.zone).toBe('us-east-1b');
    expect(cached.attempts).toEqual([
      { zone: 'us-east-1a', outcome: 'skipped-cached', message: expect.stringContaining('InsufficientInstanceCapacity') },
      { zone: 'us-east-1b', outcome: 'launched' },
    ]);

    bed.clock += 1;
    const retried = await probe.run(probeInput());
    expect(retried.attempts.map((attempt) => [attempt.zone, attempt.outcome])).toEqual([
      ['us-east-1a', 'failed'],
      ['us-east-1b', 'launched'],
    ]);
  });

  it('answers CAPACITY_ERROR with every attempt failed when every zone is full, then fails fast from the cache', async () => {
    const { probe, cache, bed } = await open({ capacity: { default: 0 } });
    const result = await probe.run(probeInput());
    expect(result.instance).toBeNull();
    expect(result.attempts.map((attempt) => [attempt.zone, attempt.outcome, attempt.errorCode])).toEqual([
      ['us-east-1a', 'failed', 'CAPACITY_ERROR'],
      ['us-east-1b', 'failed', 'CAPACITY_ERROR'],
      ['us-east-1c', 'failed', 'CAPACITY_ERROR'],
    ]);
    expect(result).toMatchObject({ error: { code: 'CAPACITY_ERROR', message: expect.stringContaining('no zone of us-east-1 has on-demand capacity for g5.xlarge') } });
    expect(cache.entries()).toHaveLength(3);
    expect(bed.emulator.state.instances.size).toBe(0);

    const again = await probe.run(probeInput());
    expect(again.instance).toBeNull();
    expect(again.attempts.map((attempt) => attempt.outcome)).toEqual(['skipped-cached', 'skipped-cached', 'skipped-cached']);
  });

  it('orders spot attempts by zone spot price and caches spot apart from on-demand', async () => {
    // Seed 1 prices us-east-1 as c < a < b: unlike the catalog's a, b, c in every position.
    const { probe, cache, bed, clients } = await open({ seed: 1, capacity: { default: 1 } });
    const prices = await describeSpotPrices(clients, 'us-east-1', bed.clock, 'g5.xlarge');
    const byPrice = [...prices].sort((a, b) => a.pricePerHour - b.pricePerHour).map((price) => price.zone);
    expect(byPrice).toEqual(['us-east-1c', 'us-east-1a', 'us-east-1b']);
    await bed.registration.provider.spawn(spawnOptions({ zone: 'us-east-1c' }));
    await bed.registration.provider.spawn(spawnOptions({ zone: 'us-east-1a' }));

    const spot = await probe.run(probeInput({ spot: true }));
    expect(spot.attempts.map((attempt) => [attempt.zone, attempt.outcome])).toEqual([
      ['us-east-1c', 'failed'],
      ['us-east-1a', 'failed'],
      ['us-east-1b', 'launched'],
    ]);
    expect(spot.instance).toMatchObject({ zone: 'us-east-1b', spot: true });
    expect(cache.entries().map((entry) => [entry.zone, entry.market])).toEqual([
      ['us-east-1c', 'spot'],
      ['us-east-1a', 'spot'],
    ]);

    const onDemand = await probe.run(probeInput());
    expect(onDemand.instance).toBeNull();
    expect(onDemand.attempts.map((attempt) => [attempt.zone, attempt.outcome])).toEqual([
      ['us-east-1a', 'failed'],
      ['us-east-1b', 'failed'],
      ['us-east-1c', 'failed'],
    ]);
  });

  it('launches once per zone however often the same probe is retried', async () => {
    const { probe, bed } = await open(FULL_IN_1A);
    const input = probeInput();
    const first = await probe.run(input);
    const second = await probe.run(input);
    expect(second.instance?.providerId).toBe(first.instance?.providerId);
    expect(second.attempts.map((attempt) => attempt.outcome)).toEqual(['skipped-cached', 'launched']);
    expect(bed.emulator.state.instances.size).toBe(1);
  });

  it('stops at the first error that is not about capacity and throws it as it is', async () => {
    const { probe, cache, bed } = await open(FULL_IN_1A);
    await probe.run(probeInput());
    expect(await codeOf(probe.run(probeInput({ image: 'ubuntu:22.04' })))).toBe('INVALID_SPEC');
    expect(cache.entries().map((entry) => entry.zone)).toEqual(['us-east-1a']);
    expect(bed.emulator.state.instances.size).toBe(1);
    expect(await codeOf(probe.run(probeInput({ instanceType: 'x9.huge' })))).toBe('INVALID_SPEC');
    expect(await codeOf(probe.run(probeInput({ region: 'eu-west-1' })))).toBe('INVALID_SPEC');
    expect(await codeOf(probe.run({ ...probeInput(), idempotencyToken: '' }))).toBe('INVALID_SPEC');
  });

  it('is registered as the AWS workflow multi-az-probe', async () => {
    const { bed } = await open();
    const workflow = bed.registration.workflows?.['multi-az-probe'];
    expect(workflow?.description).toContain('cheapest zone');
    const input = workflow?.input.parse({
      instanceType: 't3.micro',
      region: 'us-west-2',
      name: 'registered-probe',
      idempotencyToken: 'registered-token',
      ownership: { owner: 'hangar-test', instanceId: 'inst_registered' },
    });
    const result = await workflow?.run(input);
    expect(result).toMatchObject({ instance: { zone: 'us-west-2a', instanceType: 't3.micro' }, attempts: [{ zone: 'us-west-2a', outcome: 'launched' }] });
  });
});

/** A port standing for the control plane's cache: records what it is told, blocks what the test says. */
class RecordingCapacitySignals implements CapacitySignals {
  readonly reported: CapacitySignal[] = [];
  readonly blocks: CapacitySignal[] = [];
  report(signal: CapacitySignal): void {
    this.reported.push(signal);
  }
  isBlocked(query: Parameters<CapacitySignals['isBlocked']>[0]): boolean {
    return this.blockOf(query) !== null;
  }
  blockOf(query: Parameters<CapacitySignals['blockOf']>[0]) {
    const block = this.blocks.find(
      (entry) =>
        entry.region === query.region &&
        (entry.zone === null || entry.zone === query.zone) &&
        (entry.instanceType === null || entry.instanceType === query.instanceType) &&
        (entry.market === null || entry.market === query.market),
    );
    return block === undefined ? null : { code: block.code, message: block.message, until: '2099-01-01T00:00:00.000Z' };
  }
}

describe('multi-AZ probe over the bound capacity-signals port', () => {
  let bed: AwsTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('reports each refusal to the bound port (not to a cache of its own) and skips what the port blocks', async () => {
    bed = await startAwsTestBed(FULL_IN_1A);
    const bound = new RecordingCapacitySignals();
    bed.registration.bindCapacitySignals?.(bound);
    // Blocked by someone else (the control plane's spawns): the probe never asks us-east-1b.
    bound.blocks.push({ region: 'us-east-1', zone: 'us-east-1b', instanceType: null, market: null, code: 'CAPACITY_ERROR', message: 'refused a spawn a minute ago' });
    const probe = bed.registration.workflows?.['multi-az-probe'];
    const result = (await probe?.run(probeInput())) as MultiAzProbeResult<AWSInstance>;
    expect(result.attempts.map((attempt) => [attempt.zone, attempt.outcome, attempt.message ?? ''])).toEqual([
      ['us-east-1a', 'failed', expect.stringContaining('InsufficientInstanceCapacity')],
      ['us-east-1b', 'skipped-cached', 'refused a spawn a minute ago'],
      ['us-east-1c', 'launched', ''],
    ]);
    expect(bound.reported).toEqual([
      { region: 'us-east-1', zone: 'us-east-1a', instanceType: 'g5.xlarge', market: 'on-demand', code: 'CAPACITY_ERROR', message: expect.stringContaining('InsufficientInstanceCapacity') },
    ]);

    // A region-wide quota block (zone and type null) holds every zone back.
    bound.blocks.push({ region: 'us-east-1', zone: null, instanceType: null, market: 'on-demand', code: 'QUOTA_EXCEEDED', message: 'vCPU quota' });
    const quota = (await probe?.run(probeInput())) as MultiAzProbeResult<AWSInstance>;
    expect(quota.instance).toBeNull();
    expect(quota.attempts.map((attempt) => attempt.outcome)).toEqual(['skipped-cached', 'skipped-cached', 'skipped-cached']);
    expect(bed.emulator.state.instances.size).toBe(1);
  });
});

describe('multi-AZ probe with configured subnets', () => {
  const SUBNET_A = 'subnet-0aaaaaaaaaaaaaaa1';
  const SUBNET_C = 'subnet-0ccccccccccccccc1';
  /** A VPC with a subnet in us-east-1a and one in us-east-1c, none in us-east-1b, in an account without a default VPC. */
  const NETWORK: Ec2EmulatorOptions = {
    defaultVpc: false,
    subnets: [
      { subnetId: SUBNET_A, zone: 'us-east-1a', tags: { hangar: 'yes' } },
      { subnetId: SUBNET_C, zone: 'us-east-1c', tags: { hangar: 'yes' } },
    ],
  };
  const probeOf = (bed: AwsTestBed): NonNullable<AwsTestBed['registration']['workflows']>[string] => {
    const workflow = bed.registration.workflows?.['multi-az-probe'];
    if (workflow === undefined) throw new Error('no multi-az-probe workflow');
    return workflow;
  };
  let bed: AwsTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('with the single subnetId (one zone pinned): tries only that zone and says why the others were skipped', async () => {
    bed = await startAwsTestBed({ ...NETWORK, ...FULL_IN_1A }, {}, { subnetId: SUBNET_A });
    const result = (await probeOf(bed).run(probeInput())) as MultiAzProbeResult<AWSInstance>;
    expect(result.instance).toBeNull();
    expect(result.attempts).toEqual([
      { zone: 'us-east-1a', outcome: 'failed', errorCode: 'CAPACITY_ERROR', message: expect.stringContaining('InsufficientInstanceCapacity') },
      { zone: 'us-east-1b', outcome: 'skipped-no-subnet', message: `providers.aws.subnetId pins launches to ${SUBNET_A} in us-east-1a` },
      { zone: 'us-east-1c', outcome: 'skipped-no-subnet', message: `providers.aws.subnetId pins launches to ${SUBNET_A} in us-east-1a` },
    ]);
    expect(result).toMatchObject({ error: { code: 'CAPACITY_ERROR', message: expect.stringContaining('us-east-1b: skipped-no-subnet') } });
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('with subnets: skips a zone that has none (saying which subnets exist) and launches in the next zone’s subnet', async () => {
    bed = await startAwsTestBed({ ...NETWORK, ...FULL_IN_1A }, {}, { subnetSelector: { tags: { hangar: 'yes' } } });
    const result = (await probeOf(bed).run(probeInput())) as MultiAzProbeResult<AWSInstance>;
    expect(result.attempts).toEqual([
      { zone: 'us-east-1a', outcome: 'failed', errorCode: 'CAPACITY_ERROR', message: expect.stringContaining('InsufficientInstanceCapacity') },
      {
        zone: 'us-east-1b',
        outcome: 'skipped-no-subnet',
        message: `no subnet of providers.aws.subnetSelector is in us-east-1b (known in us-east-1: ${SUBNET_A} in us-east-1a, ${SUBNET_C} in us-east-1c)`,
      },
      { zone: 'us-east-1c', outcome: 'launched' },
    ]);
    expect(result.instance).toMatchObject({ zone: 'us-east-1c', subnetId: SUBNET_C });
  });

  it('with subnets in no zone the region offers the type: INVALID_SPEC, and nothing launched', async () => {
    bed = await startAwsTestBed(NETWORK, {}, { subnets: [SUBNET_A, SUBNET_C] });
    expect(await codeOf(probeOf(bed).run(probeInput({ region: 'us-west-2', instanceType: 't3.micro' })))).toBe('INVALID_SPEC');
    expect(bed.emulator.state.instances.size).toBe(0);
  });
});

describe('zoneToken', () => {
  it('is stable per intent and zone, distinct across zones, and fits EC2 ClientToken', () => {
    expect(zoneToken('t', 'us-east-1a')).toBe(zoneToken('t', 'us-east-1a'));
    expect(zoneToken('t', 'us-east-1a')).not.toBe(zoneToken('t', 'us-east-1b'));
    expect(zoneToken('t', 'us-east-1a')).not.toBe(zoneToken('u', 'us-east-1a'));
    expect(zoneToken('x'.repeat(64), 'us-west-2-lax-1a').length).toBeLessThanOrEqual(64);
  });
});
