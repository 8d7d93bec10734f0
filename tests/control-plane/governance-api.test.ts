import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectProvider } from '../../src/contracts/index.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { FaultyProvider, faultyRegistration } from './support/faulty-provider.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/** Provider governance through the API: the mapping (JSON or the page), overrides, and reload. */
const planes: TestControlPlane[] = [];
const cleanupDirs: TempDir[] = [];
afterEach(async () => {
  for (const plane of planes.splice(0)) await plane.close();
  for (const dir of cleanupDirs.splice(0)) dir.remove();
});

async function start(options: Parameters<typeof startTestControlPlane>[0] = {}): Promise<TestControlPlane> {
  const plane = await startTestControlPlane({ ...options, settings: { readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 }, ...options.settings } });
  planes.push(plane);
  return plane;
}

const small = { vcpus: { min: 2, max: 2 }, regions: ['local-1'] };

describe('GET /providers', () => {
  it('answers the mapping as JSON to a program, and the readiness page to a browser', async () => {
    const cp = await start();
    const answer = await cp.call('GET', '/providers');
    expect(answer.status).toBe(200);
    expect(answer.json.capabilities).toEqual({ compute: ['faulty', 'orbstack'], llm_gateway: ['mock'] });
    expect(answer.json.adapters.map((adapter: { name: string; capability: string; state: string }) => [adapter.name, adapter.capability, adapter.state])).toEqual([
      ['faulty', 'compute', 'active'],
      ['orbstack', 'compute', 'active'],
      ['mock', 'llm_gateway', 'active'],
    ]);
    const orbstack = answer.json.adapters.find((adapter: { name: string }) => adapter.name === 'orbstack');
    expect(orbstack).toMatchObject({ kind: 'orbstack', tier: 'testing', capabilities: { snapshots: true } });
    expect(answer.json.overrides).toEqual([]);
    // This plane was started without the composition root: no audit ran, and it says so.
    expect(answer.json.ssot).toMatchObject({ status: 'unavailable' });

    const page = await cp.plane.app.request('/providers', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<table id="providers">');
    const curl = await cp.plane.app.request('/providers', { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).toContain('application/json');
  });
});

describe('overrides', () => {
  it('pin placement to the named providers until dropped, in-process, and refuse unknown adapters', async () => {
    const cp = await start();
    await cp.plane.ctx.registry.warmCatalogs();
    const before = await cp.call('POST', '/v1/offers/plan', { requirements: small });
    expect(new Set(before.json.ranked.map((offer: { provider: string }) => offer.provider))).toEqual(new Set(['faulty', 'orbstack']));

    const set = await cp.call('POST', '/providers/overrides', { capability: 'compute', adapters: ['faulty'], reason: 'orbstack incident' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ capability: 'compute', adapters: ['faulty'], reason: 'orbstack incident' });
    const pinned = await cp.call('POST', '/v1/offers/plan', { requirements: small });
    expect(new Set(pinned.json.ranked.map((offer: { provider: string }) => offer.provider))).toEqual(new Set(['faulty']));
    const mapping = await cp.call('GET', '/providers');
    expect(mapping.json.capabilities.compute).toEqual(['faulty']);
    expect(mapping.json.overrides).toMatchObject([{ capability: 'compute', adapters: ['faulty'] }]);

    expect((await cp.call('POST', '/providers/overrides', { capability: 'compute', adapters: ['nimbus'] })).json.error).toMatchObject({ code: 'UNKNOWN_ADAPTER', unknown: ['nimbus'] });
    expect((await cp.call('POST', '/providers/overrides', { capability: 'llm_gateway', adapters: ['openai'] })).status).toBe(422);
    expect((await cp.call('POST', '/providers/overrides', { capability: 'storage', adapters: ['x'] })).status).toBe(422);
    expect((await cp.call('POST', '/providers/overrides', '{')).status).toBe(400);

    expect((await cp.call('DELETE', '/providers/overrides/compute')).status).toBe(204);
    expect((await cp.call('DELETE', '/providers/overrides/compute')).status).toBe(404);
    expect((await cp.call('DELETE', '/providers/overrides/storage')).status).toBe(422);
    const after = await cp.call('POST', '/v1/offers/plan', { requirements: small });
    expect(new Set(after.json.ranked.map((offer: { provider: string }) => offer.provider))).toEqual(new Set(['faulty', 'orbstack']));
  });

  it('pin the LLM gateway’s routing to the named LLM providers', async () => {
    const cp = await start();
    expect((await cp.call('POST', '/providers/overrides', { capability: 'llm_gateway', adapters: ['mock'] })).status).toBe(200);
    const route = await cp.call('POST', '/llm/route/test', { prompt: 'hi' });
    expect(route.json.chosen.provider).toBe('mock');
  });
});

describe('POST /providers/reload', () => {
  it('is refused when the control plane has no configuration loader', async () => {
    const cp = await start();
    expect((await cp.call('POST', '/providers/reload')).json.error.code).toBe('RELOAD_UNAVAILABLE');
  });

  it('a bad configuration changes nothing; a removed provider with a live instance retires (reconciled, no new work) and goes once its instance is gone; adding it back starts it', async () => {
    let names = ['faulty', 'orbstack'];
    let broken = false;
    // The re-added faulty provider's machines live apart from the first one's.
    const readded = makeTempDir('governance-readd');
    cleanupDirs.push(readded);
    const freshFaulty = () => {
      const base = createOrbStackRegistration(OrbStackConfigSchema.parse({ seed: 9, bootDelayMs: { min: 5, max: 5 }, terminateDelayMs: { min: 0, max: 0 } }), { dataDir: join(readded.path, 'faulty') });
      return faultyRegistration(new FaultyProvider(projectProvider(base.provider)));
    };
    const cp = await start({
      reload: () => {
        if (broken) throw new Error('providers.nimbus: unknown provider');
        return {
          names,
          build: (name) => {
            if (name !== 'faulty') throw new Error(`cannot build ${name} in this test`);
            return freshFaulty();
          },
        };
      },
    });
    const unchanged = await cp.call('POST', '/providers/reload');
    expect(unchanged.json).toEqual({ added: [], retiring: [], removed: [], restored: [], unchanged: ['faulty', 'orbstack'] });

    broken = true;
    const bad = await cp.call('POST', '/providers/reload');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('PROVIDERS_CONFIG_INVALID');
    expect(bad.json.error.message).toContain('providers.nimbus');
    expect(cp.plane.ctx.registry.activeNames()).toEqual(['faulty', 'orbstack']);
    broken = false;

    const spawned = await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small', region: 'local-1' });
    expect(spawned.status).toBe(202);
    names = ['orbstack'];
    const retired = await cp.call('POST', '/providers/reload');
    expect(retired.json).toMatchObject({ retiring: ['faulty'], removed: [], unchanged: ['orbstack'] });
    const refused = await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small', region: 'local-1' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('PROVIDER_RETIRING');
    // Placement leaves it out; its instance is still reconciled and can be terminated.
    const plan = await cp.call('POST', '/v1/offers/plan', { requirements: small });
    expect(plan.json.ranked.every((offer: { provider: string }) => offer.provider !== 'faulty')).toBe(true);
    expect((await cp.call('GET', '/providers')).json.adapters.find((adapter: { name: string }) => adapter.name === 'faulty').state).toBe('retiring');
    expect((await cp.call('POST', '/v1/reconcile', { provider: 'faulty' })).status).toBe(200);
    expect((await cp.call('DELETE', `/v1/instances/${spawned.json.id}`)).status).toBe(202);
    const plane = cp;
    await waitFor('the instance terminated', async () => ((await plane.call('GET', `/v1/instances/${spawned.json.id}`)).json.status === 'terminated' ? true : undefined));
    // The next reconcile of the retiring provider finds nothing live: it is forgotten.
    await cp.call('POST', '/v1/reconcile', { provider: 'faulty' });
    await waitFor('faulty forgotten', async () => (plane.plane.ctx.registry.get('faulty') === undefined ? true : undefined));
    expect((await cp.call('GET', '/providers')).json.adapters.map((adapter: { name: string }) => adapter.name)).toEqual(['orbstack', 'mock']);

    names = ['faulty', 'orbstack'];
    const added = await cp.call('POST', '/providers/reload');
    expect(added.json).toMatchObject({ added: ['faulty'], unchanged: ['orbstack'] });
    const again = await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small', region: 'local-1' });
    expect(again.status).toBe(202);
    await waitFor('the re-added provider reconciled', async () => {
      await plane.call('POST', '/v1/reconcile', { provider: 'faulty' });
      return (await plane.call('GET', `/v1/instances/${again.json.id}`)).json.status === 'running' ? true : undefined;
    });
  });
});
