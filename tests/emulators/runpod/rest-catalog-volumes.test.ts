import { describe, expect, it } from 'vitest';
import { EMULATOR_API_KEY } from '../../../src/emulators/runpod/runpod-emulator-options.js';
import { startRunPodEmulator } from '../../../src/emulators/runpod/start-runpod-emulator.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { restClient } from './runpod-test-client.js';

const GPU = 'NVIDIA GeForce RTX 4090';

async function bed(options: Parameters<typeof startRunPodEmulator>[0] = {}) {
  const emulator = await startRunPodEmulator({ seed: 5, bootDelayMs: { provisioning: 0, starting: 0 }, ...options });
  return { emulator, rest: restClient(emulator.url, EMULATOR_API_KEY), close: () => emulator.close() };
}

describe('RunPod emulator: catalog and network volumes over REST v2 (checked against the v2 OpenAPI document)', () => {
  const start = useTestBed(bed);

  it('lists GPU types with prices, and with stock per data center when asked', async () => {
    const { rest } = await start({ stock: { default: 16, byDataCenter: { 'EU-RO-1': { [GPU]: 0 } } } });
    const plain = (await rest('GET', '/v2/catalog/gpus')).body as { gpus: Record<string, unknown>[] };
    expect(plain.gpus.length).toBeGreaterThan(1);
    expect(plain.gpus[0]).not.toHaveProperty('availability');
    const stocked = (await rest('GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD&cloud=SECURE')).body as {
      gpus: { id: string; availability: string; dataCenters?: { id: string; availability: string }[] }[];
    };
    const rtx = stocked.gpus.find((gpu) => gpu.id === GPU);
    expect(rtx?.availability).toBe('HIGH');
    expect(rtx?.dataCenters).toEqual(expect.arrayContaining([{ id: 'EU-RO-1', name: 'EU Romania 1', availability: 'NONE' }]));
    const eight = (await rest('GET', '/v2/catalog/gpus?include=AVAILABILITY&product=POD&count=8')).body as { gpus: { id: string; availability: string }[] };
    expect(eight.gpus.find((gpu) => gpu.id === GPU)?.availability).toBe('LOW');
    expect((await rest('GET', `/v2/catalog/gpus/${encodeURIComponent(GPU)}`)).status).toBe(200);
    expect((await rest('GET', '/v2/catalog/gpus/nope')).status).toBe(404);
    expect((await rest('GET', '/v2/catalog/gpus?include=AVAILABILITY')).status).toBe(400);
  });

  it('lists data centers, with GPU availability when asked, filtered by region', async () => {
    const { rest } = await start();
    const all = (await rest('GET', '/v2/catalog/datacenters?include=GPU_AVAILABILITY')).body as { dataCenters: { id: string; gpuAvailability?: unknown[] }[] };
    expect(all.dataCenters.map((dc) => dc.id)).toContain('US-KS-2');
    expect(all.dataCenters.find((dc) => dc.id === 'US-KS-2')?.gpuAvailability?.length).toBeGreaterThan(0);
    const europe = (await rest('GET', '/v2/catalog/datacenters?regions=EUROPE')).body as { dataCenters: { id: string }[] };
    expect(europe.dataCenters.map((dc) => dc.id)).toEqual(['EU-RO-1']);
    expect((await rest('GET', '/v2/catalog/datacenters/US-KS-2')).status).toBe(200);
    expect((await rest('GET', '/v2/catalog/datacenters/XX-1')).status).toBe(404);
  });

  it('creates, reads, lists, resizes and deletes network volumes; a mounted one cannot be deleted', async () => {
    const { rest } = await start();
    const created = await rest('POST', '/v2/network-volumes', { name: 'data', size: 20, dataCenter: 'US-KS-2' });
    expect(created.status).toBe(201);
    const volume = created.body as { id: string; type: string };
    expect(volume.type).toBe('STANDARD');
    expect(((await rest('GET', '/v2/network-volumes')).body as { networkVolumes: { id: string }[] }).networkVolumes.map((v) => v.id)).toEqual([volume.id]);
    expect(((await rest('PATCH', `/v2/network-volumes/${volume.id}`, { size: 30 })).body as { size: number }).size).toBe(30);
    expect((await rest('PATCH', `/v2/network-volumes/${volume.id}`, { size: 10 })).status).toBe(400);
    const pod = await rest('POST', '/v2/pods', {
      name: 'p',
      image: 'ubuntu:22.04',
      gpu: { id: GPU },
      mounts: { network: [{ volumeId: volume.id, path: '/workspace' }] },
    });
    expect(pod.status).toBe(201);
    expect(pod.body).toMatchObject({ dataCenterId: 'US-KS-2', mounts: { network: [{ volumeId: volume.id, path: '/workspace' }] } });
    expect((await rest('DELETE', `/v2/network-volumes/${volume.id}`)).status).toBe(409);
    const wrongPlace = await rest('POST', '/v2/pods', {
      name: 'q',
      image: 'ubuntu:22.04',
      gpu: { id: GPU },
      dataCenterIds: ['EU-RO-1'],
      mounts: { network: [{ volumeId: volume.id, path: '/workspace' }] },
    });
    expect(wrongPlace.status).toBe(400);
    await rest('DELETE', `/v2/pods/${(pod.body as { id: string }).id}`);
    expect((await rest('DELETE', `/v2/network-volumes/${volume.id}`)).status).toBe(204);
    expect((await rest('GET', `/v2/network-volumes/${volume.id}`)).status).toBe(404);
    expect((await rest('DELETE', `/v2/network-volumes/${volume.id}`)).status).toBe(404);
    expect((await rest('POST', '/v2/network-volumes', { name: 'x', size: 5, dataCenter: 'US-KS-2' }, { invalidRequest: true })).status).toBe(422);
    expect((await rest('POST', '/v2/network-volumes', { name: 'x', size: 10, dataCenter: 'CA-MTL-1' })).status).toBe(400);
  });
});
