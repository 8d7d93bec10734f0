import { describe, expect, it } from 'vitest';
import { EMULATOR_API_KEY } from '../../../src/emulators/runpod/runpod-emulator-options.js';
import { startRunPodEmulator } from '../../../src/emulators/runpod/start-runpod-emulator.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { graphql, restClient } from './runpod-test-client.js';

const GPU = 'NVIDIA GeForce RTX 4090';
const RENT = `mutation Rent($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id desiredStatus imageName env machineId machine { podHostId } } }`;

async function bed(options: Parameters<typeof startRunPodEmulator>[0] = {}) {
  const clock = { now: Date.UTC(2026, 5, 1, 12) };
  const emulator = await startRunPodEmulator({ seed: 9, now: () => clock.now, bootDelayMs: { provisioning: 100, starting: 100 }, ...options });
  const query = (text: string, variables?: Record<string, unknown>) => graphql(emulator.graphqlUrl, EMULATOR_API_KEY, text, variables);
  return { emulator, clock, query, rest: restClient(emulator.url, EMULATOR_API_KEY), close: () => emulator.close() };
}

const rentInput = (overrides: Record<string, unknown> = {}) => ({
  name: 'spot',
  imageName: 'ubuntu:22.04',
  gpuTypeId: GPU,
  gpuCount: 1,
  bidPerGpu: 0.3,
  cloudType: 'SECURE',
  dataCenterId: 'US-KS-2',
  env: [{ key: 'A', value: '1' }],
  ...overrides,
});

describe('RunPod emulator: GraphQL (the operations Hangar uses, executed with graphql-js)', () => {
  const start = useTestBed(bed);

  it('quotes GPU types with lowestPrice (minimum bid, on-demand price, stock)', async () => {
    const { query } = await start();
    const answer = await query(
      `query { gpuTypes(input: {id: "${GPU}"}) { id displayName memoryInGb secureSpotPrice communitySpotPrice lowestPrice(input: {gpuCount: 1, secureCloud: true}) { minimumBidPrice uninterruptablePrice stockStatus availableGpuCounts } } }`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data?.gpuTypes).toEqual([
      expect.objectContaining({ id: GPU, lowestPrice: { minimumBidPrice: 0.29, uninterruptablePrice: 0.69, stockStatus: 'High', availableGpuCounts: [1, 2, 4, 8] } }),
    ]);
  });

  it('rents an interruptible pod that REST v2 then shows, and myself/pod read it', async () => {
    const { query, rest } = await start();
    const rented = await query(RENT, { input: rentInput() });
    const pod = rented.body.data?.podRentInterruptable as { id: string; desiredStatus: string; env: string[] };
    expect(pod).toMatchObject({ desiredStatus: 'RUNNING', env: ['A=1'] });
    expect(((await rest('GET', `/v2/pods/${pod.id}`)).body as { cost: number }).cost).toBe(0.3);
    const mine = await query('query { myself { pods { id podType desiredStatus } } }');
    expect(mine.body.data?.myself).toEqual({ pods: [{ id: pod.id, podType: 'INTERRUPTABLE', desiredStatus: 'RUNNING' }] });
    expect((await query(`query { pod(input: {podId: "${pod.id}"}) { id costPerHr } }`)).body.data?.pod).toEqual({ id: pod.id, costPerHr: 0.3 });
    expect((await query('query { pod(input: {podId: "nope"}) { id } }')).body.data?.pod).toBeNull();
    const terminated = await query(`mutation { podTerminate(input: {podId: "${pod.id}"}) }`);
    expect(terminated.body).toEqual({ data: { podTerminate: null } });
  });

  it('answers errors inside HTTP 200: a bid below the minimum, capacity, an unknown pod, a malformed query', async () => {
    const { query } = await start({ stock: { default: 1 } });
    const low = await query(RENT, { input: rentInput({ bidPerGpu: 0.01 }) });
    expect(low.status).toBe(200);
    expect(low.body.errors?.[0]?.message).toMatch(/below the minimum bid price/);
    expect(low.body.data).toEqual({ podRentInterruptable: null });
    await query(RENT, { input: rentInput() });
    const full = await query(RENT, { input: rentInput() });
    expect(full.body.errors?.[0]?.message).toMatch(/no longer any instances available/);
    expect((await query('mutation { podTerminate(input: {podId: "nope"}) }')).body.errors?.[0]?.message).toMatch(/does not exist/);
    const bad = await query('query { myself { pods { id notAField } } }');
    expect(bad.status).toBe(200);
    expect(bad.body.errors?.[0]?.message).toMatch(/Cannot query field "notAField"/);
    const syntax = await query('query { myself { ');
    expect(syntax.body.errors?.[0]?.message).toMatch(/Syntax Error/);
    const missingInput = await query(RENT, { input: { name: 'x' } });
    expect(missingInput.body.errors?.[0]?.message).toMatch(/Variable "\$input" got invalid value/);
  });

  it('refuses a missing or wrong key with HTTP 401, and accepts ?api_key= as the docs show', async () => {
    const { emulator } = await start();
    expect((await graphql(emulator.graphqlUrl, null, 'query { gpuTypes { id } }')).status).toBe(401);
    expect((await graphql(emulator.graphqlUrl, 'rpa_wrong', 'query { gpuTypes { id } }')).status).toBe(401);
    const viaQuery = await graphql(`${emulator.graphqlUrl}?api_key=${EMULATOR_API_KEY}`, null, 'query { gpuTypes { id } }');
    expect(viaQuery.status).toBe(200);
  });

  it('preempts interruptible pods: configured after they run, or on demand through /_emulator', async () => {
    const { emulator, query, rest, clock } = await start({ preemption: { afterMs: 1_000, probability: 1 } });
    const first = (await query(RENT, { input: rentInput() })).body.data?.podRentInterruptable as { id: string };
    clock.now += 200;
    expect(((await rest('GET', `/v2/pods/${first.id}`)).body as { status: string }).status).toBe('RUNNING');
    clock.now += 1_000;
    expect(((await rest('GET', `/v2/pods/${first.id}`)).body as { status: string; cost: number })).toMatchObject({ status: 'EXITED', cost: 0 });
    const second = (await query(RENT, { input: rentInput() })).body.data?.podRentInterruptable as { id: string };
    expect((await fetch(`${emulator.url}/_emulator/pods/${second.id}/preempt`, { method: 'POST' })).status).toBe(204);
    expect(((await query(`query { pod(input: {podId: "${second.id}"}) { desiredStatus } }`)).body.data?.pod)).toEqual({ desiredStatus: 'EXITED' });
  });
});
