import { EventEmitter, once } from 'node:events';

/**
 * In-process change notification by key: writers `publish(key)` after they commit, readers wait
 * for the next publish of a key (with a deadline and an abort signal) and then read the store
 * again. It carries no data, so a missed or duplicate wake-up costs one read, never a wrong answer.
 */
export class KeyedNotifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Any number of long-polls may wait on one key.
    this.emitter.setMaxListeners(0);
  }

  publish(keys: Iterable<string>): void {
    for (const key of keys) this.emitter.emit(key);
  }

  /** How many waiters a key has (for tests and health). */
  listenerCount(key: string): number {
    return this.emitter.listenerCount(key);
  }

  /**
   * Subscribes now (so a publish between this call and the caller's read is not missed) and
   * resolves on the next publish of `key`, after `timeoutMs`, on `signal`, or on `cancel()`:
   * `true` for a publish, `false` otherwise. No listener or timer outlives it.
   */
  next(key: string, timeoutMs: number, signal?: AbortSignal): { changed: Promise<boolean>; cancel(): void } {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) stop.abort();
    const timer = setTimeout(onAbort, Math.max(0, timeoutMs));
    const changed = once(this.emitter, key, { signal: stop.signal }).then(
      () => true,
      () => false,
    );
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    void changed.finally(cleanup);
    return { changed, cancel: onAbort };
  }
}
