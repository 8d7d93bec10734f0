import type { CapabilityFlag } from '../../contracts/index.js';

/** The capabilities the kit proves: compute providers and LLM adapters. */
export const CONFORMANCE_CAPABILITIES = ['compute', 'llm'] as const;
export type ConformanceCapability = (typeof CONFORMANCE_CAPABILITIES)[number];

/**
 * One conformance case. `id` is stable and kebab-case (reports and tests name cases by it); `run`
 * throws to fail (the kit's assertions, or any error) and calls `ctx.skip(reason)` when the adapter
 * cannot be asked (a missing chaos control, a missing hook). A case whose `requires` flag the
 * provider does not support is skipped with the provider's own reason before it runs.
 */
export interface ConformanceCase<TContext> {
  readonly id: string;
  readonly title: string;
  readonly requires?: readonly CapabilityFlag[];
  /** How long a test runner should allow the whole case (it waits on machines); the kit's per-call deadline applies either way. */
  readonly timeoutMs?: number;
  run(ctx: TContext): Promise<void>;
}

/** Thrown by `ctx.skip(reason)`: the case did not run, and says why. */
export class ConformanceSkip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ConformanceSkip';
  }
}

/** `skip` for a case context. */
export function skipCase(reason: string): never {
  throw new ConformanceSkip(reason);
}

/** A case id from a free-form name: lower-case words joined by hyphens. */
export function kebabId(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
