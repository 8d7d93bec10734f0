import { join } from 'node:path';
import type { HeartbeatResult, HeartbeatTask, ProviderRegistration } from '../../contracts/index.js';
import { LocalOrbStackDriver } from './local-driver.js';
import { OrbctlDriver } from './orbctl-driver.js';
import { ORBSTACK_CONTRACT_CASES } from './orbstack-contract-cases.js';
import type { OrbStackConfig } from './orbstack-config.js';
import type { OrbStackInstance, OrbStackSnapshot } from './orbstack-instance.js';
import type { OrbStackMachineDriver } from './orbstack-machine.js';
import { ORBSTACK_CAPABILITIES, type OrbStackCapabilities, OrbStackProvider } from './orbstack-provider.js';
import { SnapshottingOrbStackProvider } from './snapshotting-orbstack-provider.js';

export interface OrbStackRegistrationContext {
  /** Hangar's data directory; the provider keeps its own state in `<dataDir>/orbstack/`. */
  dataDir: string;
  now?: () => number;
  /** The environment `orbctl` runs with (the orbctl driver only); defaults to this process's. */
  orbctlEnv?: NodeJS.ProcessEnv;
}

export type OrbStackRegistration = ProviderRegistration<OrbStackInstance, OrbStackSnapshot, OrbStackCapabilities>;

interface OrbStackBackend {
  driver: OrbStackMachineDriver;
  provider: OrbStackRegistration['provider'];
}

export function createOrbStackRegistration(config: OrbStackConfig, context: OrbStackRegistrationContext): OrbStackRegistration {
  const now = context.now ?? Date.now;
  const stateDir = join(context.dataDir, 'orbstack');
  const { driver, provider } =
    config.driver === 'orbctl' ? orbctlBackend(config, context, stateDir, now) : localBackend(config, stateDir, now);
  return {
    provider,
    contracts: ORBSTACK_CONTRACT_CASES,
    hooks: {
      onShutdown: () => driver.close(),
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // Both tasks read every machine: for the local driver that settles finished boots and
        // deletions in its journal; for orbctl it is the cheapest call that proves OrbStack answers.
        try {
          const machines = await driver.listMachines();
          const message =
            task === 'health_check'
              ? `${driver.kind} driver answers; ${machines.length} machines`
              : `${machines.length} machines settled`;
          return { task, ok: true, message };
        } catch (error) {
          return { task, ok: false, message: `${driver.kind} driver: ${error instanceof Error ? error.message : String(error)}` };
        }
      },
    },
  };
}

function localBackend(config: OrbStackConfig, stateDir: string, now: () => number): OrbStackBackend {
  const driver = new LocalOrbStackDriver({
    stateDir,
    seed: config.seed,
    bootDelayMs: config.bootDelayMs,
    terminateDelayMs: config.terminateDelayMs,
    snapshotDelayMs: config.snapshotDelayMs,
    capacityPerZone: config.capacityPerZone,
    now,
  });
  return { driver, provider: new SnapshottingOrbStackProvider({ driver, seed: config.seed, now }) };
}

function orbctlBackend(
  config: OrbStackConfig,
  context: OrbStackRegistrationContext,
  stateDir: string,
  now: () => number,
): OrbStackBackend {
  const driver = new OrbctlDriver({
    stateDir,
    orbctl: { path: config.orbctl.path, timeoutMs: config.orbctl.timeoutMs, env: context.orbctlEnv },
    now,
  });
  // orbctl has no snapshot command, so this provider declares snapshots unsupported.
  return { driver, provider: new OrbStackProvider(ORBSTACK_CAPABILITIES, { driver, seed: config.seed, now }) };
}
