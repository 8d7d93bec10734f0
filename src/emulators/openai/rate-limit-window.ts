/**
 * OpenAI's request limit, as a fixed window per API key: `requests` Chat Completions per `windowMs`.
 * Refused requests do not count. `admit` says how long until the window resets when it is full.
 */
export class RateLimitWindow {
  private readonly windows = new Map<string, { start: number; used: number }>();
  /** Requests refused so far. */
  refused = 0;

  constructor(readonly limits: { readonly requests: number; readonly windowMs: number }) {}

  admit(key: string, now: number): { ok: true; remaining: number; resetMs: number } | { ok: false; retryAfterMs: number } {
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.limits.windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(key, window);
    }
    const resetMs = window.start + this.limits.windowMs - now;
    if (window.used >= this.limits.requests) {
      this.refused += 1;
      return { ok: false, retryAfterMs: resetMs };
    }
    window.used += 1;
    return { ok: true, remaining: this.limits.requests - window.used, resetMs };
  }
}
