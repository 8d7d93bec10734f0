import type { Logger } from '../logger.js';
import type { ValidationStore } from '../store/validation-store.js';
import type { ReadinessSettings, ValidationService } from './validation-service.js';
import type { ValidationMode } from '../../readiness/validation-result.js';

/**
 * Validation on a clock: one run at start-up (quick by default), quick runs every 15 minutes, full
 * runs every 6 hours, the first full run a minute after start-up. A scheduled run never overlaps
 * another scheduled run (a slow vendor delays the next tick, it does not stack runs); runs asked for
 * through the API are not held back by it. After each run, history past the retention is dropped.
 */
export class ValidationSchedule {
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly service: ValidationService,
    private readonly store: ValidationStore,
    private readonly settings: ReadinessSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    if (this.settings.onStart !== 'none') this.trigger(this.settings.onStart, 'start');
    if (this.settings.quickIntervalMs > 0) this.every(this.settings.quickIntervalMs, this.settings.quickIntervalMs, 'quick');
    if (this.settings.fullIntervalMs > 0) this.every(this.settings.firstFullDelayMs, this.settings.fullIntervalMs, 'full');
  }

  /** Stops the clock and waits for a scheduled run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }

  private every(firstMs: number, intervalMs: number, mode: ValidationMode): void {
    const tick = (delay: number) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.stopped) return;
        this.trigger(mode, 'schedule');
        tick(intervalMs);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    };
    tick(firstMs);
  }

  private trigger(mode: ValidationMode, trigger: 'start' | 'schedule'): void {
    if (this.running !== null) return;
    this.running = this.service
      .run({ mode, trigger })
      .then(() => this.store.prune(new Date(Date.now() - this.settings.retentionMs).toISOString()))
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn('scheduled provider validation failed', { mode, error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        this.running = null;
      });
  }
}
