import type { Kysely } from 'kysely';
import { type CapacityBlockNotice, type CapacityQuery, type CapacitySignal, type CapacitySignals, blockCovers, scopeOfSignal } from '../../contracts/index.js';
import type { CapacityBlock } from '../../placement/offer-planner.js';
import type { Database } from './database-schema.js';

/** Where a capacity error came from. */
export type CapacitySource = 'spawn' | 'placement' | 'spot-interruption' | 'probe' | 'provider';

export interface CapacityErrorInput {
  provider: string;
  region: string;
  zone: string | null;
  /** null: every type (quota). */
  instanceType: string | null;
  /** null: both markets. */
  market: 'spot' | 'on-demand' | null;
  code: string;
  message: string;
  source: CapacitySource;
}

export interface CapacityErrorEntry extends CapacityBlock {
  readonly message: string;
  readonly source: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly active: boolean;
}

export interface CapacityTtls {
  /** How long a capacity error keeps its slice out of placement. */
  ttlMs: number;
  /** How long a quota error keeps the provider's region out (quotas change by hand, slowly). */
  quotaTtlMs: number;
  /** Per provider overrides. */
  perProvider?: Record<string, { ttlMs?: number; quotaTtlMs?: number }>;
  /** Expired entries are kept this long (their failure counts break ranking ties), then dropped. */
  retentionMs: number;
}

export const DEFAULT_CAPACITY_TTLS: CapacityTtls = { ttlMs: 180_000, quotaTtlMs: 1_800_000, retentionMs: 3_600_000 };

const keyOf = (entry: Pick<CapacityBlock, 'provider' | 'region' | 'zone' | 'instanceType' | 'market'>) =>
  [entry.provider, entry.region, entry.zone ?? '', entry.instanceType ?? '', entry.market ?? ''].join('\u0000');

/**
 * The one capacity-error cache, owned by the control plane: persisted (a restart keeps what it
 * learned), mirrored in memory so the planner reads it without a query on every request.
 * Keyed (provider, region, zone, instanceType, market); a repeat extends `until` and counts.
 */
export class CapacityErrorStore {
  private readonly entries = new Map<string, CapacityErrorEntry>();
  /**
   * What `blocks()` answers until an entry changes (null: to be taken again). The planner indexes
   * the list once per list (`capacityBlockIndexOf`), so every change must make a new one: each
   * write to `entries` goes through `changed()`.
   */
  private snapshot: readonly CapacityBlock[] | null = null;
  private loaded = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttls: CapacityTtls = DEFAULT_CAPACITY_TTLS,
  ) {}

  async load(): Promise<void> {
    const rows = await this.db.selectFrom('capacity_errors').selectAll().execute();
    const now = Date.now();
    this.entries.clear();
    for (const row of rows) {
      const entry: CapacityErrorEntry = {
        provider: row.provider,
        region: row.region,
        zone: row.zone === '' ? null : row.zone,
        instanceType: row.instance_type === '' ? null : row.instance_type,
        market: row.market === '' ? null : (row.market as 'spot' | 'on-demand'),
        code: row.code,
        message: row.message,
        source: row.source,
        failures: row.failures,
        firstSeenAt: row.first_seen_at,
        lastSeenAt: row.last_seen_at,
        until: row.until,
        active: Date.parse(row.until) > now,
      };
      this.entries.set(keyOf(entry), entry);
    }
    this.changed();
    this.loaded = true;
  }

  ttlFor(provider: string, code: string): number {
    const own = this.ttls.perProvider?.[provider];
    return code === 'QUOTA_EXCEEDED' ? (own?.quotaTtlMs ?? this.ttls.quotaTtlMs) : (own?.ttlMs ?? this.ttls.ttlMs);
  }

  /** Records one capacity error (upsert: counts, extends `until`); returns the entry as stored. */
  async record(input: CapacityErrorInput, now = Date.now()): Promise<CapacityErrorEntry> {
    if (!this.loaded) await this.load();
    // A quota is the account's, per provider and region: it blocks every type and zone there (the contract's rule).
    const scoped = scopeOfSignal(input);
    const key = keyOf(scoped);
    const previous = this.entries.get(key);
    const nowIso = new Date(now).toISOString();
    const until = new Date(Math.max(now + this.ttlFor(input.provider, input.code), previous ? Date.parse(previous.until) : 0)).toISOString();
    const entry: CapacityErrorEntry = {
      provider: scoped.provider,
      region: scoped.region,
      zone: scoped.zone,
      instanceType: scoped.instanceType,
      market: scoped.market,
      code: scoped.code,
      message: scoped.message,
      source: scoped.source,
      failures: (previous?.failures ?? 0) + 1,
      firstSeenAt: previous?.firstSeenAt ?? nowIso,
      lastSeenAt: nowIso,
      until,
      active: true,
    };
    await this.db
      .insertInto('capacity_errors')
      .values({
        provider: entry.provider,
        region: entry.region,
        zone: entry.zone ?? '',
        instance_type: entry.instanceType ?? '',
        market: entry.market ?? '',
        code: entry.code,
        message: entry.message,
        source: entry.source,
        failures: entry.failures,
        first_seen_at: entry.firstSeenAt,
        last_seen_at: entry.lastSeenAt,
        until: entry.until,
      })
      .onConflict((conflict) =>
        conflict.columns(['provider', 'region', 'zone', 'instance_type', 'market']).doUpdateSet({
          code: entry.code,
          message: entry.message,
          source: entry.source,
          failures: entry.failures,
          last_seen_at: entry.lastSeenAt,
          until: entry.until,
        }),
      )
      .execute();
    this.entries.set(key, entry);
    this.changed();
    await this.prune(now);
    return entry;
  }

  /**
   * Every remembered entry (active or within retention), for the planner: synchronous, from memory.
   * The same frozen list until an entry is recorded, loaded or pruned, then a new one.
   */
  blocks(): readonly CapacityBlock[] {
    this.snapshot ??= Object.freeze([...this.entries.values()]);
    return this.snapshot;
  }

  /** What GET /v1/capacity-errors shows: newest first, `active` as of now. */
  list(now = Date.now(), options: { provider?: string; activeOnly?: boolean } = {}): CapacityErrorEntry[] {
    return [...this.entries.values()]
      .map((entry) => ({ ...entry, active: Date.parse(entry.until) > now }))
      .filter((entry) => (options.provider === undefined || entry.provider === options.provider) && (!options.activeOnly || entry.active))
      .sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt) || keyOf(a).localeCompare(keyOf(b)));
  }

  /**
   * The entry in force for one provider's query, from memory (synchronous): provider and region
   * equal; zone, type and market each null on the entry or equal; `until` after `now`. Of several,
   * the one lapsing last.
   */
  activeBlock(provider: string, query: CapacityQuery, now = Date.now()): CapacityErrorEntry | undefined {
    let found: CapacityErrorEntry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.provider !== provider || !blockCovers(entry, query)) continue;
      const until = Date.parse(entry.until);
      if (until <= now) continue;
      if (found === undefined || until > Date.parse(found.until)) found = entry;
    }
    return found;
  }

  /**
   * The capacity-signals port of one provider, over this cache (`ProviderRegistration.bindCapacitySignals`).
   * `report` records with `source: 'provider'` in the background, one write at a time, and never
   * throws into the provider: a failed write goes to `onError`. Until its write lands a report is
   * held in the port's memory, so the provider's next `isBlocked` already sees it; one whose write
   * failed stays there until it would have lapsed. `isBlocked` reads the cache's memory.
   */
  signalsFor(provider: string, onError: (error: unknown, signal: CapacitySignal) => void = () => {}): CapacitySignals {
    const pending = new Set<{ signal: CapacitySignal; until: number }>();
    let writes: Promise<unknown> = Promise.resolve();
    const blockOf = (query: CapacityQuery): CapacityBlockNotice | null => {
      const now = Date.now();
      let best: CapacityBlockNotice | null = null;
      for (const held of pending) {
        if (held.until <= now) pending.delete(held);
        else if (blockCovers(held.signal, query) && (best === null || held.until > Date.parse(best.until))) {
          best = { code: held.signal.code, message: held.signal.message, until: new Date(held.until).toISOString() };
        }
      }
      const entry = this.activeBlock(provider, query, now);
      if (entry !== undefined && (best === null || Date.parse(entry.until) > Date.parse(best.until))) {
        best = { code: entry.code, message: entry.message, until: entry.until };
      }
      return best;
    };
    return {
      report: (signal) => {
        const scoped = scopeOfSignal(signal);
        const held = { signal: scoped, until: Date.now() + this.ttlFor(provider, scoped.code) };
        pending.add(held);
        writes = writes
          .then(() => this.record({ provider, ...scoped, source: 'provider' }))
          .then(
            () => pending.delete(held),
            (error: unknown) => {
              try {
                onError(error, scoped);
              } catch {
                // The port never throws into the provider, whatever the logger does.
              }
            },
          );
      },
      isBlocked: (query) => blockOf(query) !== null,
      blockOf,
    };
  }

  /** Drops entries whose expiry is older than the retention. */
  private async prune(now: number): Promise<void> {
    const cutoff = now - this.ttls.retentionMs;
    const stale = [...this.entries.entries()].filter(([, entry]) => Date.parse(entry.until) < cutoff);
    if (stale.length === 0) return;
    await this.db.deleteFrom('capacity_errors').where('until', '<', new Date(cutoff).toISOString()).execute();
    for (const [key] of stale) this.entries.delete(key);
    this.changed();
  }

  private changed(): void {
    this.snapshot = null;
  }
}
