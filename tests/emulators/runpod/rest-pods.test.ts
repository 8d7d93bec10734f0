import { describe, expect, it } from 'vitest';
import { EMULATOR_API_KEY } from '../../../src/emulators/runpod/runpod-emulator-options.js';
import { NO_CAPACITY_MESSAGE } from '../../../src/emulators/runpod/runpod-emulator-state.js';
import { startRunPodEmulator } from '../../../src/emulators/runpod/start-runpod-emulator.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { restClient } from './runpod-test-client.js';

const GPU = 'NVIDIA GeForce RTX 4090';

async function bed(options: Parameters<typeof startRunPodEmulator>[0] = {}) {
  const clock = { now: Date.UTC(2026, 5, 1, 12) };
  const emulator = await startRunPodEmulator({ seed: 3, now: () => clock.now, bootDelayMs: { provisioning: 1_000, starting: 1_000 }, ...options });
  return { emulator, clock, rest: restClient(emulator.url, EMULATOR_API_KEY), close: () => emulator.close() };
}

const createBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'trainer',
  image: 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404',
  gpu: { id: GPU, count: 1 },
  dataCenterIds: ['US-KS-2'],
  env: { A: '1' },
  args: 'sleep infinity',
  ...overrides,
});

describe('RunPod emulator: pods over REST v2 (every answer checked against the v2 OpenAPI document)', () => {
  const start = useTestBed(bed);

  it('creates a pod that boots PROVISIONING -> STARTING -> RUNNING, lists and reads it', async () => {
    const { rest, clock } = await start();
    const created = await rest('POST', '/v2/pods', createBody());
    expect(created.status).toBe(201);
    const pod = created.body as { id: string; status: string; dataCenterId: string; env: Record<string, string>; actions: string[] };
    expect(pod).toMatchObject({ status: 'PROVISIONING', dataCenterId: 'US-KS-2', env: { A: '1' }, actions: ['stop', 'terminate'] });
    clock.now += 1_000;
    expect(((await rest('GET', `/v2/pods/${pod.id}`)).body as { status: string }).status).toBe('STARTING');
    clock.now += 1_000;
    const running = (await rest('GET', `/v2/pods/${pod.id}`)).body as { status: string; runtime: unknown; startedAt: string | null };
    expect(running.status).toBe('RUNNING');
    expect(running.runtime).not.toBeNull();
    expect(running.startedAt).not.toBeNull();
    const listed = await rest('GET', '/v2/pods');
    expect((listed.body as { pods: { id: string }[] }).pods.map((item) => item.id)).toEqual([pod.id]);
  });

  it('acts: stop, start, restart, terminate (204), then TERMINATED, then 404', async () => {
    const { rest, clock } = await start({ terminatedRetentionMs: 5_000 });
    const { id } = (await rest('POST', '/v2/pods', createBody())).body as { id: string };
    clock.now += 2_000;
    expect(((await rest('POST', `/v2/pods/${id}/action`, { action: 'stop' })).body as { status: string; cost: number }).status).toBe('EXITED');
    expect((await rest('POST', `/v2/pods/${id}/action`, { action: 'stop' })).status).toBe(409);
    expect(((await rest('POST', `/v2/pods/${id}/action`, { action: 'start' })).body as { status: string }).status).toBe('PROVISIONING');
    expect((await rest('POST', `/v2/pods/${id}/action`, { action: 'restart' })).status).toBe(409);
    clock.now += 2_000;
    expect((await rest('POST', `/v2/pods/${id}/action`, { action: 'restart' })).status).toBe(200);
    expect((await rest('POST', `/v2/pods/${id}/action`, { action: 'terminate' })).status).toBe(204);
    expect(((await rest('GET', `/v2/pods/${id}`)).body as { status: string; actions: string[] })).toMatchObject({ status: 'TERMINATED', actions: [] });
    expect(((await rest('GET', '/v2/pods')).body as { pods: unknown[] }).pods).toEqual([]);
    expect((await rest('DELETE', `/v2/pods/${id}`)).status).toBe(404);
    clock.now += 5_000;
    expect((await rest('GET', `/v2/pods/${id}`)).status).toBe(404);
  });

  it('deletes a pod with DELETE (204) and renames one with PATCH', async () => {
    const { rest } = await start();
    const { id } = (await rest('POST', '/v2/pods', createBody())).body as { id: string };
    expect(((await rest('PATCH', `/v2/pods/${id}`, { name: 'renamed' })).body as { name: string }).name).toBe('renamed');
    expect((await rest('DELETE', `/v2/pods/${id}`)).status).toBe(204);
  });

  it('refuses with problem documents: 401, 422, 400 (rules, unknown GPU / data center / image), 404', async () => {
    const { emulator, rest } = await start();
    expect((await restClient(emulator.url, null)('GET', '/v2/pods')).body).toMatchObject({ status: 401, detail: 'missing bearer token' });
    const wrongKey = await restClient(emulator.url, 'rpa_wrong')('GET', '/v2/pods');
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('ratelimit')).toBeNull();
    const unknownField = await rest('POST', '/v2/pods', { ...createBody(), interruptible: true }, { invalidRequest: true });
    expect(unknownField.status).toBe(422);
    expect((unknownField.body as { errors: string[] }).errors.length).toBeGreaterThan(0);
    expect((await rest('POST', '/v2/pods', { name: 'x', image: 'ubuntu:22.04' })).status).toBe(400);
    expect((await rest('POST', '/v2/pods', createBody({ gpu: { id: 'NVIDIA Imaginary 9000' } }))).status).toBe(400);
    expect((await rest('POST', '/v2/pods', createBody({ dataCenterIds: ['XX-NOPE-1'] }))).status).toBe(400);
    expect((await rest('POST', '/v2/pods', createBody({ image: 'no-such-image:1' }))).status).toBe(400);
    expect((await rest('POST', '/v2/pods', createBody({ templateId: 'tpl' }))).status).toBe(404);
    expect((await rest('GET', '/v2/pods/nope')).status).toBe(404);
    expect((await rest('POST', '/v2/pods/nope/action', { action: 'dance' }, { invalidRequest: true })).status).toBe(422);
  });

  it('runs out of stock with the capacity message, and an on-demand pod reclaims interruptible GPUs', async () => {
    const { emulator, rest } = await start({ stock: { default: 2 } });
    await rest('POST', '/v2/pods', createBody({ gpu: { id: GPU, count: 2 } }));
    const full = await rest('POST', '/v2/pods', createBody());
    expect(full.status).toBe(400);
    expect((full.body as { detail: string }).detail).toBe(NO_CAPACITY_MESSAGE);
    expect((await rest('POST', '/v2/pods', createBody({ dataCenterIds: ['EU-RO-1'] }))).status).toBe(201);
    const spot = emulator.state.createPod({ ...createBody(), gpuTypeId: GPU, gpuCount: 1, cloud: 'SECURE', dataCenterIds: ['US-GA-1'], networkVolumeId: null, mountPath: null, bidPerGpu: 0.5, disk: 10, ports: [], env: {}, args: '', image: 'ubuntu:22.04', name: 'bid' });
    await rest('POST', '/v2/pods', createBody({ dataCenterIds: ['US-GA-1'] }));
    const onDemand = await rest('POST', '/v2/pods', createBody({ dataCenterIds: ['US-GA-1'] }));
    expect(onDemand.status).toBe(201);
    expect(((await rest('GET', `/v2/pods/${spot.id}`)).body as { status: string }).status).toBe('EXITED');
  });

  it('publishes TCP ports on a public IP for Secure Cloud pods; REST v2 has no supportPublicIp, so a Community Cloud pod gets none', async () => {
    const { emulator, rest, clock } = await start();
    const secure = (await rest('POST', '/v2/pods', createBody({ ports: ['22/tcp', '8888/http'], startSsh: true }))).body as { id: string };
    const community = (await rest('POST', '/v2/pods', createBody({ cloud: 'COMMUNITY', ports: ['22/tcp'] }))).body as { id: string };
    expect((await rest('POST', '/v2/pods', createBody({ supportPublicIp: true }), { invalidRequest: true })).status).toBe(422);
    clock.now += 2_000;
    type Running = { ssh: { direct: { host: string; port: number } | null }; runtime: { ports: { private: number; public: number | null; type: string; ip: string | null }[] } };
    const securePod = (await rest('GET', `/v2/pods/${secure.id}`)).body as Running;
    expect(securePod.runtime.ports).toEqual([
      { private: 22, public: expect.any(Number), type: 'tcp', ip: expect.any(String) },
      { private: 8888, public: null, type: 'http', ip: null },
    ]);
    expect(securePod.ssh.direct).toMatchObject({ host: securePod.runtime.ports[0]?.ip, port: securePod.runtime.ports[0]?.public });
    const communityPod = (await rest('GET', `/v2/pods/${community.id}`)).body as Running;
    expect(communityPod.runtime.ports).toEqual([{ private: 22, public: null, type: 'tcp', ip: null }]);
    expect(communityPod.ssh.direct).toBeNull();
    expect(emulator.state.pods.get(secure.id)?.startSsh).toBe(true);
    expect(emulator.state.pods.get(community.id)?.startSsh).toBe(false);
  });

  it('answers a read-only key with 403 on writes and as usual on reads', async () => {
    const { emulator } = await start({ readOnlyApiKeys: ['rpa_READONLY0000000000000000000000'] });
    const readOnly = restClient(emulator.url, 'rpa_READONLY0000000000000000000000');
    expect((await readOnly('GET', '/v2/pods')).status).toBe(200);
    const denied = await readOnly('POST', '/v2/pods', createBody());
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ title: 'Forbidden', status: 403, detail: 'access denied' });
    expect(denied.headers.get('ratelimit')).not.toBeNull();
    expect((await readOnly('POST', '/v2/network-volumes', { name: 'v', size: 10, dataCenter: 'US-KS-2' })).status).toBe(403);
    expect(emulator.state.pods.size).toBe(0);
  });

  it('answers a key restricted to some resources with 403 elsewhere, reads included, and as usual within them', async () => {
    const key = 'rpa_RESTRICTED00000000000000000000';
    const { emulator } = await start({ restrictedApiKeys: { [key]: ['/v2/catalog'] } });
    const restricted = restClient(emulator.url, key);
    expect((await restricted('GET', '/v2/catalog/gpus')).status).toBe(200);
    const denied = await restricted('GET', '/v2/pods');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ title: 'Forbidden', status: 403, detail: 'access denied' });
    expect(denied.headers.get('ratelimit')).not.toBeNull();
    expect((await restricted('GET', '/v2/network-volumes')).status).toBe(403);
    expect((await restricted('POST', '/v2/pods', createBody())).status).toBe(403);
    // GraphQL is a resource of its own.
    expect((await fetch(`${emulator.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"query":"{ gpuTypes { id } }"}' })).status).toBe(403);
    expect(emulator.state.pods.size).toBe(0);
  });
});
