import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProviderError } from '../../src/contracts/index.js';
import { ProviderRegistry } from '../../src/control-plane/provider-registry.js';
import { loadProviderPlan } from '../../src/provider-registrations.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/** Several adapters of one kind: names, errors, local state, and an unmapped adapter that still owns machines across a restart. */
const dirs: TempDir[] = [];
const planes: TestControlPlane[] = [];
afterEach(async () => {
  for (const plane of planes.splice(0)) await plane.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

const FAST = { seed: 5, bootDelayMs: { min: 5, max: 5 }, terminateDelayMs: { min: 0, max: 0 } };

function providersFile(dir: TempDir, compute: string[]): NodeJS.ProcessEnv {
  const path = join(dir.path, 'providers.json');
  writeFileSync(path, `${JSON.stringify({ adapters: { orbstack: FAST, 'orbstack-b': { kind: 'orbstack', ...FAST } }, capabilities: { compute } })}\n`);
  return { PROVIDERS_CONFIG_PATH: path, HANGAR_DATA_DIR: dir.path };
}

describe('an adapter named otherwise than its kind', () => {
  it('answers under its own name, its errors carry it, and it keeps its local state apart', async () => {
    const dir = makeTempDir('adapter-kinds');
    dirs.push(dir);
    const plan = loadProviderPlan(providersFile(dir, ['orbstack']));
    expect(plan.names).toEqual(['orbstack']);
    expect(plan.adapters).toEqual([
      { name: 'orbstack', kind: 'orbstack', enabled: true },
      { name: 'orbstack-b', kind: 'orbstack', enabled: false },
    ]);
    const registry = new ProviderRegistry();
    const entry = registry.register(plan.build('orbstack-b'));
    expect([entry.name, entry.kind, entry.provider.name]).toEqual(['orbstack-b', 'orbstack', 'orbstack-b']);
    const options = (instanceType: string, id: string) => ({
      instanceType,
      region: 'local-1',
      zone: null,
      spot: false,
      image: null,
      name: id,
      tags: {},
      bootstrap: entry.provider.generateBootstrap({ instanceId: id, hostname: id }),
      idempotencyToken: id,
      ownership: { owner: 'hangar', instanceId: id },
    });
    const refused = await entry.provider.spawn(options('orb.nope', 'i-1')).catch((error: unknown) => error);
    expect(isProviderError(refused)).toBe(true);
    expect((refused as { provider: string; code: string }).provider).toBe('orbstack-b');
    expect((await entry.provider.spawn(options('orb.small', 'i-2'))).hangarInstanceId).toBe('i-2');
    expect(existsSync(join(dir.path, 'adapters', 'orbstack-b', 'orbstack'))).toBe(true);
    await entry.hooks.onShutdown?.();
  });

  it('owning open rows while unmapped, it is registered retiring at the next start, reconciled, and forgotten once its machine is gone', async () => {
    const dir = makeTempDir('adapter-kinds-restart');
    dirs.push(dir);
    const env = providersFile(dir, ['orbstack']);
    const loader = () => loadProviderPlan(env);
    const first = await startTestControlPlane({ dir, extraRegistrations: [loader().build('orbstack-b')], reload: loader, settings: { readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 } } });
    const spawned = await first.call('POST', '/v1/instances', { provider: 'orbstack-b', instanceType: 'orb.small', region: 'local-1' });
    expect(spawned.status).toBe(202);
    await first.close();

    const second = await startTestControlPlane({ dir, reload: loader, settings: { readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 } } });
    planes.push(second);
    const adapter = (await second.call('GET', '/providers')).json.adapters.find((entry: { name: string }) => entry.name === 'orbstack-b');
    expect(adapter).toMatchObject({ kind: 'orbstack', state: 'retiring' });
    expect(second.logs.some((line) => line.includes('registered retiring'))).toBe(true);
    await waitFor('the machine reconciled as running', async () => {
      await second.call('POST', '/v1/reconcile', { provider: 'orbstack-b' });
      return (await second.call('GET', `/v1/instances/${spawned.json.id}`)).json.status === 'running' ? true : undefined;
    });
    expect((await second.call('POST', '/v1/instances', { provider: 'orbstack-b', instanceType: 'orb.small', region: 'local-1' })).json.error.code).toBe('PROVIDER_RETIRING');
    expect((await second.call('DELETE', `/v1/instances/${spawned.json.id}`)).status).toBe(202);
    await waitFor('the retiring adapter forgotten', async () => {
      await second.call('POST', '/v1/reconcile', { provider: 'orbstack-b' });
      return second.plane.ctx.registry.get('orbstack-b') === undefined ? true : undefined;
    });
  });
});
