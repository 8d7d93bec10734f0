import {
  type Provider,
  ProviderError,
  type ProviderErrorCode,
  type ProviderRegistration,
  type ProviderTier,
  projectProvider,
} from '../../../src/contracts/index.js';
import { OrbStackConfigSchema } from '../../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../../src/providers/orbstack/orbstack-registration.js';

/** How a deliberately broken adapter breaks the contract. */
export type Breakage =
  /** Spawn ignores the idempotency token (a fresh one per call), while the provider still claims idempotentSpawn. */
  | 'non-idempotent-spawn'
  /** Spawn reports a permanent refusal (INVALID_SPEC) as a transient one (CAPACITY_ERROR). */
  | 'misclassed-errors'
  /** Nothing broken: OrbStack under another name and tier (a provider standing for a remote one). */
  | 'none';

/**
 * OrbStack's local driver under another name, broken on purpose, for the conformance API's tests: its
 * own machines (a data dir of its own), its chaos control and hooks, every ProviderError it throws
 * re-branded with its name.
 */
export function brokenOrbstackRegistration(name: string, dataDir: string, breakage: Breakage, tier: ProviderTier = 'testing'): ProviderRegistration {
  const base = createOrbStackRegistration(
    OrbStackConfigSchema.parse({ seed: 5, bootDelayMs: { min: 5, max: 5 }, terminateDelayMs: { min: 0, max: 0 }, snapshotDelayMs: { min: 0, max: 0 } }),
    { dataDir },
  );
  const inner = projectProvider(base.provider) as unknown as Provider & Record<string, unknown>;
  const recode = (operation: string, code: ProviderErrorCode): ProviderErrorCode =>
    breakage === 'misclassed-errors' && operation === 'spawn' && code === 'INVALID_SPEC' ? 'CAPACITY_ERROR' : code;
  const rebrand = (operation: string) => (error: unknown) => {
    if (!(error instanceof ProviderError)) throw error;
    throw new ProviderError({ code: recode(operation, error.code), provider: name, message: error.message, ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) });
  };
  const provider: Record<string, unknown> = { ...inner, name, tier };
  for (const [key, value] of Object.entries(inner)) {
    if (typeof value !== 'function' || key === 'generateBootstrap') continue;
    provider[key] = (...args: unknown[]) => (value as (...parameters: unknown[]) => Promise<unknown>)(...args).catch(rebrand(key));
  }
  let calls = 0;
  if (breakage === 'non-idempotent-spawn') {
    provider.spawn = (options: Parameters<Provider['spawn']>[0], call?: Parameters<Provider['spawn']>[1]) => {
      calls += 1;
      return inner.spawn({ ...options, idempotencyToken: `${options.idempotencyToken}-${calls}` }, call).catch(rebrand('spawn'));
    };
  }
  return {
    provider: provider as unknown as Provider,
    hooks: base.hooks,
    ...(base.chaos !== undefined && { chaos: base.chaos }),
  };
}
