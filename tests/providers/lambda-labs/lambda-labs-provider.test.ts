import { describe, expect, it } from 'vitest';
import { OWNERSHIP_TAGS, ProviderError, supports } from '../../../src/contracts/index.js';
import { IMAGE_TAG } from '../../../src/providers/lambda-labs/lambda-labs-instance.js';
import { instanceNameFor, parseInstanceName } from '../../../src/providers/lambda-labs/lambda-labs-naming.js';
import { expectExchangesMatchSpec } from '../../emulators/lambda-labs/lambda-emulator-bed.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { LAUNCH_PATH, openLambdaLabsBed } from './lambda-labs-test-bed.js';

const open = useTestBed(openLambdaLabsBed);

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return (error as ProviderError).code;
};

describe('Lambda Labs provider on the emulator', () => {
  it('spawns, lists, gets and terminates; every request it sends and every answer follow the OpenAPI document', async () => {
    const bed = await open();
    const { provider } = bed;
    const options = bed.spawnOptions({ image: 'ubuntu-22-04', tags: { team: 'alpha' } });
    const spawned = await provider.spawn(options);
    expect(spawned).toMatchObject({ status: 'pending', instanceType: 'gpu_1x_a10', region: 'us-east-1', zone: null, spot: false, image: 'ubuntu-22-04' });
    expect(spawned.owner).toBe('tests');
    expect(spawned.hangarInstanceId).toBe(options.ownership.instanceId);
    expect(spawned.name).toBe(`hangar:tests:${options.ownership.instanceId}`);

    const running = await waitFor('running', async () => {
      const current = await provider.get(spawned.providerId);
      return current?.status === 'running' ? current : undefined;
    });
    expect(running).toMatchObject({ lambdaStatus: 'active', image: 'ubuntu-22-04', launchedAt: spawned.launchedAt, hostname: options.name });
    expect(running.tags).toMatchObject({ team: 'alpha', [OWNERSHIP_TAGS.owner]: 'tests', [OWNERSHIP_TAGS.instanceId]: options.ownership.instanceId, [IMAGE_TAG]: 'ubuntu-22-04' });
    expect((await provider.list({ owner: 'tests' })).map((instance) => instance.providerId)).toEqual([spawned.providerId]);
    expect(await provider.list({ owner: 'someone-else' })).toEqual([]);

    expect((await provider.terminate(spawned.providerId)).status).toBe('terminating');
    await waitFor('terminated', async () => ((await provider.get(spawned.providerId))?.status === 'terminated' ? true : undefined));
    expect(await provider.terminate(spawned.providerId)).toEqual({ providerId: spawned.providerId, status: 'terminated' });
    expect(await provider.terminate('0123456789abcdef0123456789abcdef')).toEqual({ providerId: '0123456789abcdef0123456789abcdef', status: 'terminated' });
    expect(await provider.get('0123456789abcdef0123456789abcdef')).toBeNull();

    // The launch request carries the cloud-config bootstrap, one SSH key, the name and the tags.
    const launch = bed.emulator.exchanges.find((exchange) => exchange.path === LAUNCH_PATH)?.body as Record<string, unknown>;
    expect(launch).toMatchObject({ ssh_key_names: ['hangar-emulator'], user_data: options.bootstrap.content, image: { family: 'ubuntu-22-04' }, hostname: options.name });
    expect(options.bootstrap.format).toBe('cloud-config');
    expect(options.bootstrap.content.startsWith('#cloud-config\n')).toBe(true);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('checks capacity before launching: a region without capacity is CAPACITY_ERROR and no launch is sent', async () => {
    const bed = await open({ emulator: { capacity: { default: 4, byRegion: { 'us-west-1': { gpu_1x_a10: 0 } } } } });
    expect(await codeOf(bed.provider.spawn(bed.spawnOptions({ region: 'us-west-1' })))).toBe('CAPACITY_ERROR');
    expect(bed.calls(LAUNCH_PATH)).toBe(0);
    await bed.provider.spawn(bed.spawnOptions());
    expect(bed.calls(LAUNCH_PATH)).toBe(1);
  });

  it('refuses an invalid spec locally (type, region, zone, tag, warm volume) without spending a launch', async () => {
    const bed = await open();
    for (const overrides of [
      { instanceType: 'gpu_99x_nothing' },
      { region: 'mars-north-1' },
      { zone: 'us-east-1a' },
      { tags: { 'Bad Key': 'x' } },
      { volumes: [{ warm: { sizeGiB: 10 } }] },
      { volumes: [{ providerVolumeId: 'no-such-volume' }] },
    ]) {
      expect(await codeOf(bed.provider.spawn(bed.spawnOptions(overrides))), JSON.stringify(overrides)).toBe('INVALID_SPEC');
    }
    expect(bed.calls(LAUNCH_PATH)).toBe(0);
    // An image Lambda does not have is Lambda's to refuse.
    expect(await codeOf(bed.provider.spawn(bed.spawnOptions({ image: 'no-such-image:1' })))).toBe('INVALID_SPEC');
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('a replayed spawn adopts the machine already carrying its Hangar id instead of launching another', async () => {
    const bed = await open();
    const options = bed.spawnOptions();
    const first = await bed.provider.spawn(options);
    // A first attempt spends no request slot on looking for itself.
    expect(bed.calls('/api/v1/instances')).toBe(0);
    const again = await bed.provider.spawn({ ...options, resumed: true });
    expect(bed.calls('/api/v1/instances')).toBe(1);
    expect(again.providerId).toBe(first.providerId);
    expect(bed.calls(LAUNCH_PATH)).toBe(1);
  });

  it('reads a preempted machine as terminated with SPOT_INTERRUPTED', async () => {
    const bed = await open();
    const spawned = await bed.provider.spawn(bed.spawnOptions());
    expect((await fetch(`${bed.emulator.url}/_emulator/preempt/${spawned.providerId}`, { method: 'POST' })).status).toBe(204);
    const preempted = await bed.provider.get(spawned.providerId);
    expect(preempted).toMatchObject({ status: 'terminated', lambdaStatus: 'preempted', stateReason: { code: 'SPOT_INTERRUPTED' } });
  });

  it('file systems as persistent volumes: create, mount at spawn by name, in use while held, delete idempotently', async () => {
    const bed = await open();
    const { provider } = bed;
    expect(supports(provider, 'persistentVolumes')).toBe(true);
    const volume = await provider.createVolume({ name: 'data', region: 'us-east-1', zone: null, sizeGiB: 100, tags: {} });
    expect(volume).toMatchObject({ name: 'data', region: 'us-east-1', zone: null, sizeGiB: null, status: 'available', attachedTo: [] });
    expect((await provider.listVolumes()).map((listed) => listed.providerVolumeId)).toEqual([volume.providerVolumeId]);

    expect(await codeOf(provider.spawn(bed.spawnOptions({ region: 'us-west-1', volumes: [{ providerVolumeId: volume.providerVolumeId }] })))).toBe('INVALID_SPEC');
    const instance = await provider.spawn(bed.spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
    expect(instance.fileSystemNames).toEqual(['hangar-data']);
    const launch = bed.emulator.exchanges.filter((exchange) => exchange.path === LAUNCH_PATH).at(-1)?.body as Record<string, unknown>;
    expect(launch.file_system_names).toEqual(['hangar-data']);
    expect(await provider.getVolume(volume.providerVolumeId)).toMatchObject({ status: 'in-use', attachedTo: [instance.providerId] });
    expect(await codeOf(provider.deleteVolume(volume.providerVolumeId))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.createVolume({ name: 'data', region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} }))).toBe('INVALID_SPEC');

    await provider.terminate(instance.providerId);
    await waitFor('detached', async () => ((await provider.getVolume(volume.providerVolumeId))?.attachedTo.length === 0 ? true : undefined));
    await provider.deleteVolume(volume.providerVolumeId);
    await provider.deleteVolume(volume.providerVolumeId);
    expect(await provider.getVolume(volume.providerVolumeId)).toBeNull();
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('lists only file systems Hangar created (name prefix), and refuses names Lambda cannot take', async () => {
    const bed = await open();
    bed.emulator.state.createFileSystem('someone-elses', 'us-east-1');
    await bed.provider.createVolume({ name: 'mine', region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} });
    expect((await bed.provider.listVolumes()).map((volume) => volume.name)).toEqual(['mine']);
    expect(await codeOf(bed.provider.createVolume({ name: 'under_score', region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} }))).toBe('INVALID_SPEC');
    expect(await codeOf(bed.provider.createVolume({ name: 'x'.repeat(60), region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} }))).toBe('INVALID_SPEC');
  });

  it('catalog: prices in USD, GPU shapes, every configured region, capacity in the warnings', async () => {
    const bed = await open({ emulator: { regions: ['us-east-1'] } });
    const offerings = await bed.provider.instanceTypes();
    const a10 = offerings.find((offering) => offering.name === 'gpu_1x_a10');
    expect(a10).toMatchObject({ pricePerHour: 0.75, spotPricePerHour: null, gpu: { model: 'A10', count: 1, memoryGiB: 24 }, vcpus: 30, memoryGiB: 200 });
    expect(a10?.regions.map((region) => region.region)).toEqual(['us-east-1', 'us-west-1', 'us-south-2']);
    expect(a10?.warnings).toEqual(['capacity right now in us-east-1']);
    expect(offerings.find((offering) => offering.name === 'cpu_4x_general')?.gpu).toBeNull();
    expect(offerings.find((offering) => offering.name === 'gpu_8x_h100_sxm5')?.gpu).toEqual({ model: 'H100', count: 8, memoryGiB: 80 });
  });

  it('heartbeats: health_check proves key and endpoint, and fails with the reason on a bad key', async () => {
    const bed = await open();
    expect(await bed.registration.hooks.onHeartbeat?.('health_check')).toMatchObject({ ok: true });
    expect(await bed.registration.hooks.onHeartbeat?.('reconcile')).toEqual({ task: 'reconcile', ok: true, message: null });
    bed.emulator.state.accountInactive = true;
    const failed = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(failed?.ok).toBe(false);
    expect(failed?.message).toContain('inactive');
  });
});

describe('instance names carry the ownership marks within 64 characters', () => {
  it('round-trips owner and Hangar id', () => {
    const name = instanceNameFor({ owner: 'prod-eu', instanceId: 'i-01JABCDEFGHJKMNPQRSTVWXYZ0' });
    expect(name).toBe('hangar:prod-eu:i-01JABCDEFGHJKMNPQRSTVWXYZ0');
    expect(parseInstanceName(name)).toEqual({ owner: 'prod-eu', instanceId: 'i-01JABCDEFGHJKMNPQRSTVWXYZ0' });
  });

  it('trims the owner first, so the id reconciliation adopts by survives', () => {
    const id = `i-${'x'.repeat(40)}`;
    const name = instanceNameFor({ owner: 'a-very-long-owner-name-of-32-chr', instanceId: id });
    expect(name.length).toBeLessThanOrEqual(64);
    expect(parseInstanceName(name)).toEqual({ owner: null, instanceId: id });
    const huge = instanceNameFor({ owner: 'o', instanceId: 'y'.repeat(64) });
    expect(huge.length).toBe(64);
    expect(parseInstanceName(huge)).toEqual({ owner: null, instanceId: null });
    expect(parseInstanceName('My Instance')).toBeNull();
  });
});
