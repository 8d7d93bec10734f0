import type { z } from 'zod';
import { firstIssue, VendorResponseError } from './projection.js';

/** What kind of vendor list entry a provider could not read. */
export const SKIPPED_ENTRY_KINDS = ['instance-type', 'instance', 'volume', 'snapshot', 'price', 'spot-price', 'data-center', 'other'] as const;
export type SkippedEntryKind = (typeof SKIPPED_ENTRY_KINDS)[number];

/** One vendor entry skipped because its shape could not be read, as health and the catalog show it. */
export interface SkippedEntry {
  kind: SkippedEntryKind;
  /** The vendor's id or name for the entry, when it has one that could be read. */
  id: string | null;
  /** The first field that failed and why (never the raw entry: it may hold secrets). */
  reason: string;
  /** How often this entry has been skipped since start-up. */
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface SkippedEntryReport {
  /** Every skip since start-up, summed over all entries. */
  total: number;
  byKind: Partial<Record<SkippedEntryKind, number>>;
  /** The entries skipped, most recent first (at most `limit` distinct entries kept). */
  entries: SkippedEntry[];
}

const MAX_DISTINCT_ENTRIES = 200;

/**
 * The rule every provider follows when it reads a vendor list: one entry it cannot read never fails
 * the whole list. It is skipped, counted and named here; the control plane shows this log in provider
 * health and in the catalog's warnings.
 */
export class SkippedEntryLog {
  private readonly entries = new Map<string, SkippedEntry>();
  /** The record sequence at which each entry was last skipped: `since` compares these, never clocks. */
  private readonly lastSeq = new Map<string, number>();
  private total = 0;
  private readonly byKind: Partial<Record<SkippedEntryKind, number>> = {};

  constructor(private readonly now: () => number = Date.now) {}

  record(kind: SkippedEntryKind, id: string | null, reason: string): void {
    const at = new Date(this.now()).toISOString();
    const key = `${kind}|${id ?? ''}`;
    this.total += 1;
    this.lastSeq.set(key, this.total);
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    const seen = this.entries.get(key);
    if (seen) {
      this.entries.delete(key);
      this.entries.set(key, { ...seen, reason, count: seen.count + 1, lastSeenAt: at });
    } else {
      this.entries.set(key, { kind, id, reason, count: 1, firstSeenAt: at, lastSeenAt: at });
      if (this.entries.size > MAX_DISTINCT_ENTRIES) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) {
          this.entries.delete(oldest);
          this.lastSeq.delete(oldest);
        }
      }
    }
  }

  /** A point in the log: entries recorded after it are `since(kind, mark)`. */
  mark(): number {
    return this.total;
  }

  /** The entries of one kind skipped again after `mark` (from `mark()`; 0 = every entry), most recent first. */
  since(kind: SkippedEntryKind, mark: number): SkippedEntry[] {
    return this.report().entries.filter((entry) => entry.kind === kind && (this.lastSeq.get(`${entry.kind}|${entry.id ?? ''}`) ?? 0) > mark);
  }

  report(): SkippedEntryReport {
    return { total: this.total, byKind: { ...this.byKind }, entries: [...this.entries.values()].reverse().map((entry) => ({ ...entry })) };
  }
}

/**
 * Reads one vendor entry with the adapter's own reader (which throws `VendorResponseError` on a shape
 * it cannot read); an unreadable entry is recorded and comes back as undefined. Any other error
 * propagates: only a bad shape is skipped.
 */
export function readOrSkip<T>(log: SkippedEntryLog | undefined, kind: SkippedEntryKind, id: string | null, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof VendorResponseError)) throw error;
    log?.record(kind, id, error.message);
    return undefined;
  }
}

export interface ReadEachOptions {
  kind: SkippedEntryKind;
  /** Where skips are recorded; without a log they are still skipped (and not counted). */
  log: SkippedEntryLog | undefined;
  /** The entry's vendor id or name, read defensively from the raw value. */
  idOf: (raw: unknown) => string | null;
}

/**
 * Parses each entry of a vendor list on its own: the readable ones come back, the unreadable ones are
 * recorded in the log and left out. Use it for catalogs, prices and volume lists. For lists of
 * machines, remember that a skipped machine is invisible to reconciliation: callers must make sure a
 * missing entry never reads as "gone" (the control plane confirms a missing machine with `get`, which
 * fails loudly on the same shape).
 */
export function readEach<T>(schema: z.ZodType<T>, raws: readonly unknown[], options: ReadEachOptions): T[] {
  const read: T[] = [];
  for (const raw of raws) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) read.push(parsed.data);
    else options.log?.record(options.kind, safeId(options.idOf, raw), firstIssue(parsed.error));
  }
  return read;
}

/** Reads one field of an unknown value as an id, or null. */
export function idField(field: string): (raw: unknown) => string | null {
  return (raw) => {
    if (typeof raw !== 'object' || raw === null) return null;
    const value = (raw as Record<string, unknown>)[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  };
}

function safeId(idOf: (raw: unknown) => string | null, raw: unknown): string | null {
  try {
    return idOf(raw);
  } catch {
    return null;
  }
}
