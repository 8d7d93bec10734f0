import type { ChaosCall, ChaosEngine } from './chaos-engine.js';

/**
 * Runs one driver call under a scenario: added latency first, then at most one fault. `corrupt`
 * turns a successful answer into one the adapter cannot read (the `malformed` effect).
 */
export async function runWithChaos<T>(
  engine: ChaosEngine | null,
  call: ChaosCall,
  perform: () => Promise<T>,
  corrupt: (value: T) => T,
): Promise<T> {
  if (!engine) return perform();
  engine.begin();
  // Both decisions are drawn when the call starts, so overlapping calls cannot reorder the random draws.
  const delay = engine.delayFor(call);
  const fault = engine.faultFor(call);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  if (!fault) return perform();
  switch (fault.kind) {
    case 'error':
      throw fault.error;
    case 'timeout':
      // Never answers, like a vendor API that accepted the connection and went quiet; the caller's deadline decides.
      return new Promise<never>(() => {});
    case 'phantom':
      await perform();
      throw fault.error;
    case 'malformed':
      return corrupt(await perform());
  }
}
