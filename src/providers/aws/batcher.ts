import { abortReason } from '../../lib/abortable-wait.js';

export interface BatcherOptions<K, V> {
  /** How long the first key waits for company. */
  windowMs: number;
  /** A batch is sent at once when it reaches this size. */
  maxItems: number;
  /**
   * One vendor call for many keys. A key absent from the answer is asked again alone. `signal`
   * aborts only when every caller waiting on the batch has stopped waiting.
   */
  run(keys: K[], signal: AbortSignal): Promise<ReadonlyMap<K, V>>;
  /** One key alone: the fallback when a batch fails, so one bad key cannot fail its neighbours. */
  runOne(key: K, signal: AbortSignal): Promise<V>;
}

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/** The keys gathered in one window, their waiters, and the signal of the one call they share. */
class Batch<K, V> {
  readonly waiters = new Map<K, Waiter<V>[]>();
  readonly controller = new AbortController();
  sent = false;

  /** Keys still waited for. */
  get size(): number {
    return this.waiters.size;
  }

  join(key: K, waiter: Waiter<V>): void {
    const waiters = this.waiters.get(key) ?? [];
    waiters.push(waiter);
    this.waiters.set(key, waiters);
  }

  /** A waiter stopped waiting. A key nobody waits for leaves the batch; once nobody waits at all, the shared call is aborted. */
  leave(key: K, waiter: Waiter<V>): void {
    const waiters = (this.waiters.get(key) ?? []).filter((other) => other !== waiter);
    if (waiters.length > 0) this.waiters.set(key, waiters);
    else this.waiters.delete(key);
    if (this.sent && this.waiters.size === 0) this.controller.abort(new DOMException('every caller waiting on the batch stopped waiting', 'AbortError'));
  }
}

/**
 * Gathers concurrent single-key calls into one vendor call per window (after Karpenter's batcher).
 * A caller's signal ends only that caller's wait: the batch goes on for the others, and its vendor
 * call is aborted only when every caller it serves has gone.
 */
export class Batcher<K, V> {
  private pending = new Batch<K, V>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BatcherOptions<K, V>) {}

  add(key: K, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    return new Promise<V>((resolve, reject) => {
      const batch = this.pending;
      const onAbort = () => {
        batch.leave(key, waiter);
        if (batch === this.pending && batch.size === 0) this.cancelTimer();
        reject(abortReason(signal as AbortSignal));
      };
      const waiter: Waiter<V> = {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      batch.join(key, waiter);
      if (batch.size >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.cancelTimer();
    const batch = this.pending;
    this.pending = new Batch();
    if (batch.size > 0) void this.send(batch);
  }

  private async send(batch: Batch<K, V>): Promise<void> {
    batch.sent = true;
    const { signal } = batch.controller;
    let answers: ReadonlyMap<K, V> = new Map();
    try {
      answers = await this.options.run([...batch.waiters.keys()], signal);
    } catch {
      // Answered below, key by key: the batch's error may belong to a single key (e.g. an unknown id).
    }
    await Promise.all(
      [...batch.waiters.keys()].map(async (key) => {
        let outcome: { value: V } | { error: unknown };
        try {
          outcome = { value: answers.has(key) ? (answers.get(key) as V) : await this.options.runOne(key, signal) };
        } catch (error) {
          outcome = { error };
        }
        // Whoever still waits for the key now (a waiter may have left meanwhile).
        for (const waiter of batch.waiters.get(key) ?? []) {
          if ('value' in outcome) waiter.resolve(outcome.value);
          else waiter.reject(outcome.error);
        }
      }),
    );
  }
}
