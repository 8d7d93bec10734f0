export const CAPACITY_MARKETS = ['spot', 'on-demand'] as const;
export type CapacityMarket = (typeof CAPACITY_MARKETS)[number];

/** One offering: an instance type in one zone, bought in one market. */
export interface CapacityKey {
  readonly provider: string;
  readonly region: string;
  readonly zone: string;
  readonly instanceType: string;
  readonly market: CapacityMarket;
}

export interface CapacityErrorEntry {
  readonly key: CapacityKey;
  readonly reason: string;
  readonly markedAt: number;
  readonly expiresAt: number;
}

export interface CapacityErrorCacheOptions {
  /** How long a refusal keeps an offering out of placement; EC2 capacity comes back within minutes. */
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_CAPACITY_ERROR_TTL_MS = 3 * 60 * 1000;

/**
 * Offerings that recently answered with a capacity error, so placement stops asking a zone that just
 * said no (Karpenter's unavailable-offerings cache). Entries lapse after the TTL, never earlier.
 */
export class CapacityErrorCache {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly byKey = new Map<string, CapacityErrorEntry>();

  constructor(options: CapacityErrorCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CAPACITY_ERROR_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** A second refusal restarts the TTL: the offering has just proved it is still out. */
  markUnavailable(key: CapacityKey, reason: string): CapacityErrorEntry {
    const markedAt = this.now();
    const entry: CapacityErrorEntry = { key: { ...key }, reason, markedAt, expiresAt: markedAt + this.ttlMs };
    this.byKey.set(keyString(key), entry);
    return entry;
  }

  isUnavailable(key: CapacityKey): boolean {
    return this.entry(key) !== undefined;
  }

  /** The live entry for an offering, if it is marked. */
  entry(key: CapacityKey): CapacityErrorEntry | undefined {
    const id = keyString(key);
    const entry = this.byKey.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.byKey.delete(id);
      return undefined;
    }
    return entry;
  }

  /** Every live entry, soonest to lapse first. */
  entries(): CapacityErrorEntry[] {
    const now = this.now();
    for (const [id, entry] of this.byKey) if (entry.expiresAt <= now) this.byKey.delete(id);
    return [...this.byKey.values()].sort((a, b) => a.expiresAt - b.expiresAt);
  }
}

function keyString(key: CapacityKey): string {
  return [key.provider, key.region, key.zone, key.instanceType, key.market].join('/');
}
