import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bootstrapOutput, CAPABILITY_FLAGS, ProviderError, supports } from '../../../src/contracts/index.js';
import { BOOTSTRAP_START_COMMAND } from '../../../src/providers/runpod/runpod-bootstrap.js';
import { POD_STATUS, toRunPodInstance } from '../../../src/providers/runpod/runpod-instance.js';
import { instanceTypeName, parseInstanceType, parsePodName, podName } from '../../../src/providers/runpod/runpod-naming.js';
import { RUNPOD_CAPABILITIES } from '../../../src/providers/runpod/runpod-provider.js';
import { POD_STATUSES, type PodWire } from '../../../src/providers/runpod/runpod-wire.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { GPU, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

const wirePod = (overrides: Partial<PodWire> = {}): PodWire => ({
  id: 'abc123',
  name: 'hangar.prod.i_1',
  image: 'ubuntu:22.04',
  status: 'RUNNING',
  env: { HANGAR_NAME: 'trainer', HANGAR_TAGS: '{"team":"ml"}', HANGAR_MARKET: 'on-demand' },
  gpu: { id: GPU, count: 2 },
  cloud: 'SECURE',
  dataCenterId: 'US-KS-2',
  mounts: {},
  cost: 1.38,
  createdAt: '2026-06-01T12:00:00Z',
  startedAt: '2026-06-01T12:02:00Z',
  ...overrides,
});

describe('RunPod provider against the emulator (every REST request checked against the v2 document)', () => {
  const start = useTestBed(startRunPodTestBed);

  it('creates a pod over REST v2 carrying ownership in its name, tags and bootstrap in its env, and the start command in args', async () => {
    const bed = await start();
    const options = spawnOptions({ tags: { team: 'ml', 'cost-center': '42' } });
    const instance = await bed.registration.provider.spawn(options);
    expect(instance).toMatchObject({
      status: 'pending',
      instanceType: GPU,
      region: 'US-KS-2',
      zone: null,
      spot: false,
      owner: 'hangar-test',
      hangarInstanceId: options.ownership.instanceId,
      name: options.name,
      podName: `hangar.hangar-test.${options.ownership.instanceId}`,
      bootstrapChecksum: options.bootstrap.checksum,
      tags: { team: 'ml', 'cost-center': '42', 'hangar:owner': 'hangar-test', 'hangar:instance-id': options.ownership.instanceId },
    });
    const create = bed.calls.find((call) => call.method === 'POST' && call.path === '/v2/pods');
    const body = create?.requestBody as { env: Record<string, string>; args: string; dataCenterIds: string[]; gpu: unknown; image: string };
    expect(body.dataCenterIds).toEqual(['US-KS-2']);
    expect(body.gpu).toEqual({ id: GPU, count: 1 });
    expect(body.image).toBe('runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404');
    expect(Buffer.from(body.env.HANGAR_BOOTSTRAP ?? '', 'base64').toString('utf8')).toBe(options.bootstrap.content);
    expect(body.args).toBe(BOOTSTRAP_START_COMMAND);
    const running = await waitFor('running', async () => {
      const current = await bed.registration.provider.get(instance.providerId);
      return current?.status === 'running' ? current : undefined;
    });
    expect(running.startedAt).not.toBeNull();
  });

  it('the start command decodes and runs the bootstrap with sh (checked with a real shell)', () => {
    const output = bootstrapOutput("#!/bin/sh\necho \"hello $HANGAR_X\" 'quoted'\n", 'shell');
    const command = BOOTSTRAP_START_COMMAND.replace('exec sleep infinity', 'true').replace(/^sh -c /, '');
    const script = command.slice(1, -1);
    const stdout = execFileSync('sh', ['-c', script], { env: { ...process.env, HANGAR_BOOTSTRAP: Buffer.from(output.content).toString('base64'), HANGAR_X: 'x' } });
    expect(stdout.toString()).toBe("hello x quoted\nhangar bootstrap exited with status 0\n");
  });

  it('lists every pod and filters by owner, instance id, tags, status and region; get answers null for an unknown id', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const a = await provider.spawn(spawnOptions({ tags: { team: 'alpha' } }));
    const b = await provider.spawn(spawnOptions({ region: 'EU-RO-1' }));
    await bed.emulator.state.createPod({
      name: 'somebody-elses-pod', image: 'ubuntu:22.04', args: '', disk: 10, ports: [], env: {}, gpuTypeId: GPU, gpuCount: 1, cloud: 'SECURE',
      dataCenterIds: ['US-KS-2'], networkVolumeId: null, mountPath: null, bidPerGpu: null,
    });
    const all = await provider.list();
    expect(all).toHaveLength(3);
    expect(all.find((pod) => pod.podName === 'somebody-elses-pod')).toMatchObject({ owner: null, hangarInstanceId: null, tags: {} });
    expect((await provider.list({ owner: 'hangar-test' })).map((pod) => pod.providerId).sort()).toEqual([a.providerId, b.providerId].sort());
    expect((await provider.list({ hangarInstanceId: b.hangarInstanceId ?? '' })).map((pod) => pod.providerId)).toEqual([b.providerId]);
    expect((await provider.list({ tags: { team: 'alpha' } })).map((pod) => pod.providerId)).toEqual([a.providerId]);
    expect((await provider.list({ region: 'EU-RO-1' })).map((pod) => pod.providerId)).toEqual([b.providerId]);
    expect(await provider.get('nope')).toBeNull();
    await provider.terminate(a.providerId);
    expect((await provider.get(a.providerId))?.status).toBe('terminated');
    expect((await provider.list({ statuses: ['pending', 'running'] })).map((pod) => pod.providerId)).not.toContain(a.providerId);
  });

  it.each(POD_STATUSES)('maps PodStatus %s', (status) => {
    const instance = toRunPodInstance(wirePod({ status }));
    expect(instance.status).toBe(POD_STATUS[status]);
    expect(instance.stateReason).toBeNull();
    expect(instance.instanceType).toBe(`2x ${GPU}`);
  });

  it('an interruptible pod stopped by RunPod surfaces as stopped with stateReason SPOT_INTERRUPTED; an on-demand one has no reason', async () => {
    expect(toRunPodInstance(wirePod({ status: 'EXITED' })).stateReason).toBeNull();
    const bed = await start();
    const provider = bed.registration.provider;
    const spot = await provider.spawn(spawnOptions({ spot: true }));
    expect(spot.spot).toBe(true);
    await fetch(`${bed.emulator.url}/_emulator/pods/${spot.providerId}/preempt`, { method: 'POST' });
    const reclaimed = await provider.get(spot.providerId);
    expect(reclaimed).toMatchObject({ status: 'stopped', podStatus: 'EXITED', spot: true, stateReason: { code: 'SPOT_INTERRUPTED' } });
  });

  it('a spawn re-driven with the same Hangar id finds the pod the first attempt made, never creates a second', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const options = spawnOptions();
    const first = await provider.spawn(options);
    const again = await provider.spawn({ ...options, resumed: true });
    expect(again.providerId).toBe(first.providerId);
    expect(await provider.list({ hangarInstanceId: options.ownership.instanceId })).toHaveLength(1);
    const spot = spawnOptions({ spot: true });
    const firstSpot = await provider.spawn(spot);
    expect((await provider.spawn({ ...spot, resumed: true })).providerId).toBe(firstSpot.providerId);
  });

  it('terminate: 204 is terminated, twice is terminated, an unknown id is terminated', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const pod = await provider.spawn(spawnOptions());
    expect(await provider.terminate(pod.providerId)).toEqual({ providerId: pod.providerId, status: 'terminated' });
    expect(await provider.terminate(pod.providerId)).toEqual({ providerId: pod.providerId, status: 'terminated' });
    expect(await provider.terminate('never-was')).toEqual({ providerId: 'never-was', status: 'terminated' });
  });

  it('a delete that errors is verified by reading the pod again: gone is success, still there is the error', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const pod = await provider.spawn(spawnOptions());
    // The delete happens, then the answer is a 500: the re-read sees TERMINATED.
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'terminate', effect: 'phantom', times: 1 }] });
    expect(await provider.terminate(pod.providerId)).toEqual({ providerId: pod.providerId, status: 'terminated' });
    expect(bed.calls.slice(-2).map((call) => `${call.method} ${call.status}`)).toEqual(['DELETE 500', 'GET 200']);
    // The delete does not happen and answers 500: the re-read finds the pod alive, so the error stands.
    const other = await provider.spawn(spawnOptions());
    bed.intercept = (method) => (method === 'DELETE' ? new Response('upstream connect error', { status: 502 }) : null);
    const error = await provider.terminate(other.providerId).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('RunPodCallError');
    expect((await provider.get(other.providerId))?.status).not.toBe('terminated');
    // Gone altogether: a 404 on the re-read is success.
    bed.intercept = (method) => (method === 'DELETE' ? new Response('bad gateway', { status: 502 }) : null);
    bed.emulator.state.terminatePod(other.providerId);
    bed.emulator.state.pods.delete(other.providerId);
    expect(await provider.terminate(other.providerId)).toEqual({ providerId: other.providerId, status: 'terminated' });
  });

  it('refuses what RunPod cannot do with INVALID_SPEC: zones, cloud-config, unknown type / data center / image', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    for (const overrides of [
      { zone: 'US-KS-2a' },
      { bootstrap: bootstrapOutput('#cloud-config\n', 'cloud-config') },
      { instanceType: 'NVIDIA Imaginary 9000' },
      { region: 'XX-NOPE-1' },
      { image: 'no-such-image:1' },
      { instanceType: `16x ${GPU}` },
    ]) {
      const error = await provider.spawn(spawnOptions(overrides)).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(overrides)).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe('INVALID_SPEC');
    }
  });

  it('declares every flag, each unsupported one with a reason, and the gated methods of spot and persistentVolumes', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    for (const flag of CAPABILITY_FLAGS) {
      const declared = RUNPOD_CAPABILITIES[flag];
      if (declared !== true) expect(declared.unsupported.length).toBeGreaterThan(40);
    }
    expect(supports(provider, 'spot') && supports(provider, 'persistentVolumes') && supports(provider, 'gpu') && supports(provider, 'multiRegion')).toBe(true);
    expect(supports(provider, 'idempotentSpawn')).toBe(false);
  });

  it('names: pods and volumes carry owner and id in the name; instance types carry the GPU count', () => {
    expect(podName({ owner: 'prod', instanceId: 'i_01.a' })).toBe('hangar.prod.i_01.a');
    expect(parsePodName('hangar.prod.i_01.a')).toEqual({ owner: 'prod', instanceId: 'i_01.a' });
    expect(parsePodName('my-notebook')).toBeNull();
    expect(instanceTypeName(GPU, 1)).toBe(GPU);
    expect(parseInstanceType(`4x ${GPU}`)).toEqual({ gpuTypeId: GPU, count: 4 });
  });

  it('answers the heartbeat: health_check reads one authenticated endpoint, reconcile is ok', async () => {
    const bed = await start();
    const hooks = bed.registration.hooks;
    expect(await hooks.onHeartbeat?.('health_check')).toMatchObject({ ok: true });
    expect(await hooks.onHeartbeat?.('reconcile')).toEqual({ task: 'reconcile', ok: true, message: null });
    bed.intercept = () => new Response(JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'invalid bearer token' }), { status: 401, headers: { 'content-type': 'application/problem+json' } });
    const down = await hooks.onHeartbeat?.('health_check');
    expect(down?.ok).toBe(false);
    expect(down?.message).toMatch(/AUTH|API key/);
    expect(down?.message).not.toContain(bed.apiKey);
  });
});
