import { describe, expect, it } from 'vitest';
import { VendorResponseError } from '../../../src/contracts/index.js';
import { DEFAULT_RUNPOD_GPU_TYPES, type EmulatedGpuType } from '../../../src/emulators/runpod/runpod-catalog-data.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { GPU, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

/** A GPU type RunPod lists before its specification is filled in: `memory: null` in the v2 catalog. */
const PREVIEW_GPU: EmulatedGpuType = {
  id: 'NVIDIA B300 Preview',
  name: 'B300',
  pool: null,
  manufacturer: 'NVIDIA',
  memory: null,
  price: { secure: 5.99, community: 0 },
  maxCount: { secure: 8, community: 0 },
  minimumBid: 3.1,
  dataCenters: ['US-KS-2'],
};

describe('RunPod: one entry the provider cannot read is skipped, counted and named, never fatal', () => {
  const start = useTestBed(startRunPodTestBed);

  it('the catalog answers every readable GPU type and price; the log names the GPU type with null memory and the price entry without an id', async () => {
    const bed = await start({ gpuTypes: [...DEFAULT_RUNPOD_GPU_TYPES, PREVIEW_GPU], awkward: { gpuTypesWithoutId: ['Retired GPU'] } });
    const log = bed.registration.skippedEntries;
    expect(log).toBeDefined();
    const offerings = await bed.registration.provider.instanceTypes();
    expect(offerings.map((offering) => offering.name)).toContain(GPU);
    expect(offerings.some((offering) => offering.name.includes('B300'))).toBe(false);
    expect(offerings.find((offering) => offering.name === GPU)?.spotPricePerHour).toBe(0.29);
    const report = log?.report();
    expect(report?.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'instance-type', id: PREVIEW_GPU.id, reason: expect.stringMatching(/^memory: /) }),
        expect.objectContaining({ kind: 'price', id: null, reason: expect.stringMatching(/^id: /) }),
      ]),
    );
    expect(JSON.stringify(report)).not.toContain(bed.apiKey);
    // Spot prices skip the unreadable entry too.
    expect((await bed.registration.provider.getSpotPrices({ instanceType: GPU })).length).toBe(3);
  });

  it('a pod whose machine is gone is left out of list (named in the log), while get still fails loudly on it', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const kept = await provider.spawn(spawnOptions());
    const odd = await provider.spawn(spawnOptions());
    bed.emulator.state.loseMachine(odd.providerId);
    expect((await provider.list()).map((pod) => pod.providerId)).toEqual([kept.providerId]);
    expect(bed.registration.skippedEntries?.since('instance', 0)).toEqual([expect.objectContaining({ id: odd.providerId, reason: expect.stringMatching(/^gpu: /) })]);
    // The reconciler confirms a missing machine with get: it must not read as gone.
    expect(await provider.get(odd.providerId).catch((caught: unknown) => caught)).toBeInstanceOf(VendorResponseError);
    // A spawn is not failed by somebody else's odd pod...
    const other = spawnOptions();
    expect((await provider.spawn({ ...other, resumed: true })).hangarInstanceId).toBe(other.ownership.instanceId);
    // ...but a resumed spawn whose own pod cannot be read must not make a second one.
    const before = bed.emulator.state.pods.size;
    const again = await provider
      .spawn({ ...spawnOptions(), ownership: { owner: 'hangar-test', instanceId: odd.hangarInstanceId ?? '' }, resumed: true })
      .catch((caught: unknown) => caught);
    expect(again).toBeInstanceOf(VendorResponseError);
    expect((again as Error).message).toMatch(/cannot be read/);
    expect(bed.emulator.state.pods.size).toBe(before);
  });

  it('a network volume without a size is left out of listVolumes (named in the log); the health check still answers', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const good = await provider.createVolume({ name: 'datasets', region: 'US-KS-2', sizeGiB: 20, owner: 'hangar-test' });
    const bad = await provider.createVolume({ name: 'migrating', region: 'US-KS-2', sizeGiB: 20, owner: 'hangar-test' });
    const volume = bed.emulator.state.volumes.get(bad.providerVolumeId);
    if (volume !== undefined) volume.size = null;
    expect((await provider.listVolumes()).map((entry) => entry.providerVolumeId)).toEqual([good.providerVolumeId]);
    expect(bed.registration.skippedEntries?.since('volume', 0)).toEqual([expect.objectContaining({ id: bad.providerVolumeId, reason: expect.stringMatching(/^size: /) })]);
    expect(await bed.registration.hooks.onHeartbeat?.('health_check')).toMatchObject({ ok: true });
  });
});
