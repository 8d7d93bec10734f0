import { describe, expect, it } from 'vitest';
import type { ProviderError} from '../../../src/contracts/index.js';
import { SpotPriceSchema } from '../../../src/contracts/index.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { GPU, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

describe('RunPod spot (GraphQL) and network volumes (REST v2)', () => {
  const start = useTestBed(startRunPodTestBed);

  it('offers GPU types x counts with data centers, list and spot prices, and stock warnings', async () => {
    const bed = await start({ stock: { default: 16, byDataCenter: { 'EU-RO-1': { [GPU]: 0 } } } });
    const offerings = await bed.registration.provider.instanceTypes();
    const one = offerings.find((offering) => offering.name === GPU);
    expect(one).toMatchObject({ gpu: { model: 'RTX 4090', count: 1, memoryGiB: 24 }, pricePerHour: 0.69, spotPricePerHour: 0.29 });
    expect(one?.regions).toEqual([
      { region: 'US-KS-2', zones: [], available: true },
      { region: 'US-GA-1', zones: [], available: true },
      { region: 'EU-RO-1', zones: [], available: false },
    ]);
    expect(one?.warnings.join(' ')).toContain('EU-RO-1 NONE');
    expect(offerings.find((offering) => offering.name === `2x ${GPU}`)).toMatchObject({ pricePerHour: 1.38, spotPricePerHour: 0.58 });
    const prices = await bed.registration.provider.getSpotPrices({ instanceType: GPU, region: 'US-KS-2' });
    expect(prices).toHaveLength(1);
    expect(SpotPriceSchema.parse(prices[0])).toMatchObject({ instanceType: GPU, region: 'US-KS-2', zone: null, pricePerHour: 0.29 });
  });

  it('spawn with spot: true rents an interruptible pod over GraphQL at the minimum bid', async () => {
    const bed = await start();
    const pod = await bed.registration.provider.spawn(spawnOptions({ spot: true }));
    expect(pod).toMatchObject({ spot: true, interruptible: true, costPerHour: 0.29, owner: 'hangar-test' });
    const rent = bed.calls.find((call) => call.api === 'graphql' && call.responseText.includes('podRentInterruptable'));
    expect((rent?.requestBody as { variables: { input: { bidPerGpu: number; dataCenterId: string } } }).variables.input).toMatchObject({ bidPerGpu: 0.29, dataCenterId: 'US-KS-2' });
    expect(bed.calls.some((call) => call.api === 'rest' && call.method === 'POST')).toBe(false);
  });

  it('requestSpotInstance bids the caller’s price per GPU; a price under the minimum is a failed request; cancel is a no-op for bid ids', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const request = await provider.requestSpotInstance({ ...spawnOptions({ spot: true, instanceType: `2x ${GPU}` }), maxPricePerHour: 1 });
    expect(request).toMatchObject({ status: 'fulfilled', maxPricePerHour: 1, message: null });
    expect((await provider.get(request.providerInstanceId ?? ''))?.costPerHour).toBe(1);
    await provider.cancelSpotRequest(request.requestId);
    expect((await provider.get(request.providerInstanceId ?? ''))?.status).not.toBe('terminated');
    const low = await provider.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: 0.1 });
    expect(low).toMatchObject({ status: 'failed', providerInstanceId: null });
    expect(low.message).toMatch(/below RunPod's minimum bid/);
    expect(((await provider.cancelSpotRequest('sir-123').catch((caught: unknown) => caught)) as ProviderError).code).toBe('INVALID_SPEC');
  });

  it('volumes: created with the owner in the name, attached at spawn in their data center, refused elsewhere, deleted once detached', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const volume = await provider.createVolume({ name: 'datasets', region: 'US-KS-2', sizeGiB: 20, owner: 'hangar-test' });
    expect(volume).toMatchObject({ name: 'datasets', region: 'US-KS-2', zone: null, sizeGiB: 20, status: 'available', attachedTo: [], tags: { 'hangar:owner': 'hangar-test' } });
    expect(bed.emulator.state.volumes.get(volume.providerVolumeId)?.name).toBe('hangar.hangar-test.datasets');
    await provider.createVolume({ name: 'theirs', region: 'US-KS-2', sizeGiB: 10, owner: 'other' });
    expect((await provider.listVolumes({ owner: 'hangar-test' })).map((listed) => listed.name)).toEqual(['datasets']);
    expect((await provider.listVolumes()).map((listed) => listed.name).sort()).toEqual(['datasets', 'theirs']);

    const elsewhere = await provider.spawn(spawnOptions({ region: 'EU-RO-1', volumes: [{ providerVolumeId: volume.providerVolumeId }] })).catch((caught: unknown) => caught);
    expect((elsewhere as ProviderError).code).toBe('INVALID_SPEC');
    const two = await provider
      .spawn(spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }, { providerVolumeId: volume.providerVolumeId }] }))
      .catch((caught: unknown) => caught);
    expect((two as ProviderError).code).toBe('INVALID_SPEC');
    const warm = await provider.spawn(spawnOptions({ volumes: [{ warm: { sizeGiB: 10 } }] })).catch((caught: unknown) => caught);
    expect((warm as ProviderError).code).toBe('INVALID_SPEC');

    const pod = await provider.spawn(spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
    expect(pod.networkVolumeId).toBe(volume.providerVolumeId);
    const create = bed.calls.find((call) => call.method === 'POST' && call.path === '/v2/pods');
    expect((create?.requestBody as { mounts: unknown }).mounts).toEqual({ network: [{ volumeId: volume.providerVolumeId, path: '/workspace' }] });
    expect(await provider.getVolume(volume.providerVolumeId)).toMatchObject({ status: 'in-use', attachedTo: [pod.providerId] });
    expect(((await provider.deleteVolume(volume.providerVolumeId).catch((caught: unknown) => caught)) as ProviderError).code).toBe('INVALID_SPEC');

    const spotPod = await provider.spawn(spawnOptions({ spot: true, volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
    expect(spotPod.networkVolumeId).toBe(volume.providerVolumeId);
    await provider.terminate(spotPod.providerId);
    await provider.terminate(pod.providerId);
    await waitFor('detached', async () => ((await provider.getVolume(volume.providerVolumeId))?.attachedTo.length === 0 ? true : undefined));
    await provider.deleteVolume(volume.providerVolumeId);
    await provider.deleteVolume(volume.providerVolumeId);
    expect(await provider.getVolume(volume.providerVolumeId)).toBeNull();
  });
});
