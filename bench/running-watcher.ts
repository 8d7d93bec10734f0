import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { KeepAliveClient } from './keep-alive-client.js';
import { type LatencySummary, summarizeLatencies } from './latency-stats.js';

const RunningPageSchema = z.object({
  items: z.array(z.object({ id: z.string() })),
  nextCursor: z.string().nullable(),
});

export interface RunningWatcherOptions {
  pollIntervalMs: number;
  pageSize: number;
}

export interface WatchOptions {
  expected: number;
  /** Counted from the moment the last expected instance was accepted. */
  timeoutMs: number;
  signal: AbortSignal;
}

export interface RunningResult {
  latency: LatencySummary;
  /** performance.now() when the last instance was seen running. */
  allRunningAt: number;
  scans: number;
  pageRequests: number;
}

interface ResumePoint {
  afterId: string;
  cursor: string;
}

/**
 * Measures spawn -> running as a client sees it: it polls the `status=running` listing and times
 * each instance from its POST to the first page that shows it running.
 *
 * The listing is ordered by id and ids sort by creation, so a scan may start from any cursor handed
 * out after an id below every instance still pending. That keeps each poll to the few pages of
 * recent instances instead of re-reading all 10,000 every 100 ms, which would load the server more
 * than the spawns being measured.
 */
export class RunningWatcher {
  private readonly pending = new Map<string, number>();
  /** Seen running before its POST answered (its id was not known yet). */
  private readonly seenEarly = new Map<string, number>();
  private readonly done = new Set<string>();
  private readonly samples: number[] = [];
  private resumePoints: ResumePoint[] = [];
  private accepted = 0;
  private allAcceptedAt: number | undefined;
  private allRunningAt = 0;
  private expected = Number.POSITIVE_INFINITY;
  private scans = 0;
  private pageRequests = 0;

  constructor(
    private readonly client: KeepAliveClient,
    private readonly options: RunningWatcherOptions,
  ) {}

  expect(id: string, postedAt: number): void {
    this.accepted += 1;
    if (this.accepted === this.expected) this.allAcceptedAt = performance.now();
    const seenAt = this.seenEarly.get(id);
    if (seenAt === undefined) {
      this.pending.set(id, postedAt);
      return;
    }
    this.seenEarly.delete(id);
    this.finish(id, postedAt, seenAt);
  }

  async watch(options: WatchOptions): Promise<RunningResult> {
    this.expected = options.expected;
    if (this.accepted >= this.expected) this.allAcceptedAt ??= performance.now();
    while (this.samples.length < options.expected) {
      options.signal.throwIfAborted();
      if (this.allAcceptedAt !== undefined && performance.now() - this.allAcceptedAt > options.timeoutMs) {
        throw new Error(
          `${this.pending.size} of ${options.expected} instances not running ${options.timeoutMs} ms after the last was accepted`,
        );
      }
      await this.scan(options.signal);
      if (this.samples.length < options.expected) await sleep(this.options.pollIntervalMs);
    }
    return {
      latency: summarizeLatencies(this.samples),
      allRunningAt: this.allRunningAt,
      scans: this.scans,
      pageRequests: this.pageRequests,
    };
  }

  private async scan(signal: AbortSignal): Promise<void> {
    this.scans += 1;
    let cursor = this.resumeCursor();
    do {
      signal.throwIfAborted();
      const query = `status=running&limit=${this.options.pageSize}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const response = await this.client.get(`/v1/instances?${query}`);
      this.pageRequests += 1;
      if (response.status !== 200) {
        throw new Error(`GET /v1/instances?${query} answered ${response.status}: ${response.body.slice(0, 500)}`);
      }
      const seenAt = performance.now();
      const page = RunningPageSchema.parse(JSON.parse(response.body));
      for (const { id } of page.items) this.observe(id, seenAt);
      const last = page.items.at(-1);
      if (page.nextCursor !== null && last) this.resumePoints.push({ afterId: last.id, cursor: page.nextCursor });
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  private observe(id: string, seenAt: number): void {
    const postedAt = this.pending.get(id);
    if (postedAt !== undefined) {
      this.pending.delete(id);
      this.finish(id, postedAt, seenAt);
    } else if (!this.done.has(id) && !this.seenEarly.has(id)) {
      this.seenEarly.set(id, seenAt);
    }
  }

  private finish(id: string, postedAt: number, seenAt: number): void {
    this.done.add(id);
    this.samples.push(seenAt - postedAt);
    this.allRunningAt = Math.max(this.allRunningAt, seenAt);
  }

  /** The latest cursor that skips nothing still pending; none (a full scan) if no such cursor is known. */
  private resumeCursor(): string | undefined {
    let lowestPending: string | undefined;
    for (const id of this.pending.keys()) if (lowestPending === undefined || id < lowestPending) lowestPending = id;
    const usable = this.resumePoints
      .filter((point) => lowestPending === undefined || point.afterId < lowestPending)
      .sort((a, b) => (a.afterId < b.afterId ? -1 : a.afterId > b.afterId ? 1 : 0));
    this.resumePoints = usable.slice(-1);
    return usable.at(-1)?.cursor;
  }
}
