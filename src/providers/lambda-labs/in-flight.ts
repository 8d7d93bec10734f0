/**
 * One request for many concurrent callers: while a call is in flight, later callers share its answer
 * instead of spending another slot of the 1 request/s budget. A list answer is a snapshot either way.
 */
export class InFlight<T> {
  private current: Promise<T> | null = null;

  constructor(private readonly call: () => Promise<T>) {}

  run(): Promise<T> {
    this.current ??= this.call().finally(() => {
      this.current = null;
    });
    return this.current;
  }
}
