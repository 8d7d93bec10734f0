import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { type LocalDriverOptions, LocalOrbStackDriver } from '../../../src/providers/orbstack/local-driver.js';
import type { MachineSpec } from '../../../src/providers/orbstack/orbstack-machine.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';

let dir: TempDir;
let clock: number;

const options = (overrides: Partial<LocalDriverOptions> = {}): LocalDriverOptions => ({
  stateDir: dir.path,
  seed: 11,
  bootDelayMs: { min: 1000, max: 1000 },
  terminateDelayMs: { min: 500, max: 500 },
  snapshotDelayMs: { min: 200, max: 200 },
  capacityPerZone: { default: 100 },
  now: () => clock,
  ...overrides,
});

const spec = (name: string, zones: string[] = ['local-1a', 'local-1b']): MachineSpec => ({
  name,
  zones,
  cpus: 1,
  memoryGiB: 2,
  diskGiB: 8,
  userData: '#!/bin/sh\n',
  metadata: {
    instanceType: 'orb.small',
    region: 'local-1',
    spot: false,
    image: 'ubuntu:24.04',
    tags: { team: 'ml' },
    bootstrapChecksum: 'c'.repeat(64),
    spotRequestId: null,
    spotRequestStatus: null,
    maxPricePerHour: null,
  },
});

beforeEach(() => {
  dir = makeTempDir('local-driver');
  clock = 1_700_000_000_000;
});

afterEach(() => dir.remove());

describe('local OrbStack driver', () => {
  it('boots after the boot delay and is gone after the terminate delay', async () => {
    const driver = new LocalOrbStackDriver(options());
    const created = await driver.createMachine(spec('m1'));
    expect(created.state).toBe('starting');
    expect(created.id).toMatch(/^[0-9A-Z]{26}$/);
    clock += 999;
    expect((await driver.getMachine('m1'))?.state).toBe('starting');
    clock += 1;
    expect((await driver.getMachine('m1'))?.state).toBe('running');
    expect((await driver.deleteMachine('m1'))?.state).toBe('deleting');
    expect((await driver.deleteMachine('m1'))?.state).toBe('deleting');
    clock += 500;
    expect(await driver.getMachine('m1')).toBeNull();
    expect(await driver.deleteMachine('m1')).toBeNull();
  });

  it('is idempotent by name', async () => {
    const driver = new LocalOrbStackDriver(options());
    const first = await driver.createMachine(spec('m1'));
    const again = await driver.createMachine(spec('m1'));
    expect(again.id).toBe(first.id);
    expect(await driver.listMachines()).toHaveLength(1);
  });

  it('keeps its machines across a restart, in its own journal file', async () => {
    const driver = new LocalOrbStackDriver(options());
    const kept = await driver.createMachine(spec('kept'));
    await driver.createMachine(spec('deleted'));
    clock += 1000;
    await driver.deleteMachine('deleted');
    clock += 500;
    await driver.listMachines();

    const reopened = new LocalOrbStackDriver(options());
    const machines = await reopened.listMachines();
    expect(machines.map((machine) => machine.name)).toEqual(['kept']);
    expect(machines[0]?.id).toBe(kept.id);
    expect(machines[0]?.state).toBe('running');
    expect(readFileSync(join(dir.path, 'local-machines.jsonl'), 'utf8')).toContain('"kept"');
  });

  it('ignores a journal line cut short by a crash', async () => {
    const driver = new LocalOrbStackDriver(options());
    await driver.createMachine(spec('whole'));
    appendFileSync(join(dir.path, 'local-machines.jsonl'), '{"c":"machines","k":"torn","v":{"id":');
    const reopened = new LocalOrbStackDriver(options());
    expect((await reopened.listMachines()).map((machine) => machine.name)).toEqual(['whole']);
  });

  it('compacts a journal that is mostly history, keeping every live record', async () => {
    const driver = new LocalOrbStackDriver(options({ bootDelayMs: { min: 0, max: 0 }, terminateDelayMs: { min: 0, max: 0 } }));
    for (let i = 0; i < 700; i += 1) {
      await driver.createMachine(spec(`m${i}`));
      if (i % 7 !== 0) await driver.deleteMachine(`m${i}`);
    }
    await driver.listMachines();
    const path = join(dir.path, 'local-machines.jsonl');
    const before = readFileSync(path, 'utf8').split('\n').length;
    const reopened = new LocalOrbStackDriver(options());
    const after = readFileSync(path, 'utf8').split('\n').length;
    expect(after).toBeLessThan(before / 5);
    expect(await reopened.listMachines()).toHaveLength(100);
  });

  it('fills zones in order and answers CAPACITY_ERROR when every candidate is full', async () => {
    const driver = new LocalOrbStackDriver(options({ capacityPerZone: { default: 5, 'orb.small': 1 } }));
    expect((await driver.createMachine(spec('a'))).metadata.zone).toBe('local-1a');
    expect((await driver.createMachine(spec('b'))).metadata.zone).toBe('local-1b');
    const error = await driver.createMachine(spec('c')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('CAPACITY_ERROR');
    await driver.deleteMachine('a');
    expect((await driver.createMachine(spec('c'))).metadata.zone).toBe('local-1a');
  });

  it('is deterministic: the same seed and clock give the same machine ids', async () => {
    const ids = async (stateDir: string) => {
      const driver = new LocalOrbStackDriver(options({ stateDir }));
      const machines = [];
      for (const name of ['x', 'y', 'z']) machines.push(await driver.createMachine(spec(name)));
      return machines.map((machine) => [machine.id, machine.bootsAt]);
    };
    const other = makeTempDir('local-driver-twin');
    try {
      expect(await ids(dir.path)).toEqual(await ids(other.path));
    } finally {
      other.remove();
    }
  });

  it('snapshots a machine: creating, then ready, then deleted', async () => {
    const driver = new LocalOrbStackDriver(options());
    await driver.createMachine(spec('m1'));
    const snapshot = await driver.createSnapshot('m1', 's1', 'before upgrade');
    expect(snapshot).toMatchObject({ state: 'creating', sizeGiB: 8, description: 'before upgrade' });
    clock += 200;
    expect((await driver.getSnapshot('s1'))?.state).toBe('ready');
    expect((await driver.deleteSnapshot('s1'))?.state).toBe('deleting');
    clock += 200;
    expect(await driver.getSnapshot('s1')).toBeNull();
    const error = await driver.createSnapshot('missing', 's2', null).catch((caught: unknown) => caught);
    expect((error as ProviderError).code).toBe('NOT_FOUND');
  });
});
