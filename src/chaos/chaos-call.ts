import { abortable, abortableDelay, throwIfAborted } from '../lib/abortable-wait.js';
import type { ChaosCall, ChaosEngine } from './chaos-engine.js';

/**
 * Runs one driver call under a scenario: added latency first, then at most one fault. `corrupt`
 * turns a successful answer into one the adapter cannot read (the `malformed` effect). When
 * `signal` aborts, the caller stops waiting (latency, a `timeout` that never answers, the call
 * itself) and the call rejects with the signal's reason; a call aborted before it starts draws
 * nothing from the scenario.
 */
export async function runWithChaos<T>(
  engine: ChaosEngine | null,
  call: ChaosCall,
  perform: () => Promise<T>,
  corrupt: (value: T) => T,
  signal?: AbortSignal,
): Promise<T> {
  throwIfAborted(signal);
  if (!engine) return abortable(perform(), signal);
  engine.begin();
  // Both decisions are drawn when the call starts, so overlapping calls cannot reorder the random draws.
  const delay = engine.delayFor(call);
  const fault = engine.faultFor(call);
  if (delay > 0) await abortableDelay(delay, signal);
  if (!fault) return abortable(perform(), signal);
  switch (fault.kind) {
    case 'error':
      throw fault.error;
    case 'timeout':
      // Never answers, like a vendor API that accepted the connection and went quiet; the caller's deadline decides.
      return abortable(new Promise<never>(() => {}), signal);
    case 'phantom':
      await abortable(perform(), signal);
      throw fault.error;
    case 'malformed':
      return corrupt(await abortable(perform(), signal));
  }
}
