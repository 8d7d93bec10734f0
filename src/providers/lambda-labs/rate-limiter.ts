import { createHash } from 'node:crypto';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';

/** The two budgets Lambda enforces: every request, and launches on top of it. */
export type RequestKind = 'request' | 'launch';

export interface PacingIntervals {
  readonly requestIntervalMs: number;
  readonly launchIntervalMs: number;
  readonly guardMs: number;
}

/**
 * Paces one API key's requests: each call reserves the earliest start time that keeps it at least an
 * interval away from every other reserved start (and, for a launch, from every other launch), then
 * waits for it. Requests are queued, never refused. A read does not wait behind a launch that is
 * seconds away: it takes any free slot before it.
 */
export class RateLimiter {
  private requestStarts: number[] = [];
  private launchStarts: number[] = [];
  private blockedUntil = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Resolves when the caller may send; rejects with the first aborted signal's reason (and frees the
   * slot, so nobody else waits behind it) if any of `signals` aborts first.
   */
  async acquire(kind: RequestKind, intervals: PacingIntervals, ...signals: (AbortSignal | undefined)[]): Promise<void> {
    const watched = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    for (const signal of watched) throwIfAborted(signal);
    let start = this.reserve(kind, intervals);
    for (;;) {
      const delay = start - this.now();
      if (delay > 0) await this.wait(kind, start, delay, watched);
      // The slot records when the request really goes out: a busy event loop can wake a waiter late,
      // and the vendor measures arrivals, not reservations. A later waiter that wakes within a gap of
      // a late start waits out the rest (the emulator's 429s under load showed the need).
      const now = this.now();
      this.release(kind, start);
      const short = Math.max(0, this.shortfall(kind, now, intervals));
      start = now + short;
      insertSorted(this.requestStarts, start);
      if (kind === 'launch') insertSorted(this.launchStarts, start);
      if (short === 0) return;
    }
  }

  /** Waits `delay` ms for the slot at `start`; an abort frees the slot and rejects with its reason. */
  private wait(kind: RequestKind, start: number, delay: number, watched: readonly AbortSignal[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const detach = () => {
        for (const signal of watched) signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        clearTimeout(timer);
        detach();
        this.release(kind, start);
        const aborted = watched.find((signal) => signal.aborted);
        reject(aborted === undefined ? new Error('aborted') : abortReason(aborted));
      };
      const timer = setTimeout(() => {
        detach();
        resolve();
      }, delay);
      for (const signal of watched) signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** How long a request sent at `now` would have to wait to keep its gaps to every start at or before it (and a 429's block). */
  private shortfall(kind: RequestKind, now: number, intervals: PacingIntervals): number {
    const requestGap = intervals.requestIntervalMs + intervals.guardMs;
    const launchGap = intervals.launchIntervalMs + intervals.guardMs;
    let short = this.blockedUntil - now;
    for (const t of this.requestStarts) if (t <= now) short = Math.max(short, t + requestGap - now);
    if (kind === 'launch') for (const t of this.launchStarts) if (t <= now) short = Math.max(short, t + launchGap - now);
    return short;
  }

  /** The vendor said "wait": nothing starts before `untilMs` (a 429's Retry-After). */
  blockUntil(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs);
  }

  /** Reserved starts still ahead or recent (tests and diagnostics). */
  pending(): { requests: number; launches: number } {
    const now = this.now();
    return { requests: this.requestStarts.filter((t) => t > now).length, launches: this.launchStarts.filter((t) => t > now).length };
  }

  private reserve(kind: RequestKind, intervals: PacingIntervals): number {
    const now = this.now();
    const requestGap = intervals.requestIntervalMs + intervals.guardMs;
    const launchGap = intervals.launchIntervalMs + intervals.guardMs;
    this.prune(now - Math.max(requestGap, launchGap));
    let start = Math.max(now, this.blockedUntil);
    for (let moved = true; moved; ) {
      moved = false;
      const clash = this.requestStarts.find((t) => Math.abs(start - t) < requestGap);
      if (clash !== undefined) {
        start = clash + requestGap;
        moved = true;
      }
      if (kind === 'launch') {
        const launchClash = this.launchStarts.find((t) => Math.abs(start - t) < launchGap);
        if (launchClash !== undefined) {
          start = launchClash + launchGap;
          moved = true;
        }
      }
    }
    insertSorted(this.requestStarts, start);
    if (kind === 'launch') insertSorted(this.launchStarts, start);
    return start;
  }

  private release(kind: RequestKind, start: number): void {
    removeOne(this.requestStarts, start);
    if (kind === 'launch') removeOne(this.launchStarts, start);
  }

  private prune(before: number): void {
    this.requestStarts = this.requestStarts.filter((t) => t >= before);
    this.launchStarts = this.launchStarts.filter((t) => t >= before);
  }
}

function insertSorted(list: number[], value: number): void {
  const index = list.findIndex((t) => t > value);
  if (index === -1) list.push(value);
  else list.splice(index, 0, value);
}

function removeOne(list: number[], value: number): void {
  const index = list.indexOf(value);
  if (index !== -1) list.splice(index, 1);
}

/** Lambda's limits are per account key, so every registration using one key shares one limiter. */
const LIMITERS = new Map<string, RateLimiter>();

/** The limiter of an API key, keyed by a hash so the key itself is never kept as a map key. */
export function rateLimiterFor(apiKey: string): RateLimiter {
  const id = createHash('sha256').update(apiKey, 'utf8').digest('hex');
  let limiter = LIMITERS.get(id);
  if (limiter === undefined) {
    limiter = new RateLimiter();
    LIMITERS.set(id, limiter);
  }
  return limiter;
}
