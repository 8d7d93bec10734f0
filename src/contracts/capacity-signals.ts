/**
 * Capacity signals: the port through which a provider tells what it learned about capacity (a zone
 * that refused a type, a quota) and asks whether an offering is blocked. One owner: under a control
 * plane the port is bound to the control plane's capacity-error cache (persisted, shown at
 * GET /v1/capacity-errors, read by placement); a provider run alone (provider tests, harnesses) uses
 * `InMemoryCapacitySignals`. The port is per provider: signals carry no provider name.
 */

export const CAPACITY_SIGNAL_CODES = ['CAPACITY_ERROR', 'QUOTA_EXCEEDED', 'SPOT_INTERRUPTED'] as const;
export type CapacitySignalCode = (typeof CAPACITY_SIGNAL_CODES)[number];

export type CapacitySignalMarket = 'spot' | 'on-demand';

/** One refusal the provider met. */
export interface CapacitySignal {
  readonly region: string;
  /** null: the whole region. */
  readonly zone: string | null;
  /** null: every instance type. */
  readonly instanceType: string | null;
  /** null: both markets. */
  readonly market: CapacitySignalMarket | null;
  /** `QUOTA_EXCEEDED` is the account's, per region: it blocks every zone and type there (zone and type are dropped). */
  readonly code: CapacitySignalCode;
  readonly message: string;
}

/** One offering asked about. */
export interface CapacityQuery {
  readonly region: string;
  readonly zone: string | null;
  readonly instanceType: string | null;
  readonly market: CapacitySignalMarket | null;
}

/** A block in force: what the provider can say about why it skipped an offering. */
export interface CapacityBlockNotice {
  readonly code: string;
  readonly message: string;
  /** ISO 8601: when the block lapses. */
  readonly until: string;
}

export interface CapacitySignals {
  /** Fire and forget: never throws, never waits (a bound port persists in the background). */
  report(signal: CapacitySignal): void;
  /** Synchronous, from memory. */
  isBlocked(query: CapacityQuery): boolean;
  /** The block in force for the query (the one lapsing last), or null. */
  blockOf(query: CapacityQuery): CapacityBlockNotice | null;
}

/** The scope a block keeps, the same rule the control plane's cache applies. */
export function scopeOfSignal<T extends { code: string; zone: string | null; instanceType: string | null }>(signal: T): T {
  return signal.code === 'QUOTA_EXCEEDED' ? { ...signal, zone: null, instanceType: null } : signal;
}

/**
 * Whether a block (null fields: any) covers a query: region equal, and zone, type and market each
 * null on the block or equal to the query's. Expiry is the caller's to check.
 */
export function blockCovers(block: CapacityQuery, query: CapacityQuery): boolean {
  return (
    block.region === query.region &&
    (block.zone === null || block.zone === query.zone) &&
    (block.instanceType === null || block.instanceType === query.instanceType) &&
    (block.market === null || block.market === query.market)
  );
}

export interface InMemoryCapacitySignalsOptions {
  /** How long a capacity refusal blocks its offering; default 3 minutes (the control plane's default). */
  ttlMs?: number;
  /** How long a quota refusal blocks the region; default 30 minutes. */
  quotaTtlMs?: number;
  now?: () => number;
}

export const DEFAULT_CAPACITY_SIGNAL_TTL_MS = 180_000;
export const DEFAULT_QUOTA_SIGNAL_TTL_MS = 1_800_000;

/** A signal as the in-memory port keeps it. */
export interface RememberedCapacitySignal extends CapacitySignal {
  readonly reportedAt: number;
  readonly expiresAt: number;
}

/**
 * The port without a control plane: blocks kept in memory for a TTL (Karpenter's
 * unavailable-offerings cache). A repeat of the same scope restarts the TTL and keeps the latest message.
 */
export class InMemoryCapacitySignals implements CapacitySignals {
  private readonly ttlMs: number;
  private readonly quotaTtlMs: number;
  private readonly now: () => number;
  private readonly byScope = new Map<string, RememberedCapacitySignal>();

  constructor(options: InMemoryCapacitySignalsOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CAPACITY_SIGNAL_TTL_MS;
    this.quotaTtlMs = options.quotaTtlMs ?? DEFAULT_QUOTA_SIGNAL_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  report(signal: CapacitySignal): void {
    const scoped = scopeOfSignal(signal);
    const reportedAt = this.now();
    const expiresAt = reportedAt + (scoped.code === 'QUOTA_EXCEEDED' ? this.quotaTtlMs : this.ttlMs);
    this.byScope.set(scopeKey(scoped), {
      region: scoped.region,
      zone: scoped.zone,
      instanceType: scoped.instanceType,
      market: scoped.market,
      code: scoped.code,
      message: scoped.message,
      reportedAt,
      expiresAt,
    });
  }

  isBlocked(query: CapacityQuery): boolean {
    return this.blockOf(query) !== null;
  }

  blockOf(query: CapacityQuery): CapacityBlockNotice | null {
    const covering = this.entries().filter((entry) => blockCovers(entry, query));
    const last = covering[covering.length - 1];
    return last === undefined ? null : { code: last.code, message: last.message, until: new Date(last.expiresAt).toISOString() };
  }

  /** Every live block, soonest to lapse first; lapsed ones are dropped. */
  entries(): RememberedCapacitySignal[] {
    const now = this.now();
    for (const [key, entry] of this.byScope) if (entry.expiresAt <= now) this.byScope.delete(key);
    return [...this.byScope.values()].sort((a, b) => a.expiresAt - b.expiresAt);
  }
}

/**
 * A port that forwards to another, which can be replaced: a provider builds its workflows over
 * this with the in-memory default, and the control plane binds the real port later
 * (`ProviderRegistration.bindCapacitySignals`). What the default learned before the bind is not carried over.
 */
export class SwitchableCapacitySignals implements CapacitySignals {
  constructor(private target: CapacitySignals) {}

  bind(target: CapacitySignals): void {
    this.target = target;
  }

  get current(): CapacitySignals {
    return this.target;
  }

  report(signal: CapacitySignal): void {
    this.target.report(signal);
  }

  isBlocked(query: CapacityQuery): boolean {
    return this.target.isBlocked(query);
  }

  blockOf(query: CapacityQuery): CapacityBlockNotice | null {
    return this.target.blockOf(query);
  }
}

function scopeKey(scope: CapacityQuery): string {
  return [scope.region, scope.zone ?? '', scope.instanceType ?? '', scope.market ?? ''].join('\u0000');
}
