/**
 * The daily probe budget: how much money readiness probes may spend per UTC day. Only a probe whose
 * `costUsd` (its upper-bound estimate) is not 0 asks it: an LLM provider's smallest real completion.
 * Compute probes cost nothing and never ask.
 */
export interface ProbeBudget {
  /**
   * Asks for up to `estimateUsd` for one probe run of `provider`. Granted: run it, then `settle`
   * with what it actually cost once the run's usage event (which records that cost) has been
   * written, which releases the reservation: the ledger counts the money from then on. Refused: do
   * not run it; `detail` says why.
   */
  reserve(provider: string, estimateUsd: number): Promise<ProbeReservation>;
}

export type ProbeReservation = { granted: true; settle(actualUsd: number): void } | { granted: false; detail: string };

/** Where the probes' spending is recorded (the control plane's store: usage events of kind provider-validation). */
export interface ProbeSpendingLedger {
  /** USD the readiness probes spent since `sinceIso` (inclusive), as recorded. */
  spentSince(sinceIso: string): Promise<number>;
}

/** USD for a message: four decimals, or two significant digits below a hundredth of a cent. */
export function formatUsd(amount: number): string {
  if (amount === 0 || Math.abs(amount) >= 0.0001) return `$${amount.toFixed(4)}`;
  return `$${amount.toPrecision(2)}`;
}

/** The start of the UTC day `at` falls in. */
export function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/**
 * A daily limit in USD over a ledger, the day being the UTC day. What is spent today = the ledger's
 * probe spending since UTC midnight + what this process has reserved and not yet settled (runs in
 * flight, whose usage events are not written yet). A reservation is refused when spent + estimate
 * would pass the limit. Reservations are serialized (one reads the ledger and books its amount
 * before the next one reads), so two providers validated at once cannot both squeeze under the
 * limit. A reservation still open at midnight counts on the new day too (conservative).
 */
export class DailyProbeBudget implements ProbeBudget {
  private readonly open = new Map<number, number>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ledger: ProbeSpendingLedger,
    readonly limitUsd: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!Number.isFinite(limitUsd) || limitUsd < 0) throw new RangeError(`the daily probe budget must be a non-negative number of USD, not ${limitUsd}`);
  }

  reserve(provider: string, estimateUsd: number): Promise<ProbeReservation> {
    const turn = this.queue.then(() => this.decide(provider, estimateUsd));
    // The next reservation waits for this one, whether it was granted, refused or failed.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** USD reserved in this process and not yet settled. */
  reservedUsd(): number {
    let sum = 0;
    for (const amount of this.open.values()) sum += amount;
    return sum;
  }

  private async decide(_provider: string, estimateUsd: number): Promise<ProbeReservation> {
    const estimate = Number.isFinite(estimateUsd) && estimateUsd > 0 ? estimateUsd : 0;
    const since = utcDayStart(this.now()).toISOString();
    const spent = (await this.ledger.spentSince(since)) + this.reservedUsd();
    // A hair of tolerance: sums of float cents must not refuse a probe that fits exactly.
    if (spent + estimate > this.limitUsd + 1e-12) {
      return {
        granted: false,
        detail: `the daily probe budget is spent: ${formatUsd(spent)} of $${this.limitUsd} used today (UTC); this probe may cost up to ${formatUsd(estimate)}`,
      };
    }
    const id = this.nextId++;
    this.open.set(id, estimate);
    return {
      granted: true,
      settle: (_actualUsd: number) => {
        // The actual cost is in the ledger now (the run's usage event): the reservation no longer counts.
        this.open.delete(id);
      },
    };
  }
}
