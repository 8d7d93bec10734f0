import { describe, expect, it } from 'vitest';
import { supports } from '../../../src/contracts/index.js';
import { modelledOperations, requestProblems } from '../../support/botocore-model.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startAwsTestBed } from './aws-test-bed.js';

interface SentRequest {
  operation: string;
  input: unknown;
}

/** Operations the provider sends that the vendor-specs extract does not model (so no shape check is possible): none since issue 10. */
const UNMODELLED = new Set<string>([]);

const open = useTestBed(async () => {
  const sent: SentRequest[] = [];
  const bed = await startAwsTestBed(
    { volumeDelayMs: 0 },
    { onRequest: (operation, input) => sent.push({ operation, input: structuredClone(input) }), volumes: { attach: { pollMs: 5, maxPollMs: 5 } } },
  );
  return Object.assign(bed, { sent });
});

describe('every request the AWS provider sends matches the botocore model in vendor-specs', () => {
  it('across spawn, spot, list, get, terminate, snapshots, volumes, the health check, the dry-run probe and the workflows', async () => {
    const bed = await open();
    const { provider, hooks, workflows } = bed.registration;
    if (!supports(provider, 'snapshots') || !supports(provider, 'spot') || !supports(provider, 'persistentVolumes')) throw new Error('AWS lost a capability');

    await provider.instanceTypes();
    const plain = await provider.spawn(spawnOptions({ zone: 'us-east-1b', tags: { team: 'ml', 'cost-center': '42' } }));
    await provider.spawn(spawnOptions({ spot: true }));
    const request = await provider.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: 5 });
    await provider.cancelSpotRequest(request.requestId);
    await provider.getSpotPrices({ instanceType: 'g5.xlarge', region: 'us-east-1' });
    await provider.list({ owner: 'hangar-test', statuses: ['running', 'pending'], tags: { team: 'ml' } });
    await Promise.all([provider.get(plain.providerId), provider.get('i-0123456789abcdef9')]);
    bed.clock += 1_000;
    const snapshot = await provider.createSnapshot(plain.providerId, { description: 'shape check', tags: { team: 'ml' } });
    await provider.getSnapshotStatus(snapshot.providerSnapshotId);
    await provider.deleteSnapshot(snapshot.providerSnapshotId);
    const volume = await provider.createVolume({ name: 'data', region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 20 });
    await provider.spawn(spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
    await provider.listVolumes();
    await hooks.onHeartbeat?.('health_check');
    await hooks.onHeartbeat?.('reconcile');
    await workflows?.['multi-az-probe']?.run({
      instanceType: 'g5.xlarge',
      region: 'us-east-1',
      name: 'probe-1',
      idempotencyToken: 'probe-token-1',
      ownership: { owner: 'hangar-test', instanceId: 'inst_probe_1' },
    });
    await workflows?.['spot-fleet']?.run({
      region: 'us-east-1',
      instanceTypes: ['g5.xlarge', 'g6.xlarge'],
      count: 2,
      idempotencyToken: 'fleet-token-1',
      ownership: { owner: 'hangar-test', instanceIds: ['inst_fleet_1', 'inst_fleet_2'] },
    });
    await workflows?.['dry-run-probe']?.run({ instanceType: 'g5.xlarge' });
    await provider.terminate(plain.providerId);
    await provider.deleteVolume(volume.providerVolumeId).catch(() => {
      // Still attached to the machine the spawn gave it to: refused, which is all this test needs sent.
    });

    const modelled = new Set(modelledOperations());
    const checked = bed.sent.filter((request) => modelled.has(request.operation));
    expect(checked.some((request) => request.operation === 'RunInstances' && (request.input as { DryRun?: boolean }).DryRun === true)).toBe(true);
    const problems = checked.flatMap((request) => requestProblems(request.operation, request.input).map((problem) => `${request.operation} ${problem}`));
    expect(problems).toEqual([]);
    // The calls that matter most were all checked.
    expect(new Set(checked.map((request) => request.operation))).toEqual(
      new Set([
        'RunInstances',
        'DescribeInstances',
        'TerminateInstances',
        'DescribeAvailabilityZones',
        'DescribeInstanceTypes',
        'DescribeSpotPriceHistory',
        'CreateSnapshot',
        'DescribeSnapshots',
        'DeleteSnapshot',
        'CreateFleet',
        'CreateTags',
        'DescribeInstanceTypeOfferings',
        'CancelSpotInstanceRequests',
        'CreateVolume',
        'DescribeVolumes',
        'DeleteVolume',
        'CreateLaunchTemplate',
        'DeleteLaunchTemplate',
      ]),
    );
    // Anything neither checked nor knowingly outside the extract would slip through: there is none.
    expect(bed.sent.map((request) => request.operation).filter((operation) => !modelled.has(operation) && !UNMODELLED.has(operation))).toEqual([]);
  });

  it('with subnets configured: DescribeSubnets, and RunInstances / CreateFleet naming a subnet', async () => {
    const sent: SentRequest[] = [];
    const subnets = [
      { subnetId: 'subnet-0aaaaaaaaaaaaaaa1', zone: 'us-east-1a', tags: { hangar: 'yes', tier: 'private' } },
      { subnetId: 'subnet-0bbbbbbbbbbbbbbb1', zone: 'us-east-1b', tags: { hangar: 'yes', tier: 'private' } },
    ];
    const bed = await startAwsTestBed(
      { defaultVpc: false, subnets },
      { onRequest: (operation, input) => sent.push({ operation, input: structuredClone(input) }) },
      { subnetSelector: { tags: { hangar: 'yes', tier: '*' } } },
    );
    try {
      const { provider, workflows } = bed.registration;
      await provider.spawn(spawnOptions({ zone: 'us-east-1b' }));
      await workflows?.['multi-az-probe']?.run({ instanceType: 'g5.xlarge', region: 'us-east-1', name: 'p', idempotencyToken: 'probe-subnets', ownership: { owner: 'hangar-test', instanceId: 'inst_ps' } });
      await workflows?.['spot-fleet']?.run({ region: 'us-east-1', instanceTypes: ['g5.xlarge'], count: 1, idempotencyToken: 'fleet-subnets', ownership: { owner: 'hangar-test', instanceIds: ['inst_fs'] } });
      await workflows?.['dry-run-probe']?.run({});
    } finally {
      await bed.close();
    }
    const modelled = new Set(modelledOperations());
    const named = (operation: string): boolean => sent.some((request) => request.operation === operation && JSON.stringify(request.input).includes('"SubnetId":"subnet-'));
    expect([sent.some((request) => request.operation === 'DescribeSubnets'), named('RunInstances'), named('CreateFleet')]).toEqual([true, true, true]);
    const problems = sent.filter((request) => modelled.has(request.operation)).flatMap((request) => requestProblems(request.operation, request.input).map((problem) => `${request.operation} ${problem}`));
    expect(problems).toEqual([]);
  });

  it('the check bites: a request missing a required member, or carrying an unknown one, fails', () => {
    expect(requestProblems('RunInstances', { ImageId: 'ami-0123456789abcdef0', Bogus: true })).toEqual([
      '$.MaxCount: required by RunInstancesRequest',
      '$.MinCount: required by RunInstancesRequest',
      '$.Bogus: not a member of RunInstancesRequest',
    ]);
    expect(requestProblems('TerminateInstances', { InstanceIds: 'i-1' })).toEqual(['$.InstanceIds: expected a list (InstanceIdStringList)']);
  });
});
