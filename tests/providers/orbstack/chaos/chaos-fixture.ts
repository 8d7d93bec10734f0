import { LocalOrbStackDriver } from '../../../../src/providers/orbstack/local-driver.js';
import type { MachineSpec } from '../../../../src/providers/orbstack/orbstack-machine.js';
import { ChaosControl } from '../../../../src/chaos/chaos-control.js';
import { ChaosMachineDriver } from '../../../../src/providers/orbstack/chaos/chaos-machine-driver.js';
import type { ChaosScenarioInput } from '../../../../src/chaos/chaos-scenario.js';
import { type TempDir, makeTempDir } from '../../../support/temp-dir.js';

export interface ChaosFixture {
  driver: ChaosMachineDriver;
  inner: LocalOrbStackDriver;
  control: ChaosControl;
  clock: { now: number };
  dir: TempDir;
}

/** A local driver (fake clock, 1 s boot, 0.5 s terminate) under a chaos scenario. */
export function chaosFixture(scenario: ChaosScenarioInput | null): ChaosFixture {
  const dir = makeTempDir('chaos');
  const clock = { now: 1_700_000_000_000 };
  const now = () => clock.now;
  const inner = new LocalOrbStackDriver({
    stateDir: dir.path,
    seed: 5,
    bootDelayMs: { min: 1000, max: 1000 },
    terminateDelayMs: { min: 500, max: 500 },
    snapshotDelayMs: { min: 100, max: 100 },
    capacityPerZone: { default: 1000 },
    now,
  });
  const holder: { driver?: ChaosMachineDriver } = {};
  const control = new ChaosControl(null, () => holder.driver?.reset(), 'orbstack');
  const driver = new ChaosMachineDriver(inner, () => control.current(), now);
  holder.driver = driver;
  if (scenario) {
    const result = control.replace(scenario);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
  }
  return { driver, inner, control, clock, dir };
}

export function machineSpec(name: string, overrides: Partial<MachineSpec['metadata']> = {}, zones = ['local-1a', 'local-1b']): MachineSpec {
  return {
    name,
    zones,
    cpus: 2,
    memoryGiB: 4,
    diskGiB: 16,
    userData: '#!/bin/sh\n',
    metadata: {
      instanceType: 'orb.medium',
      region: 'local-1',
      spot: false,
      image: 'ubuntu:24.04',
      tags: { 'hangar:owner': 'hangar', 'hangar:instance-id': `i-${name}` },
      bootstrapChecksum: 'c'.repeat(64),
      spotRequestId: null,
      spotRequestStatus: null,
      maxPricePerHour: null,
      ...overrides,
    },
  };
}

export async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
