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
    const wrongType = await query(RENT, { input: { name: 'x', gpuCount: 'two' } });
    expect(wrongType.body.errors?.[0]?.message).toMatch(/Variable "\$input" got invalid value/);
    // RunPod's schema leaves gpuTypeId, imageName and bidPerGpu optional: a rental without them is refused when it runs.
    const missing = await query(RENT, { input: { name: 'x' } });
    expect(missing.body.errors?.[0]?.message).toMatch(/gpuTypeId is required/);
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

  it('quotes and enforces the minimum bid of each data center: lowestPrice without dataCenterId is the cheapest anywhere', async () => {
    const { query } = await start();
    const price = (dc: string | null) =>
      query(`query($p: GpuLowestPriceInput) { gpuTypes(input: {id: "${GPU}"}) { id lowestPrice(input: $p) { minimumBidPrice } } }`, {
        p: { gpuCount: 1, ...(dc !== null && { dataCenterId: dc }) },
      });
    const quoted = async (dc: string | null) => ((await price(dc)).body.data?.gpuTypes as { lowestPrice: { minimumBidPrice: number | null } }[])[0]?.lowestPrice.minimumBidPrice;
    expect(await quoted(null)).toBe(0.29);
    expect(await quoted('US-KS-2')).toBe(0.29);
    expect(await quoted('EU-RO-1')).toBe(0.35);
    expect(await quoted('CA-MTL-1')).toBeNull();
    // gpuCount is required by RunPod's GpuLowestPriceInput.
    const noCount = await query(`query { gpuTypes { lowestPrice(input: {secureCloud: true}) { minimumBidPrice } } }`);
    expect(noCount.body.errors?.[0]?.message).toMatch(/gpuCount/);
    const refused = await query(RENT, { input: rentInput({ dataCenterId: 'EU-RO-1', bidPerGpu: 0.3 }) });
    expect(refused.body.errors?.[0]?.message).toMatch(/below the minimum bid price of \$0\.35\/hr/);
    expect((await query(RENT, { input: rentInput({ dataCenterId: 'EU-RO-1', bidPerGpu: 0.35 }) })).body.data?.podRentInterruptable).toMatchObject({ desiredStatus: 'RUNNING' });
  });

  it('withdraws interruptable rentals on a switch: refused with a GraphQL error, or removed from the schema', async () => {
    const { emulator, query } = await start({ interruptable: 'refused' });
    const refused = await query(RENT, { input: rentInput() });
    expect(refused.status).toBe(200);
    expect(refused.body.errors?.[0]?.message).toMatch(/no longer/);
    expect(refused.body.data).toEqual({ podRentInterruptable: null });
    emulator.state.interruptable = 'removed';
    const removed = await query(RENT, { input: rentInput() });
    expect(removed.status).toBe(200);
    expect(removed.body.errors?.map((error) => error.message)).toEqual(
      expect.arrayContaining(['Unknown type "PodRentInterruptableInput".', 'Cannot query field "podRentInterruptable" on type "Mutation".']),
    );
    expect(emulator.state.pods.size).toBe(0);
    // Everything else still answers.
    expect((await query('query { gpuTypes { id } }')).body.errors).toBeUndefined();
    emulator.state.interruptable = 'offered';
    expect((await query(RENT, { input: rentInput() })).body.data?.podRentInterruptable).toMatchObject({ desiredStatus: 'RUNNING' });
  });

  it('gives a Community Cloud pod a public IP only when asked (supportPublicIp); a Secure Cloud pod always has one', async () => {
    const { query, clock } = await start();
    const rent = async (overrides: Record<string, unknown>) =>
      (await query(`mutation($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id } }`, { input: rentInput({ ports: '22/tcp,8888/http', ...overrides }) })).body.data
        ?.podRentInterruptable as { id: string };
    const community = await rent({ cloudType: 'COMMUNITY' });
    const asked = await rent({ cloudType: 'COMMUNITY', supportPublicIp: true, startSsh: true });
    const secure = await rent({ cloudType: 'SECURE' });
    clock.now += 200;
    const ports = async (id: string) =>
      ((await query(`query { pod(input: {podId: "${id}"}) { runtime { ports { privatePort publicPort isIpPublic type } } } }`)).body.data?.pod as {
        runtime: { ports: { privatePort: number; publicPort: number | null; isIpPublic: boolean; type: string }[] };
      }).runtime.ports.find((port) => port.privatePort === 22);
    expect(await ports(community.id)).toMatchObject({ isIpPublic: false, publicPort: null, type: 'tcp' });
    expect(await ports(asked.id)).toMatchObject({ isIpPublic: true, publicPort: expect.any(Number), type: 'tcp' });
    expect(await ports(secure.id)).toMatchObject({ isIpPublic: true, publicPort: expect.any(Number) });
  });

  it('serves real-world awkward entries: a GPU type with null memory, a GPU type without an id, a pod whose machine is gone', async () => {
    const { emulator, query } = await start({
      gpuTypes: [{ id: 'NVIDIA B300 Preview', name: 'B300', pool: null, manufacturer: 'NVIDIA', memory: null, price: { secure: 5.99, community: 0 }, maxCount: { secure: 8, community: 0 }, minimumBid: 3.1, dataCenters: ['US-KS-2'] }],
      awkward: { gpuTypesWithoutId: ['Retired GPU'] },
    });
    const types = await query('query { gpuTypes { id displayName memoryInGb } }');
    expect(types.body).toEqual({ data: { gpuTypes: [{ id: 'NVIDIA B300 Preview', displayName: 'B300', memoryInGb: null }, { id: null, displayName: 'Retired GPU', memoryInGb: null }] } });
    const rest = await fetch(`${emulator.url}/v2/catalog/gpus`, { headers: { authorization: `Bearer ${EMULATOR_API_KEY}` } });
    expect(((await rest.json()) as { gpus: { memory: unknown }[] }).gpus[0]?.memory).toBeNull();
    const pod = (await query(RENT, { input: rentInput({ gpuTypeId: 'NVIDIA B300 Preview', bidPerGpu: 3.1 }) })).body.data?.podRentInterruptable as { id: string };
    emulator.state.loseMachine(pod.id);
    expect((await query(`query { pod(input: {podId: "${pod.id}"}) { id machineId machine { podHostId } } }`)).body.data?.pod).toMatchObject({ id: pod.id, machine: null });
    const restPod = (await (await fetch(`${emulator.url}/v2/pods/${pod.id}`, { headers: { authorization: `Bearer ${EMULATOR_API_KEY}` } })).json()) as Record<string, unknown>;
    expect(restPod).toMatchObject({ id: pod.id, gpu: null, dataCenterId: null });
  });

  it('answers a read-only key’s mutation with HTTP 403, and its queries as usual', async () => {
    const { emulator } = await start({ readOnlyApiKeys: ['rpa_READONLY0000000000000000000000'] });
    const readOnly = (text: string, variables?: Record<string, unknown>) => graphql(emulator.graphqlUrl, 'rpa_READONLY0000000000000000000000', text, variables);
    expect((await readOnly('query { gpuTypes { id } }')).status).toBe(200);
    const denied = await readOnly(RENT, { input: rentInput() });
    expect(denied.status).toBe(403);
    expect(denied.body.errors?.[0]?.message).toMatch(/access denied/);
    expect(emulator.state.pods.size).toBe(0);
  });
});
