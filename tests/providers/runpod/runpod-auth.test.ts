import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { RunPodConfigSchema } from '../../../src/providers/runpod/runpod-config.js';
import { resolveRunPodAccess } from '../../../src/providers/runpod/runpod-registration.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { GPU, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

/** Everything an error carries that could reach a log or an API answer. */
function everything(error: unknown): string {
  const value = error as Error & { cause?: unknown };
  const cause = value.cause as (Error & { cause?: unknown }) | undefined;
  return [value.message, value.stack, String(cause), cause?.stack, String(cause?.cause), JSON.stringify(value)].join(' ');
}

describe('RunPod auth: a refused key is AUTH_ERROR everywhere, and the key is never echoed', () => {
  const start = useTestBed(startRunPodTestBed);

  it('a key RunPod refuses (REST 401, GraphQL 401) is AUTH_ERROR and not retryable on every call; the health check carries errorCode', async () => {
    // The emulator knows another key: the bed's planted key is refused on both APIs.
    const bed = await start({}, {}, { keyAccess: 'refused' });
    const provider = bed.registration.provider;
    // Each call is settled as it starts: all run at once, and none is a rejection left unhandled while another is awaited.
    const settled = (attempt: Promise<unknown>): Promise<unknown> =>
      attempt.then(
        () => null,
        (caught: unknown) => caught,
      );
    const attempts: Record<string, Promise<unknown>> = {
      list: settled(provider.list()),
      get: settled(provider.get('abc')),
      spawn: settled(provider.spawn(spawnOptions())),
      spawnSpot: settled(provider.spawn(spawnOptions({ spot: true }))),
      resumedSpawn: settled(provider.spawn({ ...spawnOptions(), resumed: true })),
      terminate: settled(provider.terminate('abc')),
      instanceTypes: settled(provider.instanceTypes()),
      spotPrices: settled(provider.getSpotPrices({ instanceType: GPU })),
      requestSpot: settled(provider.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: 2 })),
      listVolumes: settled(provider.listVolumes()),
      createVolume: settled(provider.createVolume({ name: 'data', region: 'US-KS-2', sizeGiB: 10, owner: 'hangar-test' })),
      deleteVolume: settled(provider.deleteVolume('vol')),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const error = await attempt;
      expect(error, name).toBeInstanceOf(ProviderError);
      expect(error, name).toMatchObject({ code: 'AUTH_ERROR', retryable: false });
      expect(everything(error), name).not.toContain(bed.apiKey);
    }
    expect(bed.calls.some((call) => call.api === 'graphql' && call.status === 401)).toBe(true);
    expect(bed.calls.some((call) => call.api === 'rest' && call.status === 401)).toBe(true);

    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health).toMatchObject({ task: 'health_check', ok: false, errorCode: 'AUTH_ERROR' });
    expect(health?.message).toMatch(/API key/);
    expect(health?.message).not.toContain(bed.apiKey);
  });

  it('a key without write access (REST 403, GraphQL 403) is AUTH_ERROR; reads and the health check still work', async () => {
    // The planted key is valid but read-only (RunPod keys are scoped to the permissions granted when created).
    const bed = await start({}, {}, { keyAccess: 'read-only' });
    const provider = bed.registration.provider;
    expect(await provider.list()).toEqual([]);
    const writes = [provider.spawn(spawnOptions()), provider.spawn(spawnOptions({ spot: true })), provider.createVolume({ name: 'd', region: 'US-KS-2', sizeGiB: 10, owner: 'o' })];
    // Settled as they start, so no rejection waits unhandled while an earlier one is awaited.
    for (const attempt of writes.map((write) => write.catch((caught: unknown) => caught))) {
      const error = await attempt;
      expect(error).toMatchObject({ code: 'AUTH_ERROR', retryable: false });
      expect(everything(error)).not.toContain(bed.apiKey);
    }
    expect(bed.calls.filter((call) => call.status === 403).map((call) => call.api).sort()).toEqual(['graphql', 'rest', 'rest']);
    expect(await bed.registration.hooks.onHeartbeat?.('health_check')).toMatchObject({ ok: true });
  });

  it('a vendor answer or transport error that echoes the key is redacted before it becomes an error', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    bed.intercept = (_method, path) =>
      path === '/graphql'
        ? new Response(JSON.stringify({ data: null, errors: [{ message: `Unauthorized: api key ${bed.apiKey} is not valid` }] }), { status: 200 })
        : new Response(JSON.stringify({ title: 'Unauthorized', status: 401, detail: `invalid bearer token ${bed.apiKey}` }), {
            status: 401,
            headers: { 'content-type': 'application/problem+json' },
          });
    for (const attempt of [provider.list(), provider.spawn(spawnOptions({ spot: true }))].map((call) => call.catch((caught: unknown) => caught))) {
      const error = await attempt;
      expect(error).toMatchObject({ code: 'AUTH_ERROR' });
      expect((error as Error).message).toContain('[redacted]');
      expect(everything(error)).not.toContain(bed.apiKey);
    }
    bed.intercept = () => {
      throw new TypeError(`fetch failed for https://api.runpod.io/graphql?api_key=${bed.apiKey}`, { cause: new Error(`connect ECONNREFUSED (key ${bed.apiKey})`) });
    };
    const dropped = await provider.list().catch((caught: unknown) => caught);
    expect((dropped as Error).name).toBe('RunPodCallError');
    expect(everything(dropped)).not.toContain(bed.apiKey);
  });

  it('refuses a GraphQL URL that carries ?api_key= at start-up, and never echoes a key in a URL error', () => {
    const key = 'rpa_PLANTED_0123456789abcdef0123456789';
    const config = RunPodConfigSchema.parse({});
    const carrying = () => resolveRunPodAccess(config, { RUNPOD_API_KEY: key, HANGAR_RUNPOD_GRAPHQL_URL: `https://api.runpod.io/graphql?api_key=${key}` });
    expect(carrying).toThrow(/HANGAR_RUNPOD_GRAPHQL_URL carries an api_key: remove it/);
    expect(() => carrying()).not.toThrow(new RegExp(key));
    const broken = () => resolveRunPodAccess(config, { RUNPOD_API_KEY: key, HANGAR_RUNPOD_GRAPHQL_URL: `api.runpod.io/graphql?api_key=${key}` });
    expect(broken).toThrow(/HANGAR_RUNPOD_GRAPHQL_URL is not a URL/);
    let message = '';
    try {
      broken();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain(key);
    const fromFile = () => resolveRunPodAccess(RunPodConfigSchema.parse({ graphqlUrl: `https://api.runpod.io/graphql?api_key=${key}` }), { RUNPOD_API_KEY: key });
    expect(fromFile).toThrow(/providers\.runpod\.graphqlUrl carries an api_key/);
  });
});
