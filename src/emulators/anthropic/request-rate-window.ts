/**
 * Requests per key in fixed windows on the emulator's clock: past `requests` in one window, the
 * answer is a 429 whose `retry-after` is the time left in the window. Refused requests do not count.
 */
export class RequestRateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>();
  /** Requests refused so far. */
  refused = 0;

  constructor(private readonly limit: { readonly requests: number; readonly windowMs: number }) {}

  /** Null when the request may proceed (and is counted), else the milliseconds until the window resets. */
  admit(key: string, now: number): number | null {
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.limit.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.limit.requests) {
      this.refused += 1;
      return window.start + this.limit.windowMs - now;
    }
    window.count += 1;
    return null;
  }
}
