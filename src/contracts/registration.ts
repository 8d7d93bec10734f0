import type { z } from 'zod';
import type { CapabilityDeclaration, CapabilityFlag } from './capabilities.js';
import type { ProviderHooks } from './hooks.js';
import type { ProviderInstance } from './instance.js';
import type { Provider } from './provider.js';
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

export interface ProviderRegistration<
  TInstance extends ProviderInstance = ProviderInstance,
  TSnapshot extends ProviderSnapshot = ProviderSnapshot,
  TCaps extends CapabilityDeclaration = CapabilityDeclaration,
> {
  provider: Provider<TInstance, TSnapshot, TCaps>;
  hooks: ProviderHooks;
  workflows?: Record<string, ProviderWorkflow>;
  contracts?: readonly ProviderContractCase[];
}
