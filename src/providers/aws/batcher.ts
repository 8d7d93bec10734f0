export interface BatcherOptions<K, V> {
  /** How long the first key waits for company. */
  windowMs: number;
  /** A batch is sent at once when it reaches this size. */
  maxItems: number;
  /** One vendor call for many keys. A key absent from the answer is asked again alone. */
  run(keys: K[]): Promise<ReadonlyMap<K, V>>;
  /** One key alone: the fallback when a batch fails, so one bad key cannot fail its neighbours. */
  runOne(key: K): Promise<V>;
}

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/** Gathers concurrent single-key calls into one vendor call per window (after Karpenter's batcher). */
export class Batcher<K, V> {
  private pending = new Map<K, Waiter<V>[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BatcherOptions<K, V>) {}

  add(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiters = this.pending.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(key, waiters);
      if (this.pending.size >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) void this.send(batch);
  }

  private async send(batch: Map<K, Waiter<V>[]>): Promise<void> {
    let answers: ReadonlyMap<K, V> = new Map();
    try {
      answers = await this.options.run([...batch.keys()]);
    } catch {
      // Answered below, key by key: the batch's error may belong to a single key (e.g. an unknown id).
    }
    await Promise.all(
      [...batch].map(async ([key, waiters]) => {
        try {
          const value = answers.has(key) ? (answers.get(key) as V) : await this.options.runOne(key);
          for (const waiter of waiters) waiter.resolve(value);
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
        }
      }),
    );
  }
}
