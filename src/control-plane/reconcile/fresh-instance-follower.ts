import { type ProviderInstance, isProviderError } from '../../contracts/index.js';
import { apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneSettings } from '../config.js';
import type { ControlPlaneContext } from '../context.js';
import { type InstanceRecord, terminationReason } from '../instance-record.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { forEachLimited } from '../../lib/for-each-limited.js';

export type FollowSettings = ControlPlaneSettings['follow'];

/** The shortest wait between two passes, however many rows are due. */
const MIN_TICK_MS = 10;

/** Rows read per provider per pass; more fresh rows than this wait for a later pass (or the reconciler). */
const ROWS_PER_PASS = 2000;

/** What one pass did, per provider (tests and logs). */
export interface FollowPass {
  provider: string;
  followed: number;
  gets: number;
  advanced: number;
  errors: number;
  /** True when the provider is backing off after a RATE_LIMIT_ERROR. */
  paused: boolean;
}

/**
 * Follows fresh instances (`provisioning`, `terminating`, machine known) with provider gets on a
 * short schedule of its own, so a row turns `running` (or `terminated`) soon after the provider
 * says so, whatever the reconcile interval. Each row is read at first sight, then again after a
 * quarter of its age, between `intervalMs` and `maxIntervalMs`; a pass runs when the earliest row is
 * due (and at least every `intervalMs`, to see new rows), one pass per provider per tick, gets in flight at most
 * `concurrency` (providers that batch gets, such as AWS, batch these). A RATE_LIMIT_ERROR pauses the
 * provider's follower for its Retry-After. It only moves rows forward on positive evidence (the
 * provider reports `running`, or `terminated`), through the same compare-and-set transitions and
 * events as the reconciler; a machine that is missing, failed or stopped is the reconciler's job.
 */
export class FreshInstanceFollower {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<FollowPass[]> | undefined;
  private started = false;
  private closed = false;
  /** Per provider: when each followed row is due for its next get (ms since epoch). */
  private readonly nextReadAt = new Map<string, Map<string, number>>();
  /** Per provider: no gets before this (a RATE_LIMIT_ERROR's Retry-After). */
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly ctx: ControlPlaneContext,
    private readonly settings: FollowSettings,
  ) {}

  start(): void {
    if (!this.settings.enabled || this.started || this.closed) return;
    this.started = true;
    this.schedule(0);
  }

  /** Stops the timer and waits for a pass under way; no timer is left behind. */
  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass?.catch(() => undefined);
  }

  /** One pass over every provider now, or the pass under way (the timer runs these; tests call it directly). */
  runOnce(): Promise<FollowPass[]> {
    if (this.pass) return this.pass;
    const pass = Promise.all(this.ctx.registry.all().map((entry) => this.follow(entry))).finally(() => {
      this.pass = undefined;
    });
    this.pass = pass;
    return pass;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce()
        .catch((error: unknown) => this.ctx.logger.warn('fresh-instance follower pass failed', { detail: String(error) }))
        .finally(() => this.schedule(this.untilNextDue()));
    }, delayMs);
    this.timer.unref();
  }

  /** The next pass runs when the earliest followed row is due, and at least every `intervalMs` (to see new rows). */
  private untilNextDue(): number {
    let earliest = Date.now() + this.settings.intervalMs;
    for (const schedule of this.nextReadAt.values()) for (const at of schedule.values()) earliest = Math.min(earliest, at);
    return Math.max(MIN_TICK_MS, earliest - Date.now());
  }

  private async follow(entry: RegisteredProvider): Promise<FollowPass> {
    const report: FollowPass = { provider: entry.name, followed: 0, gets: 0, advanced: 0, errors: 0, paused: false };
    const schedule = this.nextReadAt.get(entry.name) ?? new Map<string, number>();
    this.nextReadAt.set(entry.name, schedule);
    const rows = await this.ctx.instances.freshRows(entry.name, ROWS_PER_PASS);
    report.followed = rows.length;
    // Rows that left the fresh states are forgotten.
    const current = new Set(rows.map((row) => row.id));
    for (const id of schedule.keys()) if (!current.has(id)) schedule.delete(id);
    const now = Date.now();
    if ((this.pausedUntil.get(entry.name) ?? 0) > now) {
      report.paused = true;
      return report;
    }
    // A row is read as soon as it is seen, then after a quarter of its age; a spawn in flight writes its row itself.
    const due = rows.filter((row) => (schedule.get(row.id) ?? 0) <= now && !this.ctx.inflightSpawns.has(row.id));
    await forEachLimited(due, this.settings.concurrency, async (row) => {
      if (this.closed) return;
      if ((this.pausedUntil.get(entry.name) ?? 0) > Date.now()) return;
      schedule.set(row.id, Date.now() + this.delayFor(row));
      report.gets += 1;
      try {
        const machine = await callProvider(entry.name, 'get', this.ctx.settings.providerTimeoutMs, (signal) =>
          entry.provider.get(row.providerId as string, { signal }),
        );
        if (await this.advance(entry, row, machine)) report.advanced += 1;
      } catch (error) {
        report.errors += 1;
        if (isProviderError(error) && error.code === 'RATE_LIMIT_ERROR') {
          this.pausedUntil.set(entry.name, Date.now() + (error.retryAfterMs ?? this.settings.maxIntervalMs));
          report.paused = true;
        }
        const apiError = apiErrorFromProviderCall(error, entry.name);
        this.ctx.logger.debug('follower get failed; the row is read again later', { instanceId: row.id, provider: entry.name, code: apiError.code });
      }
    });
    return report;
  }

  /** The wait before a row is read again: a quarter of its age in its current state, within the bounds. */
  private delayFor(row: InstanceRecord): number {
    const since = row.status === 'terminating' ? (row.terminateRequestedAt ?? row.updatedAt) : row.createdAt;
    const age = Math.max(0, Date.now() - Date.parse(since));
    return Math.min(this.settings.maxIntervalMs, Math.max(this.settings.intervalMs, Math.round(age / 4)));
  }

  /** Positive evidence only: running for a provisioning row, terminated for a terminating one. */
  private async advance(entry: RegisteredProvider, row: InstanceRecord, machine: ProviderInstance | null): Promise<boolean> {
    if (row.status === 'provisioning' && machine?.status === 'running') {
      const moved = await this.ctx.instances.transition(row.id, {
        from: ['provisioning'],
        to: 'running',
        event: { type: 'instance.running', message: `${machine.providerId} is running` },
      });
      return moved !== null;
    }
    if (row.status === 'terminating' && machine?.status === 'terminated') {
      const moved = await this.ctx.instances.transition(row.id, {
        from: ['terminating'],
        to: 'terminated',
        patch: { terminatedAt: new Date().toISOString(), error: terminationReason(row) },
        event: { type: 'instance.terminated', message: `${entry.name} reports ${machine.providerId} terminated` },
      });
      return moved !== null;
    }
    return false;
  }
}
