import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { API_KEY, expectExchangesMatchSpec, openLambdaEmulator } from './lambda-emulator-bed.js';

const open = useTestBed(openLambdaEmulator);

const launchBody = (overrides: Record<string, unknown> = {}) => ({
  region_name: 'us-east-1',
  instance_type_name: 'gpu_1x_a10',
  ssh_key_names: ['hangar-emulator'],
  name: 'hangar:test:i-1',
  user_data: '#cloud-config\n',
  tags: [{ key: 'hangar:owner', value: 'test' }],
  ...overrides,
});

type Data<T> = { data: T };
const errorCode = (body: unknown) => (body as { error: { code: string } }).error.code;

describe('Lambda Cloud emulator: every answer follows the OpenAPI document', () => {
  it('success and error answers of every endpoint validate against spec 1.8.3', async () => {
    const bed = await open();
    const { call } = bed;
    expect((await call('GET', '/api/v1/instance-types')).status).toBe(200);
    expect((await call('GET', '/api/v1/images')).status).toBe(200);
    expect((await call('GET', '/api/v1/ssh-keys')).status).toBe(200);
    const key = await call('POST', '/api/v1/ssh-keys', { name: 'second', public_key: 'ssh-ed25519 AAAA second' });
    expect(key.status).toBe(200);
    expect((await call('DELETE', `/api/v1/ssh-keys/${(key.body as Data<{ id: string }>).data.id}`)).status).toBe(200);

    const fs = await call('POST', '/api/v1/filesystems', { name: 'hangar-data', region: 'us-east-1' });
    expect(fs.status).toBe(200);
    const fsId = (fs.body as Data<{ id: string }>).data.id;
    const launched = await call('POST', '/api/v1/instance-operations/launch', launchBody({ file_system_names: ['hangar-data'], hostname: 'node-1', image: { family: 'ubuntu-22-04' } }));
    expect(launched.status).toBe(200);
    const id = (launched.body as Data<{ instance_ids: string[] }>).data.instance_ids[0] ?? '';
    expect((await call('GET', '/api/v1/instances')).status).toBe(200);
    expect((await call('GET', `/api/v1/instances/${id}`)).status).toBe(200);
    expect((await call('GET', '/api/v1/file-systems')).status).toBe(200);
    bed.clock += 2_000;
    expect((await call('GET', `/api/v1/instances/${id}`)).status).toBe(200);
    expect((await call('POST', '/api/v1/instance-operations/restart', { instance_ids: [id] })).status).toBe(200);

    // Errors, each in the schema the document gives it.
    expect(errorCode((await call('DELETE', `/api/v1/filesystems/${fsId}`)).body)).toBe('filesystems/filesystem-in-use');
    expect(errorCode((await call('POST', '/api/v1/filesystems', { name: 'hangar-data', region: 'us-east-1' })).body)).toBe('global/duplicate');
    expect(errorCode((await call('POST', '/api/v1/filesystems', { name: '9bad', region: 'us-east-1' })).body)).toBe('global/invalid-parameters');
    expect(errorCode((await call('GET', '/api/v1/instances/0000')).body)).toBe('global/object-does-not-exist');
    expect(errorCode((await call('POST', '/api/v1/instance-operations/terminate', { instance_ids: ['0000'] })).body)).toBe('global/object-does-not-exist');
    expect(errorCode((await call('POST', '/api/v1/instance-operations/launch', launchBody({ ssh_key_names: ['nobody'] }))).body)).toBe('global/object-does-not-exist');
    expect(errorCode((await call('POST', '/api/v1/instance-operations/launch', launchBody({ image: { family: 'no-such-image' } }))).body)).toBe('global/object-does-not-exist');
    expect(errorCode((await call('POST', '/api/v1/instance-operations/launch', launchBody({ region_name: 'us-west-1', file_system_names: ['hangar-data'] }))).body)).toBe(
      'instance-operations/launch/file-system-in-wrong-region',
    );
    expect(errorCode((await call('POST', '/api/v1/instance-operations/launch', launchBody({ instance_type_name: 'gpu_99x_nothing' }))).body)).toBe('global/invalid-parameters');
    expect((await call('GET', '/api/v1/instances', undefined, 'wrong-key')).status).toBe(401);
    expect(errorCode((await call('GET', '/api/v1/instances', undefined, null)).body)).toBe('global/invalid-api-key');
    bed.emulator.state.accountInactive = true;
    expect(errorCode((await call('GET', '/api/v1/instances')).body)).toBe('global/account-inactive');
    expect(errorCode((await call('POST', '/api/v1/instance-operations/launch', launchBody())).body)).toBe('global/account-inactive');
    bed.emulator.state.accountInactive = false;

    expect((await call('POST', '/api/v1/instance-operations/terminate', { instance_ids: [id] })).status).toBe(200);
    bed.clock += 1_000;
    expect((await call('DELETE', `/api/v1/filesystems/${fsId}`)).status).toBe(200);
    expect(errorCode((await call('DELETE', `/api/v1/filesystems/${fsId}`)).body)).toBe('global/object-does-not-exist');

    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('never records the Authorization header', async () => {
    const bed = await open();
    await bed.call('GET', '/api/v1/instances');
    expect(JSON.stringify(bed.emulator.exchanges)).not.toContain(API_KEY);
  });

  it('accepts HTTP Basic with the key as user, as the spec allows', async () => {
    const bed = await open();
    const basic = Buffer.from(`${API_KEY}:`).toString('base64');
    const response = await fetch(`${bed.emulator.url}/api/v1/instances`, { headers: { authorization: `Basic ${basic}` } });
    expect(response.status).toBe(200);
  });
});

describe('Lambda Cloud emulator: instance lifecycle', () => {
  it('booting -> active after the boot delay; terminate -> terminating -> terminated -> gone after retention', async () => {
    const bed = await open();
    const launched = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody());
    const id = (launched.body as Data<{ instance_ids: string[] }>).data.instance_ids[0] ?? '';
    const status = async () => {
      const answer = await bed.call('GET', `/api/v1/instances/${id}`);
      return answer.status === 404 ? 'gone' : (answer.body as Data<{ status: string }>).data.status;
    };
    expect(await status()).toBe('booting');
    bed.clock += 1_300;
    expect(await status()).toBe('active');
    const terminated = await bed.call('POST', '/api/v1/instance-operations/terminate', { instance_ids: [id] });
    expect((terminated.body as Data<{ terminated_instances: { status: string }[] }>).data.terminated_instances[0]?.status).toBe('terminating');
    bed.clock += 1_000;
    expect(await status()).toBe('terminated');
    bed.clock += 5_000;
    expect(await status()).toBe('gone');
  });

  it('terminating an instance that is already ending answers global/unknown (HTTP 500), as Lambda does, and terminates none of the request', async () => {
    const bed = await open();
    const launch = async () => ((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody())).body as Data<{ instance_ids: string[] }>).data.instance_ids[0] ?? '';
    const id = await launch();
    const other = await launch();
    const status = async (which: string) => ((await bed.call('GET', `/api/v1/instances/${which}`)).body as Data<{ status: string }>).data.status;
    bed.clock += 1_300;
    expect((await bed.call('POST', '/api/v1/instance-operations/terminate', { instance_ids: [id] })).status).toBe(200);
    const unknown = { error: { code: 'global/unknown', message: 'An unknown error occurred.' } };
    // Terminating: Lambda's own `actions.terminate` says `vm-is-terminating`, and the API answers an unknown error.
    const again = await bed.call('POST', '/api/v1/instance-operations/terminate', { instance_ids: [other, id] });
    expect([again.status, again.body]).toEqual([500, unknown]);
    expect(await status(other)).toBe('active');
    // Terminated (still listed) and preempted: the terminate action is unavailable there too.
    bed.clock += 1_000;
    expect(await status(id)).toBe('terminated');
    const terminated = await bed.call('POST', '/api/v1/instance-operations/terminate', { instance_ids: [id] });
    expect([terminated.status, terminated.body]).toEqual([500, unknown]);
    expect((await fetch(`${bed.emulator.url}/_emulator/preempt/${other}`, { method: 'POST' })).status).toBe(204);
    const preempted = await bed.call('POST', '/api/v1/instance-operations/terminate', { instance_ids: [other] });
    expect([preempted.status, preempted.body]).toEqual([500, unknown]);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('preempts on request: status preempted, capacity freed', async () => {
    const bed = await open({ capacity: { default: 1 } });
    const launched = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody());
    const id = (launched.body as Data<{ instance_ids: string[] }>).data.instance_ids[0] ?? '';
    expect((await fetch(`${bed.emulator.url}/_emulator/preempt/${id}`, { method: 'POST' })).status).toBe(204);
    expect(((await bed.call('GET', `/api/v1/instances/${id}`)).body as Data<{ status: string }>).data.status).toBe('preempted');
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody())).status).toBe(200);
  });
});

describe('Lambda Cloud emulator: capacity and quota', () => {
  it('regions_with_capacity_available reflects what is left, and a full region answers insufficient-capacity', async () => {
    const bed = await open({ capacity: { default: 4, byRegion: { 'us-east-1': { gpu_1x_a10: 1 } } } });
    const regions = async () => {
      const types = (await bed.call('GET', '/api/v1/instance-types')).body as Data<Record<string, { regions_with_capacity_available: { name: string }[] }>>;
      return types.data.gpu_1x_a10?.regions_with_capacity_available.map((region) => region.name);
    };
    expect(await regions()).toContain('us-east-1');
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody())).status).toBe(200);
    expect(await regions()).not.toContain('us-east-1');
    const refused = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody());
    expect([refused.status, errorCode(refused.body)]).toEqual([400, 'instance-operations/launch/insufficient-capacity']);
    // A region the account cannot use has no capacity at all.
    expect(errorCode((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody({ region_name: 'me-west-1' }))).body)).toBe(
      'instance-operations/launch/insufficient-capacity',
    );
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });

  it('answers global/quota-exceeded past the account quota', async () => {
    const bed = await open({ instanceQuota: 1 });
    expect((await bed.call('POST', '/api/v1/instance-operations/launch', launchBody())).status).toBe(200);
    const refused = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody({ region_name: 'us-west-1' }));
    expect([refused.status, errorCode(refused.body)]).toEqual([400, 'global/quota-exceeded']);
    expectExchangesMatchSpec(bed.emulator.exchanges);
  });
});

describe('Lambda Cloud emulator: entry patches serve real-world entries a client may not read', () => {
  it('merges patches over the catalog, instances and file systems (null sets null), adds unknown types, and clears', async () => {
    const bed = await open();
    const controls = async (method: string, body?: unknown) =>
      fetch(`${bed.emulator.url}/_emulator/entry-patches`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    const launched = await bed.call('POST', '/api/v1/instance-operations/launch', launchBody());
    const id = (launched.body as Data<{ instance_ids: string[] }>).data.instance_ids[0] ?? '';
    const fs = await bed.call('POST', '/api/v1/filesystems', { name: 'hangar-data', region: 'us-east-1' });
    const fsId = (fs.body as Data<{ id: string }>).data.id;

    expect((await controls('PUT', { instances: 'not an object' })).status).toBe(400);
    const put = await controls('PUT', {
      instanceTypes: { gpu_1x_a10: { instance_type: { gpu_description: 'Mystery accelerator', specs: { gpus: null } } }, gpu_1x_new: { regions_with_capacity_available: [] } },
      instances: { [id]: { name: null, instance_type: { price_cents_per_hour: null } } },
      fileSystems: { [fsId]: { created_by: null } },
    });
    expect(put.status).toBe(200);

    type Catalog = Data<Record<string, { instance_type: { gpu_description: string; specs: Record<string, unknown>; name: string } }>>;
    const catalog = (await bed.call('GET', '/api/v1/instance-types')).body as Catalog;
    expect(catalog.data.gpu_1x_a10?.instance_type).toMatchObject({ name: 'gpu_1x_a10', gpu_description: 'Mystery accelerator', specs: { gpus: null, vcpus: 30 } });
    expect(catalog.data.gpu_1x_new).toEqual({ regions_with_capacity_available: [] });
    const listed = ((await bed.call('GET', '/api/v1/instances')).body as Data<Record<string, unknown>[]>).data[0];
    const got = ((await bed.call('GET', `/api/v1/instances/${id}`)).body as Data<Record<string, unknown>>).data;
    for (const instance of [listed, got]) expect(instance).toMatchObject({ id, name: null, status: 'booting', instance_type: { name: 'gpu_1x_a10', price_cents_per_hour: null } });
    expect(((await bed.call('GET', '/api/v1/file-systems')).body as Data<Record<string, unknown>[]>).data[0]).toMatchObject({ id: fsId, created_by: null, name: 'hangar-data' });

    expect((await controls('DELETE')).status).toBe(204);
    expect((((await bed.call('GET', `/api/v1/instances/${id}`)).body as Data<Record<string, unknown>>).data).name).toBe('hangar:test:i-1');
    expect(((await bed.call('GET', '/api/v1/instance-types')).body as Catalog).data.gpu_1x_new).toBeUndefined();
    expectExchangesMatchSpec(bed.emulator.exchanges.slice(-2));
  });
});
