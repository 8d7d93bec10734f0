import { describe, expect, it } from 'vitest';
import { DailyProbeBudget, formatUsd, type ProbeReservation, type ProbeSpendingLedger, utcDayStart } from '../../src/readiness/probe-budget.js';

/** A ledger of spendings by time; `spentSince` answers after a turn of the event loop, like a database. */
class MemoryLedger implements ProbeSpendingLedger {
  readonly asked: string[] = [];
  constructor(readonly rows: { at: string; usd: number }[] = []) {}
  async spentSince(sinceIso: string): Promise<number> {
    this.asked.push(sinceIso);
    await new Promise((resolve) => setImmediate(resolve));
    return this.rows.filter((row) => row.at >= sinceIso).reduce((sum, row) => sum + row.usd, 0);
  }
}

const granted = (reservation: ProbeReservation) => {
  if (!reservation.granted) throw new Error(`refused: ${reservation.detail}`);
  return reservation;
};

describe('DailyProbeBudget', () => {
  it('counts the ledger since UTC midnight only: yesterday’s spending does not count today', async () => {
    let now = new Date('2026-03-01T23:59:59.000Z');
    const ledger = new MemoryLedger([
      { at: '2026-03-01T10:00:00.000Z', usd: 0.049 },
      { at: '2026-02-28T23:00:00.000Z', usd: 1 },
    ]);
    const budget = new DailyProbeBudget(ledger, 0.05, () => now);
    const refused = await budget.reserve('openai', 0.002);
    expect(refused).toEqual({ granted: false, detail: 'the daily probe budget is spent: $0.0490 of $0.05 used today (UTC); this probe may cost up to $0.0020' });
    expect(ledger.asked).toEqual(['2026-03-01T00:00:00.000Z']);

    now = new Date('2026-03-02T00:00:00.000Z');
    granted(await budget.reserve('openai', 0.002));
    expect(ledger.asked.at(-1)).toBe('2026-03-02T00:00:00.000Z');
  });

  it('the day is the UTC day, whatever the local zone', () => {
    expect(utcDayStart(new Date('2026-03-01T23:30:00-05:00')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(utcDayStart(new Date('2026-03-02T00:30:00+02:00')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('serializes reservations: two providers at once cannot both squeeze under the limit', async () => {
    const budget = new DailyProbeBudget(new MemoryLedger([{ at: '2026-03-01T01:00:00.000Z', usd: 0.04 }]), 0.05, () => new Date('2026-03-01T12:00:00Z'));
    const answers = await Promise.all([budget.reserve('openai', 0.006), budget.reserve('anthropic', 0.006), budget.reserve('openrouter', 0.006)]);
    expect(answers.map((answer) => answer.granted)).toEqual([true, false, false]);
    expect(answers[1]).toMatchObject({ detail: expect.stringContaining('$0.0460 of $0.05 used today (UTC)') });
    expect(budget.reservedUsd()).toBeCloseTo(0.006, 10);
  });

  it('a settled reservation stops counting (the usage event holds the cost from then on)', async () => {
    const ledger = new MemoryLedger();
    const budget = new DailyProbeBudget(ledger, 0.01, () => new Date('2026-03-01T12:00:00Z'));
    const first = granted(await budget.reserve('openai', 0.008));
    expect((await budget.reserve('anthropic', 0.008)).granted).toBe(false);
    // The run cost 0.001 and its usage event is written: the ledger has it, the reservation goes.
    ledger.rows.push({ at: '2026-03-01T12:00:01.000Z', usd: 0.001 });
    first.settle(0.001);
    expect(budget.reservedUsd()).toBe(0);
    granted(await budget.reserve('anthropic', 0.008));
  });

  it('grants an estimate that fits exactly, refuses everything paid at a limit of 0, and takes no negative or NaN limit', async () => {
    const clock = () => new Date('2026-03-01T12:00:00Z');
    granted(await new DailyProbeBudget(new MemoryLedger([{ at: '2026-03-01T01:00:00.000Z', usd: 0.03 }]), 0.05, clock).reserve('p', 0.02));
    expect((await new DailyProbeBudget(new MemoryLedger(), 0, clock).reserve('p', 0.00001)).granted).toBe(false);
    expect(() => new DailyProbeBudget(new MemoryLedger(), -1)).toThrow(RangeError);
    expect(() => new DailyProbeBudget(new MemoryLedger(), Number.NaN)).toThrow(RangeError);
  });

  it('a ledger that fails refuses that reservation only; the next one is asked afresh', async () => {
    let fail = true;
    const ledger: ProbeSpendingLedger = { spentSince: async () => (fail ? Promise.reject(new Error('database is locked')) : 0) };
    const budget = new DailyProbeBudget(ledger, 1);
    await expect(budget.reserve('p', 0.001)).rejects.toThrow('database is locked');
    fail = false;
    granted(await budget.reserve('p', 0.001));
  });

  it('formats amounts for people', () => {
    expect(formatUsd(0.049)).toBe('$0.0490');
    expect(formatUsd(0)).toBe('$0.0000');
    expect(formatUsd(0.0000124)).toBe('$0.000012');
  });
});
