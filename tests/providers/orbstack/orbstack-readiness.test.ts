import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError, ReadinessConfigError, type ReadinessProbes } from '../../../src/contracts/index.js';
import { OrbStackConfigSchema } from '../../../src/providers/orbstack/orbstack-config.js';
import { AUTH_PROBE_MACHINE, cheapestShape, orbStackConfigured, READINESS_TAG } from '../../../src/providers/orbstack/orbstack-readiness.js';
import { createOrbStackRegistration, type OrbStackRegistration } from '../../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';

const FAKE_ORBCTL = fileURLToPath(new URL('./fake-orbctl/orbctl', import.meta.url));
const OWNER = 'hangar-readiness-tests';

let dir: TempDir;
let registration: OrbStackRegistration | undefined;

beforeEach(() => {
  dir = makeTempDir('orbstack-readiness');
});

afterEach(async () => {
  await registration?.hooks.onShutdown?.();
  registration = undefined;
  dir.remove();
});

const paths = () => ({ state: join(dir.path, 'orbctl-state.json'), faults: join(dir.path, 'faults.json'), log: join(dir.path, 'orbctl.log') });
const orbctlEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  FAKE_ORBCTL_STATE: paths().state,
  FAKE_ORBCTL_FAULTS: paths().faults,
  FAKE_ORBCTL_LOG: paths().log,
  ...extra,
});
/** The argv of every orbctl run, in order. */
const orbctlCalls = (): string[][] =>
  existsSync(paths().log)
    ? readFileSync(paths().log, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => (JSON.parse(line) as { argv: string[] }).argv)
    : [];
const fakeMachines = (): { name: string }[] => (existsSync(paths().state) ? (JSON.parse(readFileSync(paths().state, 'utf8')) as { machines: { name: string }[] }).machines : []);

function open(driver: 'local' | 'orbctl', overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = orbctlEnv()): { registration: OrbStackRegistration; probes: ReadinessProbes } {
  const config = OrbStackConfigSchema.parse({
    driver,
    seed: 7,
    bootDelayMs: { min: 5, max: 20 },
    terminateDelayMs: { min: 5, max: 20 },
    orbctl: { path: FAKE_ORBCTL, timeoutMs: 30_000 },
    ...overrides,
  });
  registration = createOrbStackRegistration(config, { dataDir: join(dir.path, 'data'), orbctlEnv: env });
  return { registration, probes: registration.readiness as ReadinessProbes };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`expected the probe to fail, it answered: ${String(value)}`),
    (error: unknown) => error,
  );
}

/** The machines still alive (not terminating or gone). */
async function live(target: OrbStackRegistration) {
  return (await target.provider.list()).filter((instance) => instance.status !== 'terminating' && instance.status !== 'terminated');
}

describe('OrbStack readiness, local driver', () => {
  it('is configured without anything, and its auth probe passes without a call (and says so)', async () => {
    const { registration: target, probes } = open('local');
    expect(probes.configured()).toEqual({ ok: true, missing: [] });
    expect(probes.auth.costUsd).toBe(0);
    // A rule failing every driver call: the auth probe makes none.
    target.chaos?.replace({ seed: 1, faults: [{ operation: '*', effect: 'error', code: 'AUTH_ERROR' }] });
    await expect(probes.auth.run({ owner: OWNER })).resolves.toMatch(/^local driver: nothing to authenticate .*passes without a call$/);
  });

  it('execution spawns and terminates one machine of the cheapest shape, marked with the owner, a fresh instance id and the readiness tag', async () => {
    // A long terminate delay keeps each probe's machine listed (terminating), so its marks can be read afterwards.
    const { registration: target, probes } = open('local', { terminateDelayMs: { min: 60_000, max: 60_000 } });
    expect(cheapestShape().name).toBe('orb.nano');
    expect(probes.execution.costUsd).toBe(0);
    const line = await probes.execution.run({ owner: OWNER });
    expect(line).toMatch(/^spawned orb\.nano hangar-[0-9a-f]{24} \(hangar-readiness-[0-9a-f]{12}, i-readiness-[0-9a-f]{12}\) in local-1[abc] and terminated it \(terminating\)$/);
    const machines = await target.provider.list();
    expect(machines).toHaveLength(1);
    expect(machines[0]).toMatchObject({
      instanceType: 'orb.nano',
      region: 'local-1',
      owner: OWNER,
      hangarInstanceId: expect.stringMatching(/^i-readiness-[0-9a-f]{12}$/),
      tags: { [READINESS_TAG]: expect.stringMatching(/^hangar-readiness-[0-9a-f]{12}$/) },
    });
    expect(await live(target)).toEqual([]);
    // A second run makes a second machine: a fresh name and token each time.
    const second = await probes.execution.run({ owner: OWNER });
    expect(await target.provider.list()).toHaveLength(2);
    const machineOf = (evidence: string) => /^spawned orb\.nano (hangar-[0-9a-f]{24}) \((hangar-readiness-[0-9a-f]{12})/.exec(evidence)?.slice(1);
    const [firstMachine, firstName] = machineOf(line) ?? [];
    const [secondMachine, secondName] = machineOf(second) ?? [];
    expect(secondMachine).toBeDefined();
    expect(secondMachine).not.toBe(firstMachine);
    expect(secondName).not.toBe(firstName);
    expect(await live(target)).toEqual([]);
  });

  it('a chaos fault on the spawn fails the probe with its class, and leaves nothing alive', async () => {
    const { registration: target, probes } = open('local');
    target.chaos?.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'error', code: 'CAPACITY_ERROR' }] });
    const error = await failureOf(probes.execution.run({ owner: OWNER }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'CAPACITY_ERROR', retryable: true });
    expect(await live(target)).toEqual([]);
  });

  it('a phantom spawn (made, but answered as failed) is terminated by the name its token gives it', async () => {
    // A long terminate delay keeps the machine listed (terminating), so what the clean-up did stays visible.
    const { registration: target, probes } = open('local', { terminateDelayMs: { min: 60_000, max: 60_000 } });
    target.chaos?.replace({ seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', code: 'RATE_LIMIT_ERROR', retryAfterMs: 500 }] });
    expect(await failureOf(probes.execution.run({ owner: OWNER }))).toMatchObject({ code: 'RATE_LIMIT_ERROR', retryAfterMs: 500 });
    target.chaos?.clear();
    const machines = await target.provider.list();
    expect(machines).toHaveLength(1);
    expect(machines[0]).toMatchObject({ status: 'terminating', owner: OWNER });
    expect(await live(target)).toEqual([]);
  });

  it('a terminate that fails fails the probe, and the machine it leaves carries the marks reconciliation collects orphans by', async () => {
    const { registration: target, probes } = open('local');
    target.chaos?.replace({ seed: 1, faults: [{ operation: 'terminate', effect: 'error', code: 'RATE_LIMIT_ERROR' }] });
    expect(await failureOf(probes.execution.run({ owner: OWNER }))).toMatchObject({ code: 'RATE_LIMIT_ERROR' });
    target.chaos?.clear();
    const [left] = await live(target);
    expect(left).toMatchObject({ owner: OWNER, hangarInstanceId: expect.stringMatching(/^i-readiness-/) });
    // An owned machine no row claims: what reconciliation reports and collects as an orphan.
    expect(await target.provider.list({ owner: OWNER })).toHaveLength(1);
  });

  it('the signal cuts a slow spawn: the probe rejects with its reason at once, and nothing is left alive', async () => {
    const { registration: target, probes } = open('local');
    target.chaos?.replace({ seed: 1, latency: [{ operation: 'spawn', delayMs: 10_000 }] });
    const reason = new Error('probe deadline');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    const startedAt = Date.now();
    expect(await failureOf(probes.execution.run({ owner: OWNER, signal: controller.signal }))).toBe(reason);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    target.chaos?.clear();
    expect(await live(target)).toEqual([]);
  });
});

describe('OrbStack readiness, orbctl driver over the fake orbctl', () => {
  it('configured: the configured orbctl exists and is executable, by path or on the PATH orbctl runs with', () => {
    const config = (path: string) => OrbStackConfigSchema.parse({ driver: 'orbctl', orbctl: { path } });
    expect(orbStackConfigured(config(FAKE_ORBCTL), {})).toEqual({ ok: true, missing: [] });

    const missing = join(dir.path, 'no-orbctl');
    expect(orbStackConfigured(config(missing), {})).toEqual({ ok: false, missing: [`providers.orbstack.orbctl.path (${missing}: no such file)`] });
    const plain = join(dir.path, 'plain-orbctl');
    writeFileSync(plain, '#!/bin/sh\n');
    chmodSync(plain, 0o644);
    expect(orbStackConfigured(config(plain), {})).toEqual({ ok: false, missing: [`providers.orbstack.orbctl.path (${plain}: not executable)`] });

    const bin = join(dir.path, 'bin');
    mkdirSync(bin);
    expect(orbStackConfigured(config('orbctl'), { PATH: bin })).toEqual({ ok: false, missing: ['providers.orbstack.orbctl.path (orbctl: not found on PATH)'] });
    copyFileSync(FAKE_ORBCTL, join(bin, 'orbctl'));
    chmodSync(join(bin, 'orbctl'), 0o755);
    expect(orbStackConfigured(config('orbctl'), { PATH: `/nonexistent:${bin}` })).toEqual({ ok: true, missing: [] });
    // The local driver needs none of it.
    expect(orbStackConfigured(OrbStackConfigSchema.parse({ driver: 'local', orbctl: { path: missing } }), {})).toEqual({ ok: true, missing: [] });
  });

  it('the registration’s check looks on the PATH of orbctl’s environment', () => {
    const { probes } = open('orbctl', { orbctl: { path: 'orbctl' } }, orbctlEnv({ PATH: join(dir.path, 'empty') }));
    expect(probes.configured()).toEqual({ ok: false, missing: ['providers.orbstack.orbctl.path (orbctl: not found on PATH)'] });
  });

  it('auth runs orbctl info of a probe machine: "not found" proves orbctl runs and OrbStack answers', async () => {
    const { probes } = open('orbctl');
    expect(probes.configured()).toEqual({ ok: true, missing: [] });
    await expect(probes.auth.run({ owner: OWNER })).resolves.toBe(`orbctl answers and OrbStack is running (info ${AUTH_PROBE_MACHINE}: no such machine, as expected)`);
    expect(orbctlCalls()).toEqual([['info', AUTH_PROBE_MACHINE, '-f', 'json']]);
  });

  it('auth with an orbctl that is not there is CONFIG_MISSING naming orbctl.path; OrbStack not running is an unknown (transient) failure', async () => {
    const { probes } = open('orbctl', { orbctl: { path: join(dir.path, 'no-orbctl') } });
    const error = await failureOf(probes.auth.run({ owner: OWNER }));
    expect(error).toBeInstanceOf(ReadinessConfigError);
    expect(error).toMatchObject({ missing: ['providers.orbstack.orbctl.path'] });
    await registration?.hooks.onShutdown?.();

    const down = open('orbctl');
    writeFileSync(paths().faults, JSON.stringify({ info: [{ stderr: 'OrbStack is not running', exit: 1 }] }));
    const downError = await failureOf(down.probes.auth.run({ owner: OWNER }));
    expect(downError).toBeInstanceOf(Error);
    expect(downError).not.toBeInstanceOf(ProviderError);
    expect(downError).not.toBeInstanceOf(ReadinessConfigError);
    expect((downError as Error).message).toMatch(/not running/i);
  });

  it('execution creates and deletes a real (fake) machine with orbctl, and leaves none behind', async () => {
    const { probes } = open('orbctl');
    const line = await probes.execution.run({ owner: OWNER });
    expect(line).toMatch(/^spawned orb\.nano hangar-[0-9a-f]{24} \(hangar-readiness-[0-9a-f]{12}, i-readiness-[0-9a-f]{12}\) in local-1[abc] and terminated it \(terminated\)$/);
    const verbs = orbctlCalls().map((argv) => argv[0]);
    expect(verbs).toContain('create');
    expect(verbs.at(-1)).toBe('delete');
    expect(fakeMachines()).toEqual([]);
  });

  it('a create orbctl refuses fails the probe with its class; the clean-up delete still runs', async () => {
    const { probes } = open('orbctl');
    writeFileSync(paths().faults, JSON.stringify({ create: [{ stderr: 'cannot allocate memory', exit: 1 }] }));
    expect(await failureOf(probes.execution.run({ owner: OWNER }))).toMatchObject({ code: 'CAPACITY_ERROR' });
    expect(orbctlCalls().map((argv) => argv[0])).toContain('delete');
    expect(fakeMachines()).toEqual([]);
  });
});
