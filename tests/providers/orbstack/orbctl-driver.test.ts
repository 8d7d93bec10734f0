import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNERSHIP_TAGS, ProviderError, SkippedEntryLog, VendorResponseError } from '../../../src/contracts/index.js';
import { OrbctlDriver } from '../../../src/providers/orbstack/orbctl-driver.js';
import { ORBCTL_ERROR_TABLE, OrbctlError, orbctlError } from '../../../src/providers/orbstack/orbctl-errors.js';
import { OrbctlInfoSchema, OrbctlListSchema, OrbctlMachineSchema, ulidTime } from '../../../src/providers/orbstack/orbctl-output.js';
import { OrbStackConfigSchema } from '../../../src/providers/orbstack/orbstack-config.js';
import type { MachineSpec } from '../../../src/providers/orbstack/orbstack-machine.js';
import { createOrbStackRegistration } from '../../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';

const FAKE_ORBCTL = fileURLToPath(new URL('./fake-orbctl/orbctl', import.meta.url));
const OBSERVED = fileURLToPath(new URL('../../../vendor-specs/orbstack/observed/', import.meta.url));
/** Long enough for a cold `node` start on a busy machine, short enough to wait out a hang. */
const HANG_TIMEOUT_MS = 2_000;

let dir: TempDir;
let clock: number;
/** Spaces and a `$`: a shell between the driver and orbctl would split or expand them. */
let stateDir: string;
let env: NodeJS.ProcessEnv;

const paths = () => ({
  state: join(dir.path, 'orbctl-state.json'),
  faults: join(dir.path, 'faults.json'),
  log: join(dir.path, 'orbctl.log'),
});

const driver = (options: { path?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) =>
  new OrbctlDriver({
    stateDir,
    orbctl: { path: options.path ?? FAKE_ORBCTL, timeoutMs: options.timeoutMs ?? 10_000, env: options.env ?? env },
    now: () => clock,
  });

const faults = (value: Record<string, unknown>) => writeFileSync(paths().faults, JSON.stringify(value));

interface LoggedCall {
  argv: string[];
  ppid: number;
  userData?: { path: string; mode: string | null; content: string | null };
}

const calls = (): LoggedCall[] =>
  existsSync(paths().log)
    ? readFileSync(paths().log, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as LoggedCall)
    : [];

/** The fake, run directly: the developer's own hand on OrbStack. */
const orbctl = (...args: string[]) => execFileSync(FAKE_ORBCTL, args, { env: { ...env, FAKE_ORBCTL_FAULTS: '' }, encoding: 'utf8' });

const spec = (name: string, userData = '#!/bin/sh\necho ready\n'): MachineSpec => ({
  name,
  zones: ['local-1b', 'local-1a'],
  cpus: 1,
  memoryGiB: 2,
  diskGiB: 8,
  userData,
  metadata: {
    instanceType: 'orb.small',
    region: 'local-1',
    spot: false,
    image: 'ubuntu:24.04',
    tags: { team: 'ml', [OWNERSHIP_TAGS.owner]: 'tests', [OWNERSHIP_TAGS.instanceId]: `i-${name}` },
    bootstrapChecksum: 'c'.repeat(64),
    spotRequestId: null,
    spotRequestStatus: null,
    maxPricePerHour: null,
  },
});

/** The error a call rejects with; a call that succeeds fails the test. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

beforeEach(() => {
  dir = makeTempDir('orbctl-driver');
  stateDir = join(dir.path, 'state dir $HOME');
  clock = 1_700_000_000_000;
  env = { ...process.env, FAKE_ORBCTL_STATE: paths().state, FAKE_ORBCTL_FAULTS: paths().faults, FAKE_ORBCTL_LOG: paths().log };
});

afterEach(() => dir.remove());

describe('orbctl driver over a fake orbctl', () => {
  it('creates, lists, reads and deletes a machine', async () => {
    const orb = driver();
    const created = await orb.createMachine(spec('hangar-one'));
    expect(created).toMatchObject({ name: 'hangar-one', state: 'running', createdAt: clock, bootsAt: clock, cpus: 1 });
    expect(created.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(created.metadata).toMatchObject({ zone: 'local-1b', image: 'ubuntu:24.04', tags: { team: 'ml' } });
    expect(JSON.parse(orbctl('info', 'hangar-one', '-f', 'json')).record.image).toMatchObject({ distro: 'ubuntu', version: '24.04' });

    expect((await orb.listMachines()).map((machine) => machine.id)).toEqual([created.id]);
    expect(await orb.getMachine('hangar-one')).toEqual(created);
    expect(await orb.deleteMachine('hangar-one')).toBeNull();
    expect(await orb.getMachine('hangar-one')).toBeNull();
    expect(await orb.listMachines()).toEqual([]);
    expect(calls().find((call) => call.argv[0] === 'delete')?.argv).toEqual(['delete', '--force', 'hangar-one']);
  });

  it('passes the user-data as a private file with -c, straight to orbctl, and removes the file afterwards', async () => {
    const userData = '#!/bin/sh\necho "$TOKEN" \'quoted\' `tick` ; rm -rf /nothing\n';
    await driver().createMachine(spec('hangar-userdata', userData));
    const create = calls().find((call) => call.argv[0] === 'create');
    const path = create?.userData?.path ?? '';
    expect(create?.argv).toEqual(['create', '-c', path, 'ubuntu:24.04', 'hangar-userdata']);
    expect(path.startsWith(`${stateDir}/`)).toBe(true);
    expect(create?.userData).toMatchObject({ mode: '600', content: userData });
    expect(create?.ppid).toBe(process.pid);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(stateDir).filter((file) => file.endsWith('.user-data'))).toEqual([]);
  });

  it('is idempotent by name: a second create returns the machine without calling create again', async () => {
    const orb = driver();
    const first = await orb.createMachine(spec('hangar-twice'));
    const again = await orb.createMachine(spec('hangar-twice'));
    expect(again.id).toBe(first.id);
    expect(calls().filter((call) => call.argv[0] === 'create')).toHaveLength(1);
    expect(await orb.listMachines()).toHaveLength(1);
  });

  it('never lists, reads or deletes a machine without the hangar- prefix', async () => {
    orbctl('create', 'debian', 'dev-box');
    const orb = driver();
    await orb.createMachine(spec('hangar-mine'));
    expect((await orb.listMachines()).map((machine) => machine.name)).toEqual(['hangar-mine']);
    expect(await orb.getMachine('dev-box')).toBeNull();
    expect(await orb.deleteMachine('dev-box')).toBeNull();
    expect(JSON.parse(orbctl('list', '-f', 'json')).map((machine: { name: string }) => machine.name)).toContain('dev-box');
    const error = await failure(orb.createMachine(spec('dev-box-2')));
    expect((error as ProviderError).code).toBe('INVALID_SPEC');
  });

  it('finds the machine by name when create hangs past the timeout after making it', async () => {
    faults({ mode: 'create-then-hang' });
    const orb = driver({ timeoutMs: HANG_TIMEOUT_MS });
    const created = await orb.createMachine(spec('hangar-hung'));
    expect(created).toMatchObject({ name: 'hangar-hung', state: 'running', metadata: { zone: 'local-1b' } });
    expect(readdirSync(stateDir).filter((file) => file.endsWith('.user-data'))).toEqual([]);
  });

  it('treats "already exists" after a create that timed out as success, finding the machine by name', async () => {
    // The first create makes the machine and hangs; every look-up misses it until the retry's create says "already exists".
    const missed = { stderr: 'machine not found: hangar-retried\n', exit: 1 };
    faults({ create: [{ run: true, hang: true }], info: [{ run: true }, missed, missed] });
    const orb = driver({ timeoutMs: HANG_TIMEOUT_MS });
    const timedOut = await failure(orb.createMachine(spec('hangar-retried')));
    expect(timedOut).toBeInstanceOf(OrbctlError);
    expect((timedOut as OrbctlError).reason).toBe('timed-out');
    // The machine appeared meanwhile, and already carries its owner.
    expect((await orb.listMachines())[0]?.metadata.tags[OWNERSHIP_TAGS.owner]).toBe('tests');

    const retried = await orb.createMachine(spec('hangar-retried'));
    expect(retried).toMatchObject({ name: 'hangar-retried', state: 'running' });
    expect(retried.metadata.tags[OWNERSHIP_TAGS.instanceId]).toBe('i-hangar-retried');
    expect(calls().filter((call) => call.argv[0] === 'create')).toHaveLength(2);
    expect(await orb.listMachines()).toHaveLength(1);
  });

  it('deletes idempotently: an unknown machine is null, and a delete that hangs reports the machine as deleting', async () => {
    const orb = driver({ timeoutMs: HANG_TIMEOUT_MS });
    expect(await orb.deleteMachine('hangar-never-made')).toBeNull();
    await orb.createMachine(spec('hangar-stuck'));
    faults({ delete: [{ hang: true }, { run: true, hang: true }] });
    expect((await orb.deleteMachine('hangar-stuck'))?.state).toBe('deleting');
    expect(await orb.deleteMachine('hangar-stuck')).toBeNull();
    expect(await orb.getMachine('hangar-stuck')).toBeNull();
  });

  it('maps orbctl states: running, stopped, and anything else as starting', async () => {
    const orb = driver();
    await orb.createMachine(spec('hangar-a'));
    await orb.createMachine(spec('hangar-b'));
    await orb.createMachine(spec('hangar-c'));
    orbctl('stop', 'hangar-b');
    const state = JSON.parse(readFileSync(paths().state, 'utf8')) as { machines: { name: string; state: string }[] };
    for (const machine of state.machines) if (machine.name === 'hangar-c') machine.state = 'provisioning';
    writeFileSync(paths().state, JSON.stringify(state));
    const states = Object.fromEntries((await orb.listMachines()).map((machine) => [machine.name, machine.state]));
    expect(states).toEqual({ 'hangar-a': 'running', 'hangar-b': 'stopped', 'hangar-c': 'starting' });
  });

  it('keeps Hangar’s metadata across a driver restart, and lists a hangar- machine without metadata as unowned', async () => {
    const first = driver();
    const created = await first.createMachine(spec('hangar-kept'));
    await first.updateMetadata('hangar-kept', { spotRequestStatus: 'cancelled' });
    orbctl('create', 'alpine:3.20', 'hangar-handmade');
    clock += 60_000;

    const machines = await driver().listMachines();
    const kept = machines.find((machine) => machine.name === 'hangar-kept');
    expect(kept).toMatchObject({ id: created.id, createdAt: created.createdAt, metadata: { ...created.metadata, spotRequestStatus: 'cancelled' } });
    const handmade = machines.find((machine) => machine.name === 'hangar-handmade');
    expect(handmade?.metadata).toMatchObject({ tags: {}, image: 'alpine:3.20' });
    expect(handmade?.createdAt).toBe(ulidTime(handmade?.id ?? ''));
    expect(readFileSync(join(stateDir, 'orbctl-metadata.jsonl'), 'utf8')).toContain('"hangar-kept"');
  });

  it('skips an orbctl list record it cannot read, logs it by name, and lists the rest', async () => {
    const skippedEntries = new SkippedEntryLog(() => clock);
    const orb = new OrbctlDriver({ stateDir, orbctl: { path: FAKE_ORBCTL, timeoutMs: 10_000, env }, now: () => clock, skippedEntries });
    await orb.createMachine(spec('hangar-good'));
    const real = JSON.parse(orbctl('list', '-f', 'json')) as Record<string, unknown>[];
    // A newer OrbStack's record Hangar cannot read, beside a non-Hangar one it must not even look at.
    const odd = { name: 'hangar-odd', id: 7, state: 'running' };
    const foreign = { name: 'dev-box', id: 9 };
    faults({ list: [{ stdout: JSON.stringify([...real, odd, foreign]), exit: 0 }] });
    expect((await orb.listMachines()).map((machine) => machine.name)).toEqual(['hangar-good']);
    expect(skippedEntries.report()).toMatchObject({ total: 1, entries: [{ kind: 'instance', id: 'hangar-odd', reason: expect.stringContaining('id') }] });
  });

  it('rejects malformed JSON with a clear error', async () => {
    const orb = driver();
    await orb.createMachine(spec('hangar-json'));
    faults({ mode: 'malformed-json' });
    const cut = await failure(orb.listMachines());
    expect(cut).toBeInstanceOf(VendorResponseError);
    expect((cut as Error).message).toMatch(/list -f json: orbctl printed output Hangar cannot read \(not JSON/);
    faults({ info: [{ stdout: '{"record": {"id": 7}}', exit: 0 }] });
    const shape = await failure(orb.getMachine('hangar-json'));
    expect((shape as Error).message).toContain('unexpected JSON at record.id');
  });

  it('answers a clear error when orbctl is not installed', async () => {
    const emptyPath = makeTempDir('no-orbctl');
    try {
      const missing = await failure(driver({ path: 'orbctl', env: { ...env, PATH: emptyPath.path } }).listMachines());
      expect(missing).toBeInstanceOf(OrbctlError);
      expect((missing as OrbctlError).reason).toBe('not-installed');
      expect((missing as Error).message).toContain('providers.orbstack.orbctl.path');
    } finally {
      emptyPath.remove();
    }
  });
});

type Expected = { code: string } | { reason: string } | { vendorResponse: true };

interface TableCase {
  row: string;
  run(orb: OrbctlDriver): Promise<unknown>;
  faults?: Record<string, unknown>;
  path?: () => string;
  expected: Expected;
}

const stderr = (command: string, text: string, exit = 1) => ({ [command]: [{ stderr: `${text}\n`, exit }] });
const list = (orb: OrbctlDriver) => orb.listMachines();
const create = (orb: OrbctlDriver) => orb.createMachine(spec('hangar-table'));

/** One case per row of ORBCTL_ERROR_TABLE, each through the driver and the fake. */
const TABLE_CASES: TableCase[] = [
  { row: 'orbctl is not installed', path: () => join(dir.path, 'missing', 'orbctl'), run: list, expected: { reason: 'not-installed' } },
  {
    row: 'orbctl could not be started',
    path: () => {
      const copy = join(dir.path, 'orbctl-not-executable');
      copyFileSync(FAKE_ORBCTL, copy);
      chmodSync(copy, 0o644);
      return copy;
    },
    run: list,
    expected: { reason: 'cannot-run' },
  },
  { row: 'orbctl did not finish in time', faults: { list: [{ hang: true }] }, run: list, expected: { reason: 'timed-out' } },
  { row: 'orbctl died by a signal', faults: { list: [{ signal: 'SIGSEGV' }] }, run: list, expected: { reason: 'crashed' } },
  { row: 'orbctl printed output Hangar cannot read', faults: { list: [{ stdout: '[{', exit: 0 }] }, run: list, expected: { vendorResponse: true } },
  { row: 'orbctl rejected the command line', faults: stderr('list', 'Error: unknown flag: --format'), run: list, expected: { reason: 'usage' } },
  {
    row: 'OrbStack is not running',
    faults: stderr('list', 'dial unix /Users/me/.orbstack/run/sockets/vmcontrol.sock: connect: connection refused'),
    run: list,
    expected: { reason: 'orbstack-down' },
  },
  {
    row: 'OrbStack has no such image',
    run: (orb) => orb.createMachine({ ...spec('hangar-table'), metadata: { ...spec('hangar-table').metadata, image: 'beos:5' } }),
    expected: { code: 'INVALID_SPEC' },
  },
  { row: 'OrbStack rejected the machine name', faults: stderr('create', 'invalid machine name: hangar-table'), run: create, expected: { code: 'INVALID_SPEC' } },
  { row: 'no such machine', faults: stderr('list', 'machine not found: default'), run: list, expected: { code: 'NOT_FOUND' } },
  { row: 'the machine name is taken', faults: stderr('create', 'machine already exists: hangar-table'), run: create, expected: { reason: 'name-conflict' } },
  { row: 'out of disk space', faults: stderr('create', 'write /var/lib/orbstack/data.img: no space left on device'), run: create, expected: { code: 'QUOTA_EXCEEDED' } },
  { row: 'out of memory', faults: stderr('create', 'fork/exec: cannot allocate memory'), run: create, expected: { code: 'CAPACITY_ERROR' } },
  { row: 'not allowed to act', faults: stderr('list', 'open /Users/me/.orbstack/vmstate.json: permission denied'), run: list, expected: { code: 'AUTH_ERROR' } },
  { row: 'throttling', faults: stderr('create', 'download image: 429 Too Many Requests'), run: create, expected: { code: 'RATE_LIMIT_ERROR' } },
  { row: 'orbctl failed', faults: stderr('list', 'panic: something unexpected', 2), run: list, expected: { reason: 'failed' } },
];

describe('the orbctl error table, row by row', () => {
  it('has a case here for every row', () => {
    const rows = ORBCTL_ERROR_TABLE.map((row) => row.explain);
    for (const row of rows) expect(TABLE_CASES.filter((tableCase) => row.includes(tableCase.row)), row).toHaveLength(1);
  });

  it.each(TABLE_CASES)('$row', async (tableCase) => {
    if (tableCase.faults) faults(tableCase.faults);
    const orb = driver({ path: tableCase.path?.(), timeoutMs: HANG_TIMEOUT_MS });
    const error = await failure(tableCase.run(orb));
    expect((error as Error).message).toContain(tableCase.row);
    if ('code' in tableCase.expected) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe(tableCase.expected.code);
      expect((error as ProviderError).provider).toBe('orbstack');
    } else if ('reason' in tableCase.expected) {
      expect(error).toBeInstanceOf(OrbctlError);
      expect((error as OrbctlError).reason).toBe(tableCase.expected.reason);
    } else {
      expect(error).toBeInstanceOf(VendorResponseError);
    }
  });

  it('forgets the metadata of a create that definitely failed, and keeps it when the outcome is unknown', async () => {
    const journal = () => readFileSync(join(stateDir, 'orbctl-metadata.jsonl'), 'utf8').trim().split('\n').at(-1) ?? '';
    faults(stderr('create', 'no space left on device'));
    await failure(driver().createMachine(spec('hangar-full')));
    expect(JSON.parse(journal())).toEqual({ c: 'machines', k: 'hangar-full' });
    faults(stderr('create', 'panic: odd', 2));
    await failure(driver().createMachine(spec('hangar-odd')));
    expect(JSON.parse(journal())).toMatchObject({ k: 'hangar-odd', v: { metadata: { zone: 'local-1b' } } });
  });

  it('names the command and the first lines of stderr in the message', () => {
    const error = orbctlError('orbctl', ['list', '-f', 'json'], { kind: 'exit', exitCode: 3, stderr: 'one\ntwo\nthree\nfour\n' });
    expect(error.message).toBe('orbctl list -f json: orbctl failed (exit status 3: one | two | three)');
  });
});

describe('orbctl output', () => {
  it('parses the observed samples in the vendor spec', () => {
    const listed = OrbctlListSchema.parse(JSON.parse(readFileSync(join(OBSERVED, 'orbctl-list-f-json.sample.json'), 'utf8'))).map((raw) =>
      OrbctlMachineSchema.parse(raw),
    );
    expect(listed.map((machine) => machine.state)).toEqual(['running', 'stopped']);
    const info = OrbctlInfoSchema.parse(JSON.parse(readFileSync(join(OBSERVED, 'orbctl-info-f-json.sample.json'), 'utf8')));
    expect(info.record.name).toBe('test-vm');
    expect(new Date(ulidTime(info.record.id) ?? 0).getUTCFullYear()).toBe(2025);
  });

  it('accepts unknown states and extra fields', () => {
    const machine = OrbctlMachineSchema.parse({ id: 'x', name: 'hangar-x', state: 'upgrading', image: { distro: 'nixos', version: '24.05', arch: 'arm64' }, cpus: 4 });
    expect(machine).toMatchObject({ state: 'upgrading', cpus: 4 });
    expect(ulidTime('not-a-ulid')).toBeNull();
  });
});

describe('orbstack registration with the orbctl driver', () => {
  const registration = (path: string) =>
    createOrbStackRegistration(OrbStackConfigSchema.parse({ driver: 'orbctl', orbctl: { path } }), { dataDir: dir.path, orbctlEnv: env });

  it('declares snapshots unsupported and answers health checks by running one orbctl info', async () => {
    const orbstack = registration(FAKE_ORBCTL);
    expect(orbstack.provider.capabilities.snapshots).toMatchObject({ unsupported: expect.stringContaining('orbctl') });
    expect(await orbstack.hooks.onHeartbeat?.('health_check')).toEqual({ task: 'health_check', ok: true, message: 'orbctl driver answers' });
    expect(calls().map((call) => call.argv)).toEqual([['info', 'hangar-health-probe', '-f', 'json']]);
    expect(await orbstack.hooks.onHeartbeat?.('reconcile')).toEqual({ task: 'reconcile', ok: true, message: null });
    expect(calls()).toHaveLength(1);
  });

  it('refuses to start when orbctl is missing, but not when it answers', async () => {
    await expect(registration(join(dir.path, 'no-such-orbctl')).hooks.onStartup?.()).rejects.toThrow(/not installed|providers\.orbstack\.orbctl\.path/);
    await expect(registration(FAKE_ORBCTL).hooks.onStartup?.()).resolves.toBeUndefined();
  });

  it('reports an unhealthy heartbeat when orbctl is missing', async () => {
    const result = await registration(join(dir.path, 'no-such-orbctl')).hooks.onHeartbeat?.('health_check');
    expect(result?.ok).toBe(false);
    expect(result?.message).toContain('not installed');
  });

  it('defaults to orbctl on PATH with a two-minute deadline', () => {
    expect(OrbStackConfigSchema.parse({ driver: 'orbctl' }).orbctl).toEqual({ path: 'orbctl', timeoutMs: 120_000 });
    expect(OrbStackConfigSchema.safeParse({ orbctl: { path: 'orbctl', shell: true } }).success).toBe(false);
  });
});
