import { ProviderError } from '../../contracts/index.js';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import { parseRateLimit, parseRateLimitPolicy } from './ratelimit-headers.js';

interface Window {
  remaining: number;
  resetAt: number;
  quota: number | null;
  windowMs: number | null;
}

export interface PacerOptions {
  now?: () => number;
  /** Longer than this and the pacer refuses at once with RATE_LIMIT_ERROR (retryAfterMs set) instead of waiting. */
  maxWaitMs: number;
  /** Names the API in the refusal ("RunPod REST v2"). */
  api: string;
}

/**
 * Paces requests by the quota the vendor reports, so a burst waits for its window instead of being
 * answered 429. Every response's `RateLimit` header (remaining `r`, reset `t` per window) replaces
 * what the pacer believes, minus the requests still in flight (which the server may not have
 * counted yet); `RateLimit-Policy` gives the quota a window refills to. Until the first answer
 * arrives nothing is known, so one request goes alone. A 429's `Retry-After` holds everyone back.
 * The pacer never retries: a request that is refused all the same fails to its caller.
 */
export class RateLimitPacer {
  private readonly windows = new Map<string, Window>();
  private known = false;
  private inflight = 0;
  private blockedUntil = 0;
  private wakeups: (() => void)[] = [];

  constructor(private readonly options: PacerOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Waits for room to send one request; call `done` with the answer's headers (or null when none came).
   * A caller whose `signal` aborts stops waiting (rejects with its reason) and takes no room.
   */
  async acquire(signal?: AbortSignal): Promise<(answer: { status: number; headers: Headers; retryAfterMs: number | null } | null) => void> {
    for (;;) {
      throwIfAborted(signal);
      const now = this.now();
      this.refill(now);
      const wait = this.waitMs(now);
      if (wait === 0) {
        for (const window of this.windows.values()) window.remaining -= 1;
        this.inflight += 1;
        return (answer) => this.done(answer);
      }
      if (wait !== null && wait > this.options.maxWaitMs) {
        throw new ProviderError({
          code: 'RATE_LIMIT_ERROR',
          provider: 'runpod',
          message: `runpod: ${this.options.api} quota is spent for ${Math.ceil(wait / 1000)} s more; not sending the request`,
          retryAfterMs: wait,
        });
      }
      await this.sleep(wait, signal);
    }
  }

  /** 0 to go now, a delay in ms, or null to wait for an in-flight answer. */
  private waitMs(now: number): number | null {
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (!this.known) return this.inflight === 0 ? 0 : null;
    let wait = 0;
    for (const window of this.windows.values()) {
      if (window.remaining <= 0) wait = Math.max(wait, window.resetAt - now);
    }
    // A spent window whose reset has passed but whose quota is unknown: ask once, alone.
    if (wait <= 0 && [...this.windows.values()].some((window) => window.remaining <= 0)) return this.inflight === 0 ? 0 : null;
    return Math.max(0, wait);
  }

  private refill(now: number): void {
    for (const [name, window] of this.windows) {
      if (window.resetAt > now) continue;
      if (window.quota === null || window.windowMs === null) {
        this.windows.delete(name);
        this.known = this.windows.size > 0;
        continue;
      }
      const periods = Math.floor((now - window.resetAt) / window.windowMs) + 1;
      window.resetAt += periods * window.windowMs;
      window.remaining = window.quota;
    }
  }

  private done(answer: { status: number; headers: Headers; retryAfterMs: number | null } | null): void {
    this.inflight -= 1;
    const now = this.now();
    if (answer !== null) {
      const live = parseRateLimit(answer.headers.get('ratelimit'));
      const policy = new Map(parseRateLimitPolicy(answer.headers.get('ratelimit-policy')).map((entry) => [entry.name, entry]));
      for (const state of live) {
        const resetAt = now + state.resetSeconds * 1000;
        // Others still in flight may not be counted in `r` yet: assume they are not.
        const remaining = state.remaining - this.inflight;
        const known = this.windows.get(state.name);
        const windowPolicy = policy.get(state.name);
        const sameWindow = known !== undefined && Math.abs(known.resetAt - resetAt) < 1_500;
        this.windows.set(state.name, {
          // Answers can arrive out of order: within one window the lowest count wins.
          remaining: sameWindow ? Math.min(known.remaining, remaining) : remaining,
          resetAt: sameWindow ? Math.max(known.resetAt, resetAt) : resetAt,
          quota: windowPolicy?.quota ?? known?.quota ?? null,
          windowMs: windowPolicy === undefined ? (known?.windowMs ?? null) : windowPolicy.windowSeconds * 1000,
        });
      }
      // An answer without quota headers (a rate-limit-exempt caller) still ends the unknown phase.
      this.known = true;
      if (answer.status === 429) {
        this.blockedUntil = Math.max(this.blockedUntil, now + (answer.retryAfterMs ?? 1_000));
      }
    }
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const wake of wakeups) wake();
  }

  /** Sleeps `ms`, or until an in-flight answer changes what is known (`null`), or until `signal` aborts (rejects). */
  private sleep(ms: number | null, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wakeups = this.wakeups.filter((candidate) => candidate !== wake);
      };
      const wake = () => {
        stop();
        resolve();
      };
      const onAbort = () => {
        stop();
        reject(abortReason(signal as AbortSignal));
      };
      this.wakeups.push(wake);
      if (ms !== null) timer = setTimeout(wake, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
