import type { ConformanceCapability } from './conformance-case.js';

/** What the runner reports for every call it makes to an adapter (the metrics hook). */
export interface ConformanceCallEvent {
  readonly capability: ConformanceCapability;
  readonly adapter: string;
  /** The method called (`spawn`, `list`, `run`, `onHeartbeat`, ...). */
  readonly operation: string;
  readonly latency_ms: number;
  /** Tries the call took: 1, or more for a call the kit's own retry helper repeated. */
  readonly attempts: number;
  /** Null on success; else the failure's class (a taxonomy code, `TIMEOUT`, or the error's name). */
  readonly errorClass: string | null;
}

/** A call that ran past the kit's per-call deadline: it fails the case. */
export class OperationTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly deadlineMs: number,
  ) {
    super(`${operation} did not answer within the ${deadlineMs} ms deadline`);
    this.name = 'OperationTimeoutError';
  }
}

/** The class a metrics event and a log line name for a failure. */
export function errorClassOf(error: unknown): string {
  if (error instanceof OperationTimeoutError) return 'TIMEOUT';
  if (error !== null && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return 'UNKNOWN_ERROR';
}

export interface CallMeterOptions {
  capability: ConformanceCapability;
  adapter: string;
  /** Every asynchronous call must settle within this, or it fails with OperationTimeoutError. */
  deadlineMs: number;
  onCall?: (event: ConformanceCallEvent) => void;
  /** Called with each successful call's result (the compute harness notes what a case made). */
  onResult?: (operation: string, value: unknown) => void;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Times every call a case makes to its adapter, holds each asynchronous one to the deadline, and
 * reports it (`onCall`). `attempts` adds up the tries of every call, for the case's report.
 */
export class CallMeter {
  attempts = 0;
  calls = 0;

  constructor(private readonly options: CallMeterOptions) {}

  get deadlineMs(): number {
    return this.options.deadlineMs;
  }

  /** One metered asynchronous call (counted as `attempts` tries). */
  async time<T>(operation: string, work: () => Promise<T>, attempts: () => number = () => 1): Promise<T> {
    const started = performance.now();
    try {
      const value = await this.withinDeadline(operation, work());
      this.record(operation, started, attempts(), null);
      this.options.onResult?.(operation, value);
      return value;
    } catch (error) {
      this.record(operation, started, attempts(), errorClassOf(error));
      throw error;
    }
  }

  /**
   * The subject with every method metered: a call that answers a promise is timed and held to the
   * deadline; a synchronous one (generateBootstrap) is timed. Other properties pass through, and a
   * method the subject lacks stays absent (capability checks read `typeof subject[method]`).
   */
  wrap<T extends object>(subject: T): T {
    return new Proxy(subject, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const started = performance.now();
          let result: unknown;
          try {
            result = Reflect.apply(method, target, args);
          } catch (error) {
            this.record(property, started, 1, errorClassOf(error));
            throw error;
          }
          if (!isPromiseLike(result)) {
            this.record(property, started, 1, null);
            return result;
          }
          return this.withinDeadline(property, Promise.resolve(result)).then(
            (resolved) => {
              this.record(property, started, 1, null);
              this.options.onResult?.(property, resolved);
              return resolved;
            },
            (error: unknown) => {
              this.record(property, started, 1, errorClassOf(error));
              throw error;
            },
          );
        };
      },
    });
  }

  private withinDeadline<T>(operation: string, work: Promise<T>): Promise<T> {
    const { deadlineMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OperationTimeoutError(operation, deadlineMs)), deadlineMs);
    });
    // A call abandoned at the deadline may still fail later: its outcome is handled, never left unhandled.
    work.catch(() => undefined);
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  private record(operation: string, started: number, attempts: number, errorClass: string | null): void {
    this.calls += 1;
    this.attempts += attempts;
    this.options.onCall?.({
      capability: this.options.capability,
      adapter: this.options.adapter,
      operation,
      latency_ms: round(performance.now() - started),
      attempts,
      errorClass,
    });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
