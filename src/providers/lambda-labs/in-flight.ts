import { abortable, throwIfAborted } from '../../lib/abortable-wait.js';

interface Shared<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  /** Callers still awaiting the answer (a caller without a signal never leaves). */
  waiting: number;
}

/**
 * One request for many concurrent callers: while a call is in flight, later callers share its answer
 * instead of spending another slot of the 1 request/s budget. A list answer is a snapshot either way.
 * A caller whose signal aborts stops waiting alone; the request goes on for the others, and is
 * aborted only when every caller has left (then the next caller starts a new one).
 */
export class InFlight<T> {
  private current: Shared<T> | null = null;

  constructor(private readonly call: (signal: AbortSignal) => Promise<T>) {}

  run(signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    const shared = this.current ?? this.start();
    shared.waiting += 1;
    if (signal === undefined) return shared.promise;
    const leave = () => {
      shared.waiting -= 1;
      if (shared.waiting > 0 || this.current !== shared) return;
      this.current = null;
      shared.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    const stopListening = () => signal.removeEventListener('abort', leave);
    shared.promise.then(stopListening, stopListening);
    return abortable(shared.promise, signal);
  }

  private start(): Shared<T> {
    const controller = new AbortController();
    const shared: Shared<T> = {
      controller,
      waiting: 0,
      promise: this.call(controller.signal).finally(() => {
        if (this.current === shared) this.current = null;
      }),
    };
    // Every caller may have left before the answer comes: its failure then is nobody's to handle.
    shared.promise.catch(() => undefined);
    this.current = shared;
    return shared;
  }
}
