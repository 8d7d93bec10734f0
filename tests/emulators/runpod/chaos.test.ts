import { describe, expect, it } from 'vitest';
import { PROVIDER_ERROR_CODES } from '../../../src/contracts/index.js';
import { EMULATOR_API_KEY } from '../../../src/emulators/runpod/runpod-emulator-options.js';
import { GRAPHQL_FAULT_MESSAGES, REST_FAULTS } from '../../../src/emulators/runpod/problem-response.js';
import { startRunPodEmulator } from '../../../src/emulators/runpod/start-runpod-emulator.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { expectSpecExchange } from './runpod-spec.js';
import { graphql, restClient } from './runpod-test-client.js';

const GPU = 'NVIDIA GeForce RTX 4090';
const POD = { name: 'c', image: 'ubuntu:22.04', gpu: { id: GPU }, dataCenterIds: ['US-KS-2'] };

async function bed() {
  const emulator = await startRunPodEmulator({ seed: 2, bootDelayMs: { provisioning: 0, starting: 0 } });
  return { emulator, rest: restClient(emulator.url, EMULATOR_API_KEY), close: () => emulator.close() };
}

const put = (url: string, scenario: unknown) =>
  fetch(`${url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });

describe('RunPod emulator: chaos (the engine’s fault rules acted out as RunPod answers)', () => {
  const start = useTestBed(bed);

  it('serves GET / PUT / DELETE /_emulator/chaos and refuses a bad scenario', async () => {
    const { emulator } = await start();
    expect(await (await fetch(`${emulator.url}/_emulator/chaos`)).json()).toMatchObject({ scenario: null });
    expect((await put(emulator.url, { seed: 1, faults: [{ operation: 'spawn', effect: 'error' }] })).status).toBe(400);
    expect((await put(emulator.url, { seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR' }] })).status).toBe(200);
    expect((await fetch(`${emulator.url}/_emulator/chaos`, { method: 'DELETE' })).status).toBe(204);
  });

  it.each(PROVIDER_ERROR_CODES)('renders %s as a v2 problem document the spec allows', async (code) => {
    const { emulator, rest } = await start();
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code, ...(code === 'RATE_LIMIT_ERROR' && { retryAfterMs: 3_000 }) }] });
    const answer = await rest('POST', '/v2/pods', POD);
    expect(answer.status).toBe(REST_FAULTS[code].status);
    expect((answer.body as { detail: string }).detail).toContain(REST_FAULTS[code].detail);
    if (code === 'RATE_LIMIT_ERROR') expect(answer.headers.get('retry-after')).toBe('3');
    expect(emulator.state.pods.size).toBe(0);
  });

  it.each(PROVIDER_ERROR_CODES)('renders %s as a GraphQL error', async (code) => {
    const { emulator } = await start();
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', spot: true, code }] });
    const answer = await graphql(emulator.graphqlUrl, EMULATOR_API_KEY, 'mutation R($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id } }', {
      input: { imageName: 'ubuntu:22.04', gpuTypeId: GPU, bidPerGpu: 1 },
    });
    expect(answer.status).toBe(code === 'AUTH_ERROR' ? 401 : code === 'RATE_LIMIT_ERROR' ? 429 : 200);
    expect(answer.body.errors?.[0]?.message).toContain(GRAPHQL_FAULT_MESSAGES[code]);
  });

  it('phantom performs the request and then fails; malformed answers 200 with a body that is not JSON', async () => {
    const { emulator, rest } = await start();
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', code: 'CAPACITY_ERROR', times: 1 }] });
    expect((await rest('POST', '/v2/pods', POD)).status).toBe(400);
    expect(emulator.state.pods.size).toBe(1);
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'terminate', effect: 'phantom', times: 1 }] });
    const [pod] = [...emulator.state.pods.values()];
    const failed = await rest('DELETE', `/v2/pods/${pod?.id}`);
    expect(failed.status).toBe(500);
    expect(pod?.terminatedAtMs).not.toBeNull();
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'malformed' }] });
    const response = await fetch(`${emulator.url}/v2/pods`, { headers: { authorization: `Bearer ${EMULATOR_API_KEY}` } });
    expect(response.status).toBe(200);
    expect(() => JSON.parse('{"pods": [{"id": "')).toThrow();
    expect(await response.text()).toBe('{"pods": [{"id": "');
  });

  it('timeout never answers; list lag hides a new pod from GET /v2/pods only', async () => {
    const { emulator, rest } = await start();
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'get', effect: 'timeout' }], quirks: { listLagMs: 60_000 } });
    const created = (await rest('POST', '/v2/pods', POD)).body as { id: string };
    expect(((await rest('GET', '/v2/pods')).body as { pods: unknown[] }).pods).toEqual([]);
    const hung = await fetch(`${emulator.url}/v2/pods/${created.id}`, {
      headers: { authorization: `Bearer ${EMULATOR_API_KEY}` },
      signal: AbortSignal.timeout(200),
    }).catch((error: unknown) => error);
    expect((hung as Error).name).toBe('TimeoutError');
  });

  it('answers 500 for a phantom without a code, which the spec allows as default', async () => {
    const { emulator } = await start();
    emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'phantom' }] });
    const response = await fetch(`${emulator.url}/v2/pods`, { headers: { authorization: `Bearer ${EMULATOR_API_KEY}` } });
    const body: unknown = await response.json();
    expectSpecExchange('GET', `${emulator.url}/v2/pods`, undefined, response.status, response.headers, body);
  });
});
