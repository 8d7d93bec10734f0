import { describe, expect, it } from 'vitest';
import type { ReadinessProbes } from '../../src/contracts/index.js';
import { providerStatus } from '../../src/readiness/provider-status.js';
import { validateProvider } from '../../src/readiness/provider-validator.js';
import { runIdAt } from '../../src/readiness/run-id.js';
import type { UsageEvent, UsageLedger } from '../../src/readiness/usage-ledger.js';

const passing: ReadinessProbes = {
  configured: () => ({ ok: true, missing: [] }),
  auth: { description: 'read', costUsd: 0, run: async () => 'ok' },
  execution: { description: 'dry run', costUsd: 0, run: async () => 'ok' },
};

class MemoryLedger implements UsageLedger {
  readonly rows = new Map<string, UsageEvent & { id: string }>();
  constructor(private readonly readBack: 'same' | 'missing' | 'different' = 'same') {}
  async write(event: UsageEvent): Promise<string> {
    const id = `ue_${this.rows.size + 1}`;
    this.rows.set(id, { ...event, id });
    return id;
  }
  async read(id: string) {
    const row = this.rows.get(id);
    if (!row || this.readBack === 'missing') return null;
    return this.readBack === 'different' ? { ...row, outcome: row.outcome === 'passed' ? ('failed' as const) : ('passed' as const) } : row;
  }
}

const options = (ledger: UsageLedger) => ({ runId: 'prv_x', mode: 'full' as const, owner: 'hangar', ledger, retry: { attempts: 1, windowMs: 0, minDelayMs: 0 }, probeTimeoutMs: 1_000 });

describe('validateProvider', () => {
  it('usage_event_written is true only when the row reads back as written', async () => {
    expect((await validateProvider({ provider: 'p', probes: passing }, options(new MemoryLedger()))).usageEventWritten).toBe(true);
    for (const readBack of ['missing', 'different'] as const) {
      const result = await validateProvider({ provider: 'p', probes: passing }, options(new MemoryLedger(readBack)));
      expect(result).toMatchObject({ usageEventWritten: false, passed: false, lastErrorClass: 'UNKNOWN_ERROR', authProbePassed: true, executionProbePassed: true });
    }
    const failing: UsageLedger = { write: async () => Promise.reject(new Error('disk full')), read: async () => null };
    const result = await validateProvider({ provider: 'p', probes: passing }, options(failing));
    expect(result.usageEventWritten).toBe(false);
    expect(result.checks.at(-1)?.detail).toBe('usage event not written: disk full');
  });

  it('never runs a probe that costs money', async () => {
    let ran = false;
    const costly: ReadinessProbes = { ...passing, execution: { description: 'a real launch', costUsd: 0.5, run: async () => ((ran = true), 'launched') } };
    const result = await validateProvider({ provider: 'p', probes: costly }, options(new MemoryLedger()));
    expect(ran).toBe(false);
    expect(result).toMatchObject({ executionProbePassed: false, passed: false });
    expect(result.checks[2]?.detail).toContain('would cost $0.5');
  });

  it('an unknown failure is UNKNOWN_ERROR and is retried as transient', async () => {
    let calls = 0;
    const flaky: ReadinessProbes = { ...passing, auth: { description: 'read', costUsd: 0, run: async () => ((calls += 1), Promise.reject(new Error('socket hang up'))) } };
    const result = await validateProvider({ provider: 'p', probes: flaky }, { ...options(new MemoryLedger()), retry: { attempts: 2, windowMs: 1_000, minDelayMs: 1 } });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ authProbePassed: false, lastErrorClass: 'UNKNOWN_ERROR', retries: 1 });
  });
});

describe('run ids and status', () => {
  it('formats the run id from the start second, with a sequence for later runs of the same second', () => {
    const at = new Date('2026-02-17T00:00:00.123Z');
    expect(runIdAt(at)).toBe('prv_2026_02_17T00_00_00Z');
    expect(runIdAt(at, 2)).toBe('prv_2026_02_17T00_00_00Z_2');
  });

  it('ready needs a passing latest run and a passing full run within the proof TTL', () => {
    const now = Date.parse('2026-02-17T12:00:00Z');
    const base = { provider: 'p', required: true, last24h: [{ passed: true, retries: 0 }], lastSuccessfulExecutionAt: null, lastFailure: null, escalations24h: 0 };
    const fresh = { passed: true, completedAt: '2026-02-17T11:00:00Z' };
    expect(providerStatus({ ...base, latest: fresh, latestFull: fresh }, now, 3_600_000).ready).toBe(true);
    expect(providerStatus({ ...base, latest: fresh, latestFull: { passed: true, completedAt: '2026-02-17T10:00:00Z' } }, now, 3_600_000).ready).toBe(false);
    expect(providerStatus({ ...base, latest: fresh, latestFull: null }, now, 3_600_000).ready).toBe(false);
    expect(providerStatus({ ...base, latest: null, latestFull: null, last24h: [] }, now, 3_600_000)).toMatchObject({ ready: false, failure_rate_24h: 0, last_validated_at: null });
  });
});
