import type { Provider } from '../../contracts/index.js';

/** The provider reads a shadow run mirrors to its candidate: they change nothing, so calling them twice is safe. */
export const SHADOWED_READS = ['list', 'get', 'instanceTypes', 'getSpotPrices'] as const;
export type ShadowedRead = (typeof SHADOWED_READS)[number];

/** What a read answered: its value, or the error it threw. */
export type ReadOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Told of every shadowed read of the adapter, after it answered; must not throw and must not block. */
export type ReadTap = (operation: ShadowedRead, args: readonly unknown[], outcome: ReadOutcome) => void;

/**
 * The adapter's provider with its reads observed: each read answers exactly as before, and the tap in
 * force at that moment (none most of the time) hears what was asked and what came back. Writes pass
 * through untouched: a shadow run never sends a write to its candidate.
 */
export function withReadTap(provider: Provider, tapOf: () => ReadTap | undefined): Provider {
  const tapped: Record<string, unknown> = { ...provider };
  for (const operation of SHADOWED_READS) {
    const read = (provider as unknown as Record<string, unknown>)[operation];
    if (typeof read !== 'function') continue;
    tapped[operation] = async (...args: unknown[]) => {
      const tap = tapOf();
      if (tap === undefined) return (read as (...inner: unknown[]) => Promise<unknown>)(...args);
      try {
        const value = await (read as (...inner: unknown[]) => Promise<unknown>)(...args);
        tap(operation, args, { ok: true, value });
        return value;
      } catch (error) {
        tap(operation, args, { ok: false, error });
        throw error;
      }
    };
  }
  return tapped as unknown as Provider;
}
