import type { z } from 'zod';
import type { CapabilityDeclaration, CapabilityFlag } from './capabilities.js';
import type { CapacitySignals } from './capacity-signals.js';
import type { ProviderHooks } from './hooks.js';
import type { ProviderInstance } from './instance.js';
import type { PoolLauncher } from './pool-launch.js';
import type { Provider } from './provider.js';
import type { ReadinessProbes } from './readiness-probes.js';
import type { SkippedEntryLog } from './skipped-entries.js';
import type { ProviderSnapshot } from './snapshot.js';

/** A provider-specific operation beyond the contract (AWS: warm volumes, spot fleet, multi-AZ probing). */
export interface ProviderWorkflow<TInput = unknown, TOutput = unknown> {
  readonly description: string;
  readonly input: z.ZodType<TInput>;
  run(input: TInput): Promise<TOutput>;
}

/**
 * An extra compliance case a provider adds to the shared suite. It throws (e.g. with node:assert)
 * to fail; `requires` names the flags without which it is skipped.
 */
export interface ProviderContractCase {
  readonly name: string;
  readonly requires?: readonly CapabilityFlag[];
  run(provider: Provider): Promise<void>;
}

export interface ChaosIssue {
  path: string;
  message: string;
}

/** What a provider with a fault-injection engine lets the control plane (and so an operator) do with it. */
export interface ProviderChaosControl {
  /** The scenario in force (null when chaos is off), per-rule counters, and the injected faults. */
  status(): Record<string, unknown>;
  /** Replaces the scenario; a bad one changes nothing and says what is wrong. */
  replace(scenario: unknown): { ok: true } | { ok: false; issues: ChaosIssue[] };
  /** Chaos off. */
  clear(): void;
}

export interface ProviderRegistration<
  TInstance extends ProviderInstance = ProviderInstance,
  TSnapshot extends ProviderSnapshot = ProviderSnapshot,
  TCaps extends CapabilityDeclaration = CapabilityDeclaration,
> {
  provider: Provider<TInstance, TSnapshot, TCaps>;
  /**
   * The adapter's name when it is not the provider's own: several adapters of one kind side by side
   * (`runpod` and a candidate `runpod-next`). The registry registers it under this name and renames
   * the provider's errors to match (`renameProvider`).
   */
  name?: string;
  hooks: ProviderHooks;
  workflows?: Record<string, ProviderWorkflow>;
  contracts?: readonly ProviderContractCase[];
  /** The testing tier's fault injection, for providers that have it. */
  chaos?: ProviderChaosControl;
  /** The vendor entries the provider skipped because it could not read them (shown in health and the catalog). */
  skippedEntries?: SkippedEntryLog;
  /**
   * For providers that learn about capacity on their own (AWS: the multi-AZ probe, the spot fleet):
   * the control plane binds its capacity-error cache here once, right after registering, so the
   * provider reports to and reads from the one cache. Unbound, the provider keeps its own in-memory
   * default (`InMemoryCapacitySignals`).
   */
  bindCapacitySignals?: (signals: CapacitySignals) => void;
  /**
   * For providers that can place one machine across several capacity pools in one attempt (AWS:
   * the spot fleet and the multi-AZ probe): the placement chain hands it a group of offers instead
   * of spawning them one by one.
   */
  poolLauncher?: PoolLauncher;
  /** The probes that prove the provider usable (configured, authenticated, able to launch); see `src/readiness/`. */
  readiness?: ReadinessProbes;
}
