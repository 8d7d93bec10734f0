import { describe, expect, it } from 'vitest';
import { PROVIDER_FACTORIES } from '../../../src/provider-factories.js';
import { RunPodConfigSchema } from '../../../src/providers/runpod/runpod-config.js';
import { resolveRunPodAccess } from '../../../src/providers/runpod/runpod-registration.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

describe('RunPod configuration and secrets', () => {
  const start = useTestBed(startRunPodTestBed);

  it('parses a strict providers.runpod section with defaults', () => {
    const config = RunPodConfigSchema.parse({});
    expect(config).toMatchObject({ cloud: 'SECURE', gpuCounts: [1], volumeMountPath: '/workspace', maxPaceWaitMs: 60_000 });
    expect(RunPodConfigSchema.safeParse({ apikey: 'x' }).success).toBe(false);
    expect(RunPodConfigSchema.safeParse({ cloud: 'ALL' }).success).toBe(false);
  });

  it('takes the key and endpoints from the environment first, then the config file; no key is a one-line error', () => {
    const config = RunPodConfigSchema.parse({ apiKey: 'from-file', baseUrl: 'http://file.example' });
    expect(resolveRunPodAccess(config, {})).toEqual({ apiKey: 'from-file', baseUrl: 'http://file.example', graphqlUrl: 'https://api.runpod.io/graphql' });
    expect(resolveRunPodAccess(config, { RUNPOD_API_KEY: 'from-env', HANGAR_RUNPOD_URL: 'http://env.example', HANGAR_RUNPOD_GRAPHQL_URL: 'http://env.example/graphql' })).toEqual({
      apiKey: 'from-env',
      baseUrl: 'http://env.example',
      graphqlUrl: 'http://env.example/graphql',
    });
    expect(resolveRunPodAccess(RunPodConfigSchema.parse({}), { RUNPOD_API_KEY: 'k' }).baseUrl).toBe('https://api.runpod.io');
    expect(() => resolveRunPodAccess(config, { HANGAR_RUNPOD_URL: 'not a url' })).toThrow(/^runpod: HANGAR_RUNPOD_URL is not a URL: "not a url"$/);
    expect(() => resolveRunPodAccess(config, { HANGAR_RUNPOD_GRAPHQL_URL: 'api.runpod.io/graphql' })).toThrow(/HANGAR_RUNPOD_GRAPHQL_URL is not a URL/);
    const factory = PROVIDER_FACTORIES.runpod;
    expect(() => factory?.create(factory.configSchema.parse({}), { dataDir: '/tmp', owner: 'hangar', env: {} })).toThrow(
      /^runpod: no API key: set RUNPOD_API_KEY \(or providers\.runpod\.apiKey in the config file\)$/,
    );
    expect(factory?.create(factory.configSchema.parse({}), { dataDir: '/tmp', owner: 'hangar', env: { RUNPOD_API_KEY: 'k' } }).provider.name).toBe('runpod');
  });

  it('never puts the API key in a URL, an error, a log-able cause or an instance', async () => {
    const bed = await start();
    const provider = bed.registration.provider;
    const instance = await provider.spawn(spawnOptions());
    expect(JSON.stringify(instance)).not.toContain(bed.apiKey);
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: '*', code: 'AUTH_ERROR' }] });
    const failures = await Promise.all([
      provider.list().catch((caught: unknown) => caught),
      provider.spawn(spawnOptions({ spot: true })).catch((caught: unknown) => caught),
      provider.get(instance.providerId).catch((caught: unknown) => caught),
    ]);
    bed.emulator.chaos.clear();
    await bed.emulator.close();
    failures.push(await provider.list().catch((caught: unknown) => caught));
    for (const failure of failures) {
      const error = failure as Error & { cause?: unknown };
      expect(error).toBeInstanceOf(Error);
      const text = `${error.message} ${error.stack ?? ''} ${String(error.cause)} ${JSON.stringify(error)}`;
      expect(text).not.toContain(bed.apiKey);
    }
    for (const call of bed.calls) expect(call.path).not.toContain(bed.apiKey);
    // The bed closes the emulator again; make that a no-op.
    Object.assign(bed, { close: async () => {} });
  });
});
