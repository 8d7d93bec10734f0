import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { API_KEY, envelopeErrors, openLambdaEmulator } from './lambda-emulator-bed.js';

const open = useTestBed(openLambdaEmulator);

const launchBody = { region_name: 'us-east-1', instance_type_name: 'gpu_1x_a10', ssh_key_names: ['hangar-emulator'] };
const errorCode = (body: unknown) => (body as { error: { code: string } }).error.code;

describe('Lambda Cloud emulator: rate limits', () => {
  it('refuses a request closer than the request interval with 429, Retry-After and the vendor envelope', async () => {
    const bed = await open({ rateLimits: { requestIntervalMs: 1_000, launchIntervalMs: 12_000, toleranceMs: 0 } });
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200);
    bed.clock += 400;
    const refused = await bed.call('GET', '/api/v1/instances');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(envelopeErrors(refused.body)).toEqual([]);
    bed.clock += 600;
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200);
    expect(bed.emulator.gate?.refused).toEqual({ requests: 1, launches: 0 });
  });

  it('allows one launch per launch interval on top of the request interval', async () => {
    const bed = await open({ rateLimits: { requestIntervalMs: 1_000, launchIntervalMs: 12_000, toleranceMs: 0 } });
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody)).status).toBe(200);
    bed.clock += 1_000;
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200);
    bed.clock += 1_000;
    const early = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody);
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBe(10);
    bed.clock += 10_000;
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody)).status).toBe(200);
    expect(bed.emulator.gate?.refused.launches).toBe(1);
  });

  it('keeps one budget per API key, and checks the key first', async () => {
    const bed = await open({ apiKeys: [API_KEY, 'other-key'], rateLimits: { requestIntervalMs: 1_000, launchIntervalMs: 12_000, toleranceMs: 0 } });
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200);
    expect((await bed.call('GET', '/api/v1/instances', undefined, 'other-key')).status).toBe(200);
    expect((await bed.call('GET', '/api/v1/instances', undefined, 'bad-key')).status).toBe(401);
  });

  it('defaults to the vendor’s limits', async () => {
    const bed = await open({ rateLimits: {} });
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200);
    bed.clock += 990;
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200); // within the 10 ms tolerance
    bed.clock += 500;
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(429);
  });
});

describe('Lambda Cloud emulator: chaos', () => {
  const putChaos = (url: string, scenario: unknown) =>
    fetch(`${url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario) });

  it('manages the scenario at /_emulator/chaos and refuses a bad one', async () => {
    const bed = await open();
    expect((await putChaos(bed.emulator.url, { seed: 1, faults: [{ operation: 'spawn' }] })).status).toBe(400);
    expect((await putChaos(bed.emulator.url, { seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR' }] })).status).toBe(200);
    expect(((await (await fetch(`${bed.emulator.url}/_emulator/chaos`)).json()) as { enabled: boolean }).enabled).toBe(true);
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody)).status).toBe(400);
    expect((await fetch(`${bed.emulator.url}/_emulator/chaos`, { method: 'DELETE' })).status).toBe(204);
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody)).status).toBe(200);
  });

  it('renders each taxonomy code as the Lambda error that means it', async () => {
    const bed = await open();
    const expected = {
      CAPACITY_ERROR: [400, 'instance-operations/launch/insufficient-capacity'],
      SPOT_INTERRUPTED: [400, 'instance-operations/launch/insufficient-capacity'],
      AUTH_ERROR: [401, 'global/invalid-api-key'],
      RATE_LIMIT_ERROR: [429, 'global/too-many-requests'],
      QUOTA_EXCEEDED: [400, 'global/quota-exceeded'],
      INVALID_SPEC: [400, 'global/invalid-parameters'],
      NOT_FOUND: [404, 'global/object-does-not-exist'],
    } as const;
    for (const [code, [status, vendorCode]] of Object.entries(expected)) {
      bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code }] });
      const answer = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody);
      expect([code, answer.status, errorCode(answer.body)]).toEqual([code, status, vendorCode]);
    }
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('phantom performs the launch, then fails; malformed answers invalid JSON; the operations map to list and get', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'phantom' }] });
    const phantom = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody);
    expect([phantom.status, errorCode(phantom.body)]).toEqual([500, 'global/internal-error']);
    expect(bed.emulator.state.instances.size).toBe(1);

    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'malformed' }] });
    const malformed = await bed.call('GET', '/api/v1/instances');
    expect(malformed.status).toBe(200);
    expect(typeof malformed.body).toBe('string');

    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'get', code: 'NOT_FOUND' }] });
    const id = [...bed.emulator.state.instances.keys()][0] ?? '';
    expect((await bed.call('GET', `/api/v1/instances/${id}`)).status).toBe(404);
    expect((await bed.call('GET', '/api/v1/instances')).status).toBe(200);
  });

  it('timeout never answers', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'terminate', effect: 'timeout' }] });
    const outcome = await fetch(`${bed.emulator.url}/api/v1/instance-operations/terminate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ instance_ids: ['x'] }),
      signal: AbortSignal.timeout(200),
    }).then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.name : 'error'),
    );
    expect(outcome).toBe('TimeoutError');
  });

  it('list lag hides a new instance from the list (not from get) until the lag has passed', async () => {
    const bed = await open();
    bed.emulator.chaos.replace({ seed: 1, quirks: { listLagMs: 500 } });
    const launched = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody);
    const id = (launched.body as { data: { instance_ids: string[] } }).data.instance_ids[0] ?? '';
    const listed = async () => ((await bed.call('GET', '/api/v1/instances')).body as { data: { id: string }[] }).data.map((instance) => instance.id);
    expect(await listed()).not.toContain(id);
    expect((await bed.call('GET', `/api/v1/instances/${id}`)).status).toBe(200);
    bed.clock += 500;
    expect(await listed()).toContain(id);
  });
});
