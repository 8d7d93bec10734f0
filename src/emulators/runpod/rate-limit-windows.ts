import type { RateLimitWindowOption } from './runpod-emulator-options.js';

interface WindowState {
  startedAtMs: number;
  used: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** `RateLimit` and `RateLimit-Policy` (IETF ratelimit-headers draft, as the v2 spec renders them); absent when limiting is off. */
  headers: Record<string, string>;
  /** Whole seconds until the exceeded window resets (the `Retry-After` value), when refused. */
  retryAfterSeconds: number | null;
}

/** Fixed windows per API key: `"minute";r=<remaining>;t=<seconds to reset>` for each configured window. */
export class RateLimitWindows {
  private readonly byKey = new Map<string, WindowState[]>();

  constructor(
    private readonly windows: readonly RateLimitWindowOption[],
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.windows.length > 0;
  }

  /** Counts one request for `key` unless a window is exhausted. */
  take(key: string): RateLimitVerdict {
    if (!this.enabled) return { allowed: true, headers: {}, retryAfterSeconds: null };
    const now = this.now();
    const states = this.statesOf(key, now);
    const exhausted = this.windows.flatMap((window, index) => {
      const state = states[index] as WindowState;
      return state.used >= window.quota ? [state.startedAtMs + window.windowMs - now] : [];
    });
    if (exhausted.length > 0) {
      return { allowed: false, headers: this.headers(states, now), retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...exhausted) / 1000)) };
    }
    for (const state of states) state.used += 1;
    return { allowed: true, headers: this.headers(states, now), retryAfterSeconds: null };
  }

  private statesOf(key: string, now: number): WindowState[] {
    let states = this.byKey.get(key);
    if (states === undefined) {
      states = this.windows.map(() => ({ startedAtMs: now, used: 0 }));
      this.byKey.set(key, states);
    }
    this.windows.forEach((window, index) => {
      const state = states[index] as WindowState;
      if (now - state.startedAtMs >= window.windowMs) {
        // Windows are fixed: the new one starts at the boundary the old one ended on.
        const elapsed = Math.floor((now - state.startedAtMs) / window.windowMs);
        state.startedAtMs += elapsed * window.windowMs;
        state.used = 0;
      }
    });
    return states;
  }

  private headers(states: WindowState[], now: number): Record<string, string> {
    const live = this.windows.map((window, index) => {
      const state = states[index] as WindowState;
      const remaining = Math.max(0, window.quota - state.used);
      const resetSeconds = Math.max(0, Math.ceil((state.startedAtMs + window.windowMs - now) / 1000));
      return `"${window.name}";r=${remaining};t=${resetSeconds}`;
    });
    const policy = this.windows.map((window) => `"${window.name}";q=${window.quota};w=${Math.max(1, Math.ceil(window.windowMs / 1000))}`);
    return { RateLimit: live.join(', '), 'RateLimit-Policy': policy.join(', ') };
  }
}
