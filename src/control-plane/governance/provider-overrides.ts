import { ApiError } from '../api-error.js';

/** The capabilities an override can pin: compute placement, and the LLM gateway's routing. */
export const OVERRIDE_CAPABILITIES = ['compute', 'llm_gateway'] as const;
export type OverrideCapability = (typeof OVERRIDE_CAPABILITIES)[number];

export interface ProviderOverride {
  readonly capability: OverrideCapability;
  /** The adapters that serve the capability while the override is in force, in the order given. */
  readonly adapters: readonly string[];
  readonly reason: string | null;
  readonly setAt: string;
}

/**
 * In-process overrides of which adapters serve a capability: `compute` narrows placement by
 * requirements to the named providers (an explicit `provider` in a spawn is the caller's own pin
 * and is not overridden); `llm_gateway` narrows LLM routing to the named LLM providers. Kept in
 * memory on purpose: a restart drops them, so an emergency pin never outlives the incident by accident
 * (docs/governance.md).
 */
export class ProviderOverrides {
  private readonly byCapability = new Map<OverrideCapability, ProviderOverride>();

  /** Sets an override after checking every adapter serves the capability (`known`); 422 naming the unknown ones. */
  set(capability: OverrideCapability, adapters: readonly string[], known: readonly string[], reason: string | null): ProviderOverride {
    const unknown = adapters.filter((adapter) => !known.includes(adapter));
    if (unknown.length > 0) {
      throw new ApiError(422, 'UNKNOWN_ADAPTER', `no ${capability} adapter named ${unknown.join(', ')}`, { field: 'adapters', unknown, known: [...known] });
    }
    const override: ProviderOverride = { capability, adapters: [...new Set(adapters)], reason, setAt: new Date().toISOString() };
    this.byCapability.set(capability, override);
    return override;
  }

  /** Drops the capability's override; answers whether there was one. */
  clear(capability: OverrideCapability): boolean {
    return this.byCapability.delete(capability);
  }

  get(capability: OverrideCapability): ProviderOverride | null {
    return this.byCapability.get(capability) ?? null;
  }

  /** Whether an adapter may serve the capability now: no override, or the override names it. */
  allows(capability: OverrideCapability, adapter: string): boolean {
    const override = this.byCapability.get(capability);
    return override === undefined || override.adapters.includes(adapter);
  }

  list(): ProviderOverride[] {
    return OVERRIDE_CAPABILITIES.flatMap((capability) => {
      const override = this.byCapability.get(capability);
      return override === undefined ? [] : [override];
    });
  }
}
