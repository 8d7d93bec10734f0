import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let cp: TestControlPlane;

beforeEach(async () => {
  cp = await startTestControlPlane();
});

afterEach(() => cp.close());

const valid = { provider: 'orbstack', instanceType: 'orb.small' };

describe('bad input gets a clear 4xx and changes nothing', () => {
  const cases: [string, unknown, number, string, string?][] = [
    ['malformed JSON', '{"provider": ', 400, 'MALFORMED_JSON'],
    ['an empty body', '', 400, 'MALFORMED_JSON'],
    ['a JSON array', [], 422, 'VALIDATION_ERROR'],
    ['a missing provider', { instanceType: 'orb.small' }, 422, 'VALIDATION_ERROR', 'provider'],
    ['a wrong type', { ...valid, spot: 'yes' }, 422, 'VALIDATION_ERROR', 'spot'],
    ['an unknown field', { ...valid, instanceTyp: 'x' }, 422, 'VALIDATION_ERROR', 'instanceTyp'],
    ['a bad name', { ...valid, name: 'Not A DNS Label' }, 422, 'VALIDATION_ERROR', 'name'],
    ['a reserved tag', { ...valid, tags: { 'hangar:owner': 'me' } }, 422, 'VALIDATION_ERROR', 'tags'],
    ['a non-string tag', { ...valid, tags: { team: 1 } }, 422, 'VALIDATION_ERROR', 'tags.team'],
    ['a bad env name', { ...valid, bootstrap: { env: { 'BAD-NAME': 'x' } } }, 422, 'VALIDATION_ERROR', 'bootstrap.env'],
    ['an unknown provider', { ...valid, provider: 'nimbus' }, 422, 'UNKNOWN_PROVIDER'],
    ['an unknown instance type', { ...valid, instanceType: 'orb.huge' }, 422, 'UNKNOWN_INSTANCE_TYPE'],
    ['an unknown region', { ...valid, region: 'mars-1' }, 422, 'UNKNOWN_REGION'],
    ['a zone outside the region', { ...valid, region: 'local-1', zone: 'local-2a' }, 422, 'UNKNOWN_ZONE'],
    ['spot on a provider without spot', { ...valid, provider: 'faulty', spot: true }, 422, 'CAPABILITY_UNSUPPORTED'],
    ['a volume on a provider without persistent volumes', { ...valid, volumes: [{ providerVolumeId: 'vol-1' }] }, 422, 'CAPABILITY_UNSUPPORTED'],
    ['a warm volume on a provider without warm volumes', { ...valid, volumes: [{ warm: { sizeGiB: 50 } }] }, 422, 'CAPABILITY_UNSUPPORTED'],
    ['a malformed volume request', { ...valid, volumes: [{ providerVolumeId: 'vol-1', sizeGiB: 3 }] }, 422, 'VALIDATION_ERROR', 'volumes'],
    ['an empty volume list', { ...valid, volumes: [] }, 422, 'VALIDATION_ERROR', 'volumes'],
  ];

  it.each(cases)('rejects %s', async (_label, body, status, code, field) => {
    const response = await cp.call('POST', '/v1/instances', body);
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(typeof response.json.error.message).toBe('string');
    expect(response.json.error.message.length).toBeGreaterThan(5);
    if (field) expect(response.json.error.message).toContain(field);
    const list = await cp.call('GET', '/v1/instances');
    expect(list.json.items).toEqual([]);
    expect(await cp.orbstack.provider.list()).toEqual([]);
  });

  it('names what is known when the provider or instance type is unknown', async () => {
    const provider = await cp.call('POST', '/v1/instances', { ...valid, provider: 'nimbus' });
    expect(provider.json.error.known).toEqual(['faulty', 'orbstack']);
    const type = await cp.call('POST', '/v1/instances', { ...valid, instanceType: 'orb.huge' });
    expect(type.json.error.known).toContain('orb.small');
  });

  it('answers the volume routes of a provider without persistent volumes with 422, and an unknown provider with 404', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/providers/orbstack/volumes'],
      ['POST', '/v1/providers/orbstack/volumes', { name: 'data', region: 'local-1', sizeGiB: 10 }],
      ['GET', '/v1/providers/orbstack/volumes/vol-1'],
      ['DELETE', '/v1/providers/orbstack/volumes/vol-1'],
    ] as const) {
      const response = await cp.call(method, path, body);
      expect(response.status).toBe(422);
      expect(response.json.error).toMatchObject({ code: 'CAPABILITY_UNSUPPORTED', capability: 'persistentVolumes' });
    }
    const unknown = await cp.call('GET', '/v1/providers/nimbus/volumes');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('rejects a malformed Idempotency-Key header', async () => {
    const response = await cp.call('POST', '/v1/instances', valid, { 'Idempotency-Key': 'has spaces in it' });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('VALIDATION_ERROR');
  });

  it('rejects a body over the size limit with 413', async () => {
    const response = await cp.call('POST', '/v1/instances', { ...valid, bootstrap: { script: 'x'.repeat(1_100_000) } });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects bad list queries', async () => {
    expect((await cp.call('GET', '/v1/instances?status=sleeping')).status).toBe(422);
    expect((await cp.call('GET', '/v1/instances?limit=0')).status).toBe(422);
    expect((await cp.call('GET', '/v1/instances?limit=abc')).status).toBe(422);
    const cursor = await cp.call('GET', '/v1/instances?cursor=not-a-cursor');
    expect(cursor.status).toBe(400);
    expect(cursor.json.error.code).toBe('INVALID_CURSOR');
  });

  it('answers unknown routes and ids with 404 and a code', async () => {
    expect((await cp.call('GET', '/v1/nothing')).json.error.code).toBe('ROUTE_NOT_FOUND');
    expect((await cp.call('GET', '/v1/instances/i-missing')).json.error.code).toBe('INSTANCE_NOT_FOUND');
    expect((await cp.call('DELETE', '/v1/instances/i-missing')).status).toBe(404);
    expect((await cp.call('GET', '/v1/providers/nimbus')).json.error.code).toBe('PROVIDER_NOT_FOUND');
    expect((await cp.call('GET', '/v1/providers/nimbus/instance-types')).status).toBe(404);
    expect((await cp.call('GET', '/v1/snapshots/snap-missing')).json.error.code).toBe('SNAPSHOT_NOT_FOUND');
    expect((await cp.call('POST', '/v1/instances/i-missing/snapshots')).status).toBe(404);
  });
});
