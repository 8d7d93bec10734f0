import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNERSHIP_TAGS, type SpawnOptions } from '../../../src/contracts/index.js';
import { OrbctlDriver } from '../../../src/providers/orbstack/orbctl-driver.js';
import { OrbStackConfigSchema } from '../../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration, type OrbStackRegistration } from '../../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';
import { waitFor } from '../../support/wait-for.js';
import { machineSpec } from './chaos/chaos-fixture.js';
import { abortSoon, settle } from '../../support/abort-calls.js';

const FAKE_ORBCTL = fileURLToPath(new URL('./fake-orbctl/orbctl', import.meta.url));
/**
 * Generous on purpose (a loaded 2-core machine): each abort lands about 100 ms in, and a call that
 * ignored it would wait out 10 s of injected latency, or a 30 s orbctl deadline.
 */
const PROMPT_MS = 2_000;

let dir: TempDir;
let registration: OrbStackRegistration | undefined;

beforeEach(() => {
  dir = makeTempDir('orbstack-abort');
});

afterEach(async () => {
  await registration?.hooks.onShutdown?.();
  registration = undefined;
  dir.remove();
});

const paths = () => ({
  state: join(dir.path, 'orbctl-state.json'),
  faults: join(dir.path, 'faults.json'),
  log: join(dir.path, 'orbctl.log'),
});

const orbctlEnv = () => ({ ...process.env, FAKE_ORBCTL_STATE: paths().state, FAKE_ORBCTL_FAULTS: paths().faults, FAKE_ORBCTL_LOG: paths().log });

/** How many times orbctl was started (the fake logs each run as it starts). */
const orbctlRuns = (): number => (existsSync(paths().log) ? readFileSync(paths().log, 'utf8').split('\n').filter((line) => line.length > 0).length : 0);

function open(driver: 'local' | 'orbctl'): OrbStackRegistration {
  const config = OrbStackConfigSchema.parse({
    driver,
    seed: 7,
    bootDelayMs: { min: 5, max: 20 },
    terminateDelayMs: { min: 5, max: 20 },
    snapshotDelayMs: { min: 5, max: 20 },
    orbctl: { path: FAKE_ORBCTL, timeoutMs: 30_000 },
  });
  registration = createOrbStackRegistration(config, { dataDir: join(dir.path, 'data'), orbctlEnv: orbctlEnv() });
  return registration;
}

let sequence = 0;

function spawnOptions(provider: OrbStackRegistration['provider']): SpawnOptions {
  sequence += 1;
  const instanceId = `i-abort-${sequence}`;
  return {
    instanceType: 'orb.small',
    region: 'local-1',
    zone: null,
    spot: false,
    image: null,
    name: instanceId,
    tags: {},
    bootstrap: provider.generateBootstrap({ instanceId }),
    idempotencyToken: instanceId,
    ownership: { owner: 'tests', instanceId },
  };
}

function preAborted(reason: unknown): AbortSignal {
  const controller = new AbortController();
  controller.abort(reason);
  return controller.signal;
}

describe('orbstack: the caller’s abort signal', () => {
  it.each(['local', 'orbctl'] as const)('a call with an already-aborted signal rejects with its reason and touches nothing (%s driver)', async (driver) => {
    const { provider, chaos } = open(driver);
    // A scenario that changes nothing, so the chaos layer counts every driver call.
    expect(chaos?.replace({ seed: 1 })).toEqual({ ok: true });
    const reason = new Error('the caller gave up');
    const call = { signal: preAborted(reason) };
    const options = spawnOptions(provider);
    const outcomes = await Promise.all([
      settle(provider.spawn(options, call)),
      settle(provider.list(undefined, call)),
      settle(provider.get('hangar-0123456789abcdef01234567', call)),
      settle(provider.terminate('hangar-0123456789abcdef01234567', call)),
      settle(provider.instanceTypes(call)),
      settle(provider.getSpotPrices(undefined, call)),
      settle(provider.requestSpotInstance({ ...options, spot: true, maxPricePerHour: null }, call)),
      settle(provider.cancelSpotRequest('sir-0123456789abcdef0', call)),
    ]);
    for (const outcome of outcomes) expect(outcome.error).toBe(reason);
    expect((chaos?.status() as { calls: number }).calls).toBe(0);
    expect(orbctlRuns()).toBe(0);
    expect(await provider.list()).toEqual([]);
  });

  it('a reason that is not an Error becomes an Error named AbortError', async () => {
    const { provider } = open('local');
    const { error } = await settle(provider.get('hangar-0123456789abcdef01234567', { signal: preAborted('deadline') }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
  });

  it('an abort during injected latency or a call that never answers rejects promptly with the reason (local driver)', async () => {
    const { provider, chaos } = open('local');
    chaos?.replace({ seed: 1, latency: [{ operation: 'spawn', delayMs: 10_000 }], faults: [{ operation: 'get', effect: 'timeout' }] });
    const options = spawnOptions(provider);
    const calls: [string, (signal: AbortSignal) => Promise<unknown>][] = [
      ['spawn', (signal) => provider.spawn(options, { signal })],
      ['get', (signal) => provider.get('hangar-0123456789abcdef01234567', { signal })],
    ];
    for (const [what, call] of calls) {
      const reason = new Error(`gave up on ${what}`);
      const startedAt = Date.now();
      const outcome = await settle(call(abortSoon(reason).signal));
      expect(outcome.error, what).toBe(reason);
      expect(outcome.at - startedAt, what).toBeLessThan(PROMPT_MS);
    }
    // The spawn stopped in the latency, before the machine was made.
    chaos?.clear();
    expect(await provider.list({ hangarInstanceId: options.ownership.instanceId })).toEqual([]);
  });

  it('an abort kills a hung orbctl and rejects promptly with the reason, not an orbctl failure', async () => {
    const { provider } = open('orbctl');
    writeFileSync(paths().faults, JSON.stringify({ mode: 'hang' }));
    const reason = new Error('gave up on orbctl');
    const startedAt = Date.now();
    const outcome = await settle(provider.get('hangar-0123456789abcdef01234567', { signal: abortSoon(reason).signal }));
    expect(outcome.error).toBe(reason);
    expect(outcome.at - startedAt).toBeLessThan(PROMPT_MS);
  });

  it('a create aborted after OrbStack made the machine keeps its metadata, so the machine carries the ownership marks', async () => {
    const stateDir = join(dir.path, 'state');
    const driver = () => new OrbctlDriver({ stateDir, orbctl: { path: FAKE_ORBCTL, timeoutMs: 30_000, env: orbctlEnv() } });
    writeFileSync(paths().faults, JSON.stringify({ mode: 'create-then-hang' }));
    const spec = machineSpec('hangar-abandoned');
    const controller = new AbortController();
    const reason = new Error('gave up on the create');
    const creating = settle(driver().createMachine(spec, controller.signal));
    // Abort once orbctl has made the machine and hangs: the spawn's outcome is unknown to the caller.
    await waitFor('the machine in orbctl', async () => (existsSync(paths().state) && readFileSync(paths().state, 'utf8').includes(spec.name) ? true : undefined), 20_000, 20);
    const abortedAt = Date.now();
    controller.abort(reason);
    const outcome = await creating;
    expect(outcome.error).toBe(reason);
    expect(outcome.at - abortedAt).toBeLessThan(PROMPT_MS);

    writeFileSync(paths().faults, '{}');
    const found = await driver().getMachine(spec.name);
    expect(found?.metadata.tags).toMatchObject({ [OWNERSHIP_TAGS.owner]: 'hangar', [OWNERSHIP_TAGS.instanceId]: 'i-hangar-abandoned' });
  });
});
