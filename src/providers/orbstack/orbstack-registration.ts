import { join } from 'node:path';
import type { HeartbeatResult, HeartbeatTask, ProviderRegistration } from '../../contracts/index.js';
import { LocalOrbStackDriver } from './local-driver.js';
import { ORBSTACK_CONTRACT_CASES } from './orbstack-contract-cases.js';
import type { OrbStackConfig } from './orbstack-config.js';
import type { OrbStackInstance, OrbStackSnapshot } from './orbstack-instance.js';
import type { OrbStackCapabilities } from './orbstack-provider.js';
import { SnapshottingOrbStackProvider } from './snapshotting-orbstack-provider.js';

export interface OrbStackRegistrationContext {
  /** Hangar's data directory; the provider keeps its own state in `<dataDir>/orbstack/`. */
  dataDir: string;
  now?: () => number;
}

export type OrbStackRegistration = ProviderRegistration<OrbStackInstance, OrbStackSnapshot, OrbStackCapabilities>;

export function createOrbStackRegistration(config: OrbStackConfig, context: OrbStackRegistrationContext): OrbStackRegistration {
  const now = context.now ?? Date.now;
  const driver = new LocalOrbStackDriver({
    stateDir: join(context.dataDir, 'orbstack'),
    seed: config.seed,
    bootDelayMs: config.bootDelayMs,
    terminateDelayMs: config.terminateDelayMs,
    snapshotDelayMs: config.snapshotDelayMs,
    capacityPerZone: config.capacityPerZone,
    now,
  });
  const provider = new SnapshottingOrbStackProvider({ driver, seed: config.seed, now });
  return {
    provider,
    contracts: ORBSTACK_CONTRACT_CASES,
    hooks: {
      onShutdown: () => driver.close(),
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // Both tasks read every machine, which also settles finished boots and deletions in the journal.
        const machines = await driver.listMachines();
        const message =
          task === 'health_check'
            ? `${driver.kind} driver answers; ${machines.length} machines`
            : `${machines.length} machines settled`;
        return { task, ok: true, message };
      },
    },
  };
}
