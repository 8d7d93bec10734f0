import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { ProviderError, type ProviderErrorCode } from '../../../src/contracts/index.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { AWS_ON_DEMAND_PRICES } from '../../../src/providers/aws/aws-pricing.js';
import { createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { spawnOptions, startAwsTestBed } from './aws-test-bed.js';

const open = useTestBed(startAwsTestBed);

async function codeOf(promise: Promise<unknown>): Promise<ProviderErrorCode | string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ProviderError) return error.code;
  return `not a ProviderError: ${String(error)}`;
}

describe('AWS provider against the EC2 emulator', () => {
  it('spawns with ownership and caller tags, the Name, the default AMI and the bootstrap as user data', async () => {
    const { registration, emulator } = await open();
    const provider = registration.provider;
    const options = spawnOptions({ zone: 'us-east-1b' });
    const bootstrap = provider.generateBootstrap({ instanceId: options.ownership.instanceId, script: 'echo ready' });
    const instance = await provider.spawn({ ...options, bootstrap });
    expect(instance).toMatchObject({
      status: 'pending',
      region: 'us-east-1',
      zone: 'us-east-1b',
      image: 'ami-0123456789abcdef0',
      name: options.name,
      owner: 'hangar-test',
      hangarInstanceId: options.ownership.instanceId,
      tags: { team: 'ml', Name: options.name, 'hangar:owner': 'hangar-test', 'hangar:instance-id': options.ownership.instanceId },
    });
    expect(instance.volumes.filter((volume) => volume.root)).toHaveLength(1);
    const record = emulator.state.instances.get(instance.providerId);
    expect(record?.clientToken).toBe(options.idempotencyToken);
    expect(Buffer.from(record?.userData ?? '', 'base64').toString('utf8')).toBe(bootstrap.content);
    expect(Object.fromEntries(record?.volumeTags ?? [])).toEqual({ 'hangar:owner': 'hangar-test', 'hangar:instance-id': options.ownership.instanceId });
  });

  it('makes one machine per idempotency token (ClientToken)', async () => {
    const { registration, emulator } = await open();
    const options = spawnOptions();
    const first = await registration.provider.spawn(options);
    const second = await registration.provider.spawn(options);
    expect(second.providerId).toBe(first.providerId);
    expect(emulator.state.instances.size).toBe(1);
  });

  it('lists by owner across pages and regions, filtering the rest in memory', async () => {
    const { registration } = await open({}, { pageSize: 5 });
    const provider = registration.provider;
    const ours: string[] = [];
    for (let index = 0; index < 8; index += 1) ours.push((await provider.spawn(spawnOptions())).providerId);
    for (let index = 0; index < 4; index += 1) ours.push((await provider.spawn(spawnOptions({ region: 'us-west-2' }))).providerId);
    await provider.spawn(spawnOptions({ ownership: { owner: 'someone-else', instanceId: 'inst_foreign' } }));

    const listed = await provider.list({ owner: 'hangar-test' });
    expect(listed.map((instance) => instance.providerId).sort()).toEqual([...ours].sort());
    expect(new Set(listed.map((instance) => instance.region))).toEqual(new Set(['us-east-1', 'us-west-2']));
    expect(await provider.list({ owner: 'hangar-test', region: 'us-west-2' })).toHaveLength(4);
    expect(await provider.list({ owner: 'hangar-test', statuses: ['failed'] })).toEqual([]);
    expect((await provider.list()).length).toBe(13);
  });

  it('follows a machine from pending to running to terminated; get answers null for unknown ids', async () => {
    const current = await open();
    const provider = current.registration.provider;
    const instance = await provider.spawn(spawnOptions({ region: 'us-west-2' }));
    expect((await provider.get(instance.providerId))?.status).toBe('pending');
    current.clock += 1_000;
    const running = await provider.get(instance.providerId);
    expect(running).toMatchObject({ status: 'running', region: 'us-west-2' });
    expect(running?.publicIp).not.toBeNull();

    expect(await provider.terminate(instance.providerId)).toEqual({ providerId: instance.providerId, status: 'terminating' });
    expect((await provider.get(instance.providerId))?.status).toBe('terminating');
    expect(await provider.terminate(instance.providerId)).toEqual({ providerId: instance.providerId, status: 'terminating' });
    current.clock += 2_000;
    const gone = await provider.get(instance.providerId);
    expect(gone?.status).toBe('terminated');
    expect(gone?.stateReason).toBeNull();
    expect(gone?.ec2StateReason?.code).toBe('Client.UserInitiatedShutdown');
    expect(await provider.terminate(instance.providerId)).toEqual({ providerId: instance.providerId, status: 'terminated' });

    expect(await provider.get('i-0000000000000dead')).toBeNull();
    expect(await provider.get('not-an-instance-id')).toBeNull();
    expect(await provider.terminate('i-0000000000000dead')).toEqual({ providerId: 'i-0000000000000dead', status: 'terminated' });
  });

  it('finds a machine in another region on a fresh provider (no remembered region)', async () => {
    const current = await open();
    const spawned = await current.registration.provider.spawn(spawnOptions({ region: 'us-west-2' }));
    const fresh = createAwsRegistration(AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: current.emulator.url }), {
      credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    });
    try {
      expect((await fresh.provider.get(spawned.providerId))?.region).toBe('us-west-2');
    } finally {
      await fresh.hooks.onShutdown?.();
    }
  });

  it('answers concurrent gets together, unknown ids included', async () => {
    const { registration } = await open();
    const provider = registration.provider;
    const east = await provider.spawn(spawnOptions());
    const west = await provider.spawn(spawnOptions({ region: 'us-west-2' }));
    const answers = await Promise.all([east.providerId, west.providerId, 'i-0000000000000dead', east.providerId].map((id) => provider.get(id)));
    expect(answers.map((instance) => instance?.providerId ?? null)).toEqual([east.providerId, west.providerId, null, east.providerId]);
  });

  it('spawns spot machines through spawn({spot: true})', async () => {
    const { registration } = await open();
    const instance = await registration.provider.spawn(spawnOptions({ spot: true }));
    expect(instance.spot).toBe(true);
    expect(instance.lifecycle).toBe('spot');
    expect(instance.spotInstanceRequestId).toMatch(/^sir-/);
    expect((await registration.provider.list({ owner: 'hangar-test' }))[0]?.spot).toBe(true);
  });

  it('maps EC2 refusals onto the taxonomy', async () => {
    const { registration } = await open({ capacity: { byZone: { 'us-east-1a': { 'p5.48xlarge': 0 } } } });
    const provider = registration.provider;
    expect(await codeOf(provider.spawn(spawnOptions({ instanceType: 'p5.48xlarge', zone: 'us-east-1a' })))).toBe('CAPACITY_ERROR');
    expect(await codeOf(provider.spawn(spawnOptions({ instanceType: 'x9.huge' })))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.spawn(spawnOptions({ image: 'ubuntu:22.04' })))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.spawn(spawnOptions({ zone: 'us-east-1z' })))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.spawn(spawnOptions({ region: 'eu-west-1' })))).toBe('INVALID_SPEC');
    const options = spawnOptions();
    await provider.spawn(options);
    expect(await codeOf(provider.spawn({ ...options, instanceType: 'm5.large' }))).toBe('INVALID_SPEC');
  });

  it('snapshots the root volume, reads it until available, deletes it idempotently', async () => {
    const current = await open();
    const provider = current.registration.provider;
    const instance = await provider.spawn(spawnOptions({ region: 'us-west-2' }));
    const snapshot = await provider.createSnapshot(instance.providerId, { description: 'before upgrade', tags: { purpose: 'test' } });
    expect(snapshot).toMatchObject({
      providerInstanceId: instance.providerId,
      status: 'pending',
      region: 'us-west-2',
      volumeId: instance.volumes[0]?.volumeId,
      description: 'before upgrade',
      sizeGiB: 8,
    });
    expect(snapshot.tags).toMatchObject({ purpose: 'test', 'hangar:owner': 'hangar-test' });
    current.clock += 500;
    expect((await provider.getSnapshotStatus(snapshot.providerSnapshotId))?.status).toBe('available');
    await provider.deleteSnapshot(snapshot.providerSnapshotId);
    await provider.deleteSnapshot(snapshot.providerSnapshotId);
    expect(await provider.getSnapshotStatus(snapshot.providerSnapshotId)).toBeNull();
    expect(await provider.getSnapshotStatus('snap-0000000000000dead')).toBeNull();
    expect(await codeOf(provider.createSnapshot('i-0000000000000dead'))).toBe('NOT_FOUND');
  });

  it('lists instance types with GPU shapes, bundled prices, spot prices and a warning for a missing price', async () => {
    const withoutG6 = Object.fromEntries(Object.entries(AWS_ON_DEMAND_PRICES['us-east-1'] ?? {}).filter(([type]) => type !== 'g6.xlarge'));
    const { registration } = await open({}, { prices: { 'us-east-1': withoutG6 } });
    const offerings = await registration.provider.instanceTypes();
    expect(offerings.map((offering) => offering.name)).toEqual(expect.arrayContaining(['g5.xlarge', 'g6.xlarge', 'm5.large', 'p4d.24xlarge', 'p5.48xlarge', 't3.micro']));
    const g5 = offerings.find((offering) => offering.name === 'g5.xlarge');
    expect(g5).toMatchObject({ vcpus: 4, memoryGiB: 16, gpu: { model: 'A10G', count: 1, memoryGiB: 24 }, pricePerHour: 1.006 });
    expect(g5?.regions).toEqual([
      { region: 'us-east-1', zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
      { region: 'us-west-2', zones: ['us-west-2a', 'us-west-2b'] },
    ]);
    expect(g5?.spotPricePerHour).toBeGreaterThan(0.3 * 1.006 - 1e-9);
    expect(g5?.spotPricePerHour).toBeLessThan(1.006);
    expect(offerings.find((offering) => offering.name === 't3.micro')?.gpu).toBeNull();
    const unpriced = offerings.find((offering) => offering.name === 'g6.xlarge');
    expect(unpriced?.pricePerHour).toBeNull();
    expect(unpriced?.warnings).toEqual([expect.stringContaining('no bundled on-demand price for g6.xlarge')]);
  });

  it('reports health per region', async () => {
    const { registration } = await open();
    const result = await registration.hooks.onHeartbeat?.('health_check');
    expect(result).toMatchObject({ task: 'health_check', ok: true });
    expect(result?.message).toMatch(/^EC2 answers in us-east-1, us-west-2; on-demand prices refreshed/);
  });

  it('declares honest capabilities', async () => {
    const { registration } = await open();
    const { capabilities } = registration.provider;
    expect(capabilities).toMatchObject({ gpu: true, snapshots: true, spot: true, multiRegion: true, idempotentSpawn: true });
    expect(capabilities.persistentVolumes).toBe(true);
    expect(capabilities.warmVolumes).toBe(true);
  });
});
