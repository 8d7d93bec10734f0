import { join } from 'node:path';
import { type HeartbeatResult, type HeartbeatTask, heartbeatFailure, type ProviderRegistration, SkippedEntryLog } from '../../contracts/index.js';
import { ChaosControl, parseChaosScenario } from '../../chaos/chaos-control.js';
import type { ChaosEngine } from '../../chaos/chaos-engine.js';
import { ChaosMachineDriver } from './chaos/chaos-machine-driver.js';
import type { ChaosScenario } from '../../chaos/chaos-scenario.js';
import { ChaosSnapshotDriver } from './chaos/chaos-snapshot-driver.js';
import { LocalOrbStackDriver } from './local-driver.js';
import { OrbctlDriver } from './orbctl-driver.js';
import { isOrbctlError } from './orbctl-errors.js';
import { ORBSTACK_CONTRACT_CASES } from './orbstack-contract-cases.js';
import type { OrbStackConfig } from './orbstack-config.js';
import type { OrbStackInstance, OrbStackSnapshot } from './orbstack-instance.js';
import type { OrbStackMachineDriver } from './orbstack-machine.js';
import { ORBSTACK_CAPABILITIES, type OrbStackCapabilities, OrbStackProvider } from './orbstack-provider.js';
import { createOrbStackReadiness } from './orbstack-readiness.js';
import { SnapshottingOrbStackProvider } from './snapshotting-orbstack-provider.js';

export interface OrbStackRegistrationContext {
  /** Hangar's data directory; the provider keeps its own state in `<dataDir>/orbstack/`. */
  dataDir: string;
  now?: () => number;
  /** The environment `orbctl` runs with (the orbctl driver only); defaults to this process's. */
  orbctlEnv?: NodeJS.ProcessEnv;
  /** A chaos scenario that overrides the config's (`HANGAR_CHAOS`), raw, validated here. */
  chaosOverride?: { source: string; scenario: unknown };
}

/** A machine name no spawn produces (spawned names are hangar- and 24 hex digits). */
const HEALTH_PROBE_MACHINE = 'hangar-health-probe';

export type OrbStackRegistration = ProviderRegistration<OrbStackInstance, OrbStackSnapshot, OrbStackCapabilities>;

interface OrbStackBackend {
  driver: OrbStackMachineDriver;
  provider: OrbStackRegistration['provider'];
}

/** Every call to the driver passes through the chaos layer, which is a pass-through while no scenario is set. */
interface ChaosLayer {
  control: ChaosControl;
  engine: () => ChaosEngine | null;
  machines(inner: OrbStackMachineDriver): ChaosMachineDriver;
}

function initialScenario(config: OrbStackConfig, context: OrbStackRegistrationContext): ChaosScenario | null {
  const source = context.chaosOverride?.source ?? 'providers.orbstack.chaos';
  const raw = context.chaosOverride ? context.chaosOverride.scenario : config.chaos;
  if (raw === undefined) return null;
  const parsed = parseChaosScenario(raw);
  if (parsed.ok) return parsed.scenario;
  throw new Error(`invalid chaos scenario in ${source}: ${parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
}

function chaosLayer(initial: ChaosScenario | null, now: () => number): ChaosLayer {
  let wrapped: ChaosMachineDriver | undefined;
  const control = new ChaosControl(initial, () => wrapped?.reset(), 'orbstack');
  const engine = () => control.current();
  return {
    control,
    engine,
    machines(inner) {
      wrapped = new ChaosMachineDriver(inner, engine, now);
      return wrapped;
    },
  };
}

export function createOrbStackRegistration(config: OrbStackConfig, context: OrbStackRegistrationContext): OrbStackRegistration {
  const now = context.now ?? Date.now;
  const stateDir = join(context.dataDir, 'orbstack');
  const chaos = chaosLayer(initialScenario(config, context), now);
  // orbctl records Hangar cannot read (a newer OrbStack's output): skipped, counted, shown in health.
  const skippedEntries = new SkippedEntryLog(now);
  const { driver, provider } =
    config.driver === 'orbctl' ? orbctlBackend(config, context, stateDir, chaos, now, skippedEntries) : localBackend(config, stateDir, chaos, now);
  return {
    provider,
    skippedEntries,
    contracts: ORBSTACK_CONTRACT_CASES,
    chaos: chaos.control,
    // Through the provider (so the chaos layer and driver): a real spawn and terminate of the cheapest shape, free.
    readiness: createOrbStackReadiness({ config, provider, ...(context.orbctlEnv !== undefined && { orbctlEnv: context.orbctlEnv }) }),
    hooks: {
      onStartup: async () => {
        // A missing or unrunnable orbctl is a setup mistake: refuse to start rather than fail every spawn.
        // OrbStack merely not running is left to the health check, as a cloud outage would be.
        try {
          await driver.getMachine(HEALTH_PROBE_MACHINE);
        } catch (error) {
          if (isOrbctlError(error, 'not-installed') || isOrbctlError(error, 'cannot-run')) throw error;
        }
      },
      onShutdown: () => driver.close(),
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every machine itself; OrbStack keeps no state that needs tending besides.
        if (task === 'reconcile') return { task, ok: true, message: null };
        // Reading one machine by name is the cheapest call that proves the driver (and OrbStack behind orbctl) answers.
        try {
          await driver.getMachine(HEALTH_PROBE_MACHINE);
          return { task, ok: true, message: `${driver.kind} driver answers` };
        } catch (error) {
          const failed = heartbeatFailure(task, error);
          return { ...failed, message: `${driver.kind} driver: ${failed.message ?? ''}` };
        }
      },
    },
  };
}

function localBackend(config: OrbStackConfig, stateDir: string, chaos: ChaosLayer, now: () => number): OrbStackBackend {
  const local = new LocalOrbStackDriver({
    stateDir,
    seed: config.seed,
    bootDelayMs: config.bootDelayMs,
    terminateDelayMs: config.terminateDelayMs,
    snapshotDelayMs: config.snapshotDelayMs,
    capacityPerZone: config.capacityPerZone,
    now,
  });
  const driver = chaos.machines(local);
  const snapshots = new ChaosSnapshotDriver(local, chaos.engine);
  return { driver, provider: new SnapshottingOrbStackProvider({ driver, snapshots, seed: config.seed, now }) };
}

function orbctlBackend(
  config: OrbStackConfig,
  context: OrbStackRegistrationContext,
  stateDir: string,
  chaos: ChaosLayer,
  now: () => number,
  skippedEntries: SkippedEntryLog,
): OrbStackBackend {
  const orbctl = new OrbctlDriver({
    stateDir,
    orbctl: { path: config.orbctl.path, timeoutMs: config.orbctl.timeoutMs, env: context.orbctlEnv },
    now,
    skippedEntries,
  });
  const driver = chaos.machines(orbctl);
  // orbctl has no snapshot command, so this provider declares snapshots unsupported.
  return { driver, provider: new OrbStackProvider(ORBSTACK_CAPABILITIES, { driver, seed: config.seed, now }) };
}
