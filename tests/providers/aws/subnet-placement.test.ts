import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, supports } from '../../../src/contracts/index.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { type AwsTestBed, spawnOptions, startAwsTestBed } from './aws-test-bed.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

/**
 * The spawn path's zone choice with configured subnets: a zone is reached through a subnet in it,
 * against an EC2 emulator that, like EC2, refuses a Placement zone other than the subnet's and
 * (without a default VPC) any launch that names no subnet.
 */

const SUBNET_A = 'subnet-0aaaaaaaaaaaaaaa1';
const SUBNET_B_SMALL = 'subnet-0bbbbbbbbbbbbbbb1';
const SUBNET_B_ROOMY = 'subnet-0bbbbbbbbbbbbbbb2';
const SUBNET_OTHER = 'subnet-0eeeeeeeeeeeeeee1';

/** No default VPC; us-east-1a has one Hangar subnet, us-east-1b two (4 and 5 free addresses), us-east-1c none of Hangar's. */
const NETWORK: Ec2EmulatorOptions = {
  defaultVpc: false,
  subnets: [
    { subnetId: SUBNET_A, zone: 'us-east-1a', availableIpAddressCount: 2, tags: { hangar: 'yes', tier: 'private' } },
    { subnetId: SUBNET_B_SMALL, zone: 'us-east-1b', availableIpAddressCount: 4, tags: { hangar: 'yes', tier: 'private' } },
    { subnetId: SUBNET_B_ROOMY, zone: 'us-east-1b', availableIpAddressCount: 5, tags: { hangar: 'yes', tier: 'private' } },
    { subnetId: SUBNET_OTHER, zone: 'us-east-1c', tags: { tier: 'public' } },
  ],
};
const SELECTOR = { subnetSelector: { tags: { hangar: 'yes' } } };

interface Sent {
  operation: string;
  input: Record<string, unknown>;
}

let bed: (AwsTestBed & { sent: Sent[] }) | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function open(config: Record<string, unknown>, options: Ec2EmulatorOptions = NETWORK): Promise<AwsTestBed & { sent: Sent[] }> {
  const sent: Sent[] = [];
  const started = await startAwsTestBed(options, { onRequest: (operation, input) => sent.push({ operation, input: structuredClone(input) as Record<string, unknown> }) }, config);
  bed = Object.assign(started, { sent });
  return bed;
}

const runInstancesSent = (opened: { sent: Sent[] }): Record<string, unknown>[] => opened.sent.filter((entry) => entry.operation === 'RunInstances').map((entry) => entry.input);

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe('AWS spawn with configured subnets', () => {
  it('launches a spawn that names a zone in that zone’s subnet, with a Placement that agrees', async () => {
    const opened = await open(SELECTOR);
    const { provider } = opened.registration;
    const instance = await provider.spawn(spawnOptions({ zone: 'us-east-1a' }));
    expect([instance.zone, instance.subnetId]).toEqual(['us-east-1a', SUBNET_A]);
    expect(runInstancesSent(opened)[0]).toMatchObject({ SubnetId: SUBNET_A, Placement: { AvailabilityZone: 'us-east-1a' } });
  });

  it('refuses a zone without a configured subnet as INVALID_SPEC naming the zone and the subnets known, without calling RunInstances', async () => {
    const opened = await open(SELECTOR);
    const error = await failureOf(opened.registration.provider.spawn(spawnOptions({ zone: 'us-east-1c' })));
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toBe(
      `aws: cannot launch in us-east-1c: no subnet of providers.aws.subnetSelector is in us-east-1c (known in us-east-1: ${SUBNET_A} in us-east-1a, ${SUBNET_B_SMALL} in us-east-1b, ${SUBNET_B_ROOMY} in us-east-1b)`,
    );
    expect(runInstancesSent(opened)).toEqual([]);
    const west = await failureOf(opened.registration.provider.spawn(spawnOptions({ region: 'us-west-2', zone: 'us-west-2a' })));
    expect(west.message).toContain('known in us-west-2: none');
  });

  it('prefers the subnet with the most free addresses in a zone, counting its own launches until the next read', async () => {
    const opened = await open(SELECTOR);
    const { provider } = opened.registration;
    const first = await provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
    expect(first.subnetId).toBe(SUBNET_B_ROOMY); // 5 free against 4
    const second = await provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
    expect(second.subnetId).toBe(SUBNET_B_SMALL); // 4 against 4 after the first launch: the lower id
    const third = await provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
    expect(third.subnetId).toBe(SUBNET_B_ROOMY); // 4 against 3
    expect(opened.emulator.calls.get('DescribeSubnets')).toBe(1);
    // Read again once the cache lapses: EC2's own counts (3 and 3), the same choice as before.
    opened.clock += 60_000;
    expect((await provider.spawn(spawnOptions({ zone: 'us-east-1b' }))).subnetId).toBe(SUBNET_B_SMALL);
    expect(opened.emulator.calls.get('DescribeSubnets')).toBe(2);
  });

  it('takes the region’s roomiest subnet for a spawn that names no zone', async () => {
    const opened = await open(SELECTOR);
    const instance = await opened.registration.provider.spawn(spawnOptions({ zone: null }));
    expect([instance.zone, instance.subnetId]).toEqual(['us-east-1b', SUBNET_B_ROOMY]);
    expect(runInstancesSent(opened)[0]).toMatchObject({ SubnetId: SUBNET_B_ROOMY, Placement: { AvailabilityZone: 'us-east-1b' } });
  });

  it('lets an existing volume fix the zone, then uses that zone’s subnet (or refuses a zone without one)', async () => {
    const opened = await open(SELECTOR, { ...NETWORK, volumeDelayMs: 0 });
    const { provider } = opened.registration;
    if (!supports(provider, 'persistentVolumes')) throw new Error('AWS lost volumes');
    const inA = await provider.createVolume({ name: 'data-a', region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 10 });
    const instance = await provider.spawn(spawnOptions({ zone: null, volumes: [{ providerVolumeId: inA.providerVolumeId }] }));
    expect([instance.zone, instance.subnetId]).toEqual(['us-east-1a', SUBNET_A]);
    const inC = await provider.createVolume({ name: 'data-c', region: 'us-east-1', zone: 'us-east-1c', sizeGiB: 10 });
    const error = await failureOf(provider.spawn(spawnOptions({ zone: null, volumes: [{ providerVolumeId: inC.providerVolumeId }] })));
    expect([error.code, error.message]).toEqual(['INVALID_SPEC', expect.stringContaining('cannot launch in us-east-1c')]);
  });

  it('replays a retried spawn with the subnet of its first attempt, even when another has become roomier', async () => {
    const opened = await open(SELECTOR);
    const { provider } = opened.registration;
    const options = spawnOptions({ zone: 'us-east-1b' });
    const first = await provider.spawn(options);
    await provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
    await provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
    opened.clock += 60_000; // fresh counts: the first subnet is no longer the roomiest
    const replay = await provider.spawn(options);
    expect(replay.providerId).toBe(first.providerId);
    expect(opened.emulator.state.instances.size).toBe(3);
  });

  it('puts spot requests in the zone’s subnet too', async () => {
    const opened = await open(SELECTOR);
    const { provider } = opened.registration;
    if (!supports(provider, 'spot')) throw new Error('AWS lost spot');
    const request = await provider.requestSpotInstance({ ...spawnOptions({ zone: 'us-east-1a', spot: true }), maxPricePerHour: null });
    expect(request.status).toBe('fulfilled');
    expect(opened.emulator.state.instances.get(request.providerInstanceId ?? '')?.subnetId).toBe(SUBNET_A);
  });

  it('takes subnets by id (zones read from EC2) or by zone, and refuses a mapping EC2 contradicts', async () => {
    const listed = await open({ subnets: [SUBNET_A, SUBNET_OTHER] });
    expect((await listed.registration.provider.spawn(spawnOptions({ zone: 'us-east-1c' }))).subnetId).toBe(SUBNET_OTHER);
    expect(listed.sent.find((entry) => entry.operation === 'DescribeSubnets')?.input).toEqual({
      Filters: [
        { Name: 'subnet-id', Values: [SUBNET_A, SUBNET_OTHER] },
        { Name: 'state', Values: ['available'] },
      ],
      MaxResults: 1000,
    });
    await listed.close();
    bed = undefined;

    const mapped = await open({ subnets: { 'us-east-1a': SUBNET_A } });
    expect((await mapped.registration.provider.spawn(spawnOptions({ zone: 'us-east-1a' }))).subnetId).toBe(SUBNET_A);
    await mapped.close();
    bed = undefined;

    const wrong = await open({ subnets: { 'us-east-1a': SUBNET_OTHER } });
    const error = await failureOf(wrong.registration.provider.spawn(spawnOptions({ zone: 'us-east-1a' })));
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toBe(`aws: providers.aws.subnets maps us-east-1a to ${SUBNET_OTHER}, but EC2 says that subnet is in us-east-1c: fix the mapping`);
  });

  it('keeps the single subnetId working: it pins its zone; another zone is refused, saying so', async () => {
    const opened = await open({ subnetId: SUBNET_A });
    const { provider } = opened.registration;
    expect(await provider.spawn(spawnOptions({ zone: null }))).toMatchObject({ zone: 'us-east-1a', subnetId: SUBNET_A });
    const error = await failureOf(provider.spawn(spawnOptions({ zone: 'us-east-1b' })));
    expect([error.code, error.message]).toEqual(['INVALID_SPEC', `aws: cannot launch in us-east-1b: providers.aws.subnetId pins launches to ${SUBNET_A} in us-east-1a`]);
  });

  it('surfaces a DescribeSubnets the credentials may not make as AUTH_ERROR', async () => {
    const opened = await open(SELECTOR, { ...NETWORK, deniedActions: ['DescribeSubnets'] });
    const error = await failureOf(opened.registration.provider.spawn(spawnOptions({ zone: 'us-east-1a' })));
    expect(error.code).toBe('AUTH_ERROR');
    expect(error.message).toContain('DescribeSubnets');
  });

  it('names a subnet in the dry run too, so it answers DryRunOperation in an account without a default VPC', async () => {
    const opened = await open(SELECTOR);
    const result = await opened.registration.workflows?.['dry-run-probe']?.run({ zone: 'us-east-1a' });
    expect(result).toMatchObject({ wouldSucceed: true, ec2Code: 'DryRunOperation', subnetId: SUBNET_A });
    expect(runInstancesSent(opened)[0]).toMatchObject({ DryRun: true, SubnetId: SUBNET_A, Placement: { AvailabilityZone: 'us-east-1a' } });
  });

  it('without subnets configured, sends no SubnetId and asks no DescribeSubnets (the default VPC)', async () => {
    const opened = await open({}, {});
    const instance = await opened.registration.provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
    expect(instance.zone).toBe('us-east-1b');
    expect(runInstancesSent(opened)[0]).not.toHaveProperty('SubnetId');
    expect(opened.emulator.calls.get('DescribeSubnets')).toBeUndefined();
  });
});
