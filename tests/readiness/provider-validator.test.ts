import { describe, expect, it } from 'vitest';
import { ProviderError, type ReadinessProbeResult, type ReadinessProbes } from '../../src/contracts/index.js';
import { ProviderError as LlmProviderError } from '../../src/llm/core/runtime-errors.js';
import { errorClassOf, isTransient, retryAfterMsOf } from '../../src/readiness/error-class.js';
import type { ProbeBudget, ProbeReservation } from '../../src/readiness/probe-budget.js';
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

/** Grants every reservation and records the calls; a settle also records how many usage events were written by then. */
class RecordingBudget implements ProbeBudget {
  readonly calls: unknown[][] = [];
  constructor(private readonly ledger: MemoryLedger) {}
  async reserve(provider: string, estimateUsd: number): Promise<ProbeReservation> {
    this.calls.push(['reserve', provider, estimateUsd]);
    return { granted: true, settle: (actualUsd: number) => this.calls.push(['settle', actualUsd, this.ledger.rows.size]) };
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

  it('a paid probe runs within the budget: its actual cost and usage are recorded, and the reservation is settled after the usage event', async () => {
    const ledger = new MemoryLedger();
    const budget = new RecordingBudget(ledger);
    const paid: ReadinessProbes<ReadinessProbeResult> = {
      ...passing,
      execution: { description: 'a completion', costUsd: 0.0004, run: async () => ({ detail: 'answered', costUsd: 0.00012, usage: { inputTokens: 14, outputTokens: 2, reasoningTokens: null } }) },
    };
    const result = await validateProvider({ provider: 'p', probes: paid }, { ...options(ledger), budget });
    expect(result).toMatchObject({ passed: true, executionProbePassed: true });
    expect(result.checks[2]).toMatchObject({ passed: true, detail: 'a completion: answered', costUsd: 0.00012 });
    expect(budget.calls).toEqual([['reserve', 'p', 0.0004], ['settle', 0.00012, 1]]);
    const [event] = ledger.rows.values();
    expect(event).toMatchObject({ costUsd: 0.00012, data: { usage: { execution_probe: { inputTokens: 14, outputTokens: 2, reasoningTokens: null } } } });
  });

  it('a paid probe that answers a plain string counts its estimate', async () => {
    const ledger = new MemoryLedger();
    const paid: ReadinessProbes<ReadinessProbeResult> = { ...passing, execution: { description: 'a completion', costUsd: 0.0004, run: async () => 'answered' } };
    const result = await validateProvider({ provider: 'p', probes: paid }, { ...options(ledger), budget: new RecordingBudget(ledger) });
    expect(result.checks[2]?.costUsd).toBe(0.0004);
    expect([...ledger.rows.values()][0]?.costUsd).toBe(0.0004);
    expect([...ledger.rows.values()][0]?.data).not.toHaveProperty('usage');
  });

  it('a budget that refuses skips the check, says why, and does not fail the run', async () => {
    let ran = false;
    const ledger = new MemoryLedger();
    const paid: ReadinessProbes<ReadinessProbeResult> = { ...passing, execution: { description: 'a completion', costUsd: 0.0004, run: async () => ((ran = true), 'answered') } };
    const refusing: ProbeBudget = { reserve: async () => ({ granted: false, detail: 'the daily probe budget is spent: $0.0500 of $0.05 used today (UTC); this probe may cost up to $0.0004' }) };
    const result = await validateProvider({ provider: 'p', probes: paid }, { ...options(ledger), budget: refusing });
    expect(ran).toBe(false);
    expect(result).toMatchObject({ passed: true, lastErrorClass: null, executionProbePassed: null, usageEventWritten: true });
    expect(result.checks[2]).toEqual({
      check: 'execution_probe',
      passed: null,
      errorClass: null,
      detail: 'skipped: the daily probe budget is spent: $0.0500 of $0.05 used today (UTC); this probe may cost up to $0.0004',
      attempts: 0,
      durationMs: 0,
      costUsd: 0,
    });
    // A budget that cannot answer refuses too, saying so.
    const broken: ProbeBudget = { reserve: async () => Promise.reject(new Error('database is locked')) };
    const again = await validateProvider({ provider: 'p', probes: paid }, { ...options(ledger), budget: broken });
    expect(again.checks[2]?.detail).toBe('skipped: the daily probe budget could not be read: database is locked');
    expect(ran).toBe(false);
  });

  it('a paid probe that fails is settled too, at 0 for a vendor refusal', async () => {
    const ledger = new MemoryLedger();
    const budget = new RecordingBudget(ledger);
    const paid: ReadinessProbes<ReadinessProbeResult> = {
      ...passing,
      execution: { description: 'a completion', costUsd: 0.0004, run: async () => Promise.reject(new ProviderError({ code: 'INVALID_SPEC', provider: 'p', message: 'bad model' })) },
    };
    const result = await validateProvider({ provider: 'p', probes: paid }, { ...options(ledger), budget });
    expect(result).toMatchObject({ passed: false, lastErrorClass: 'INVALID_SPEC', executionProbePassed: false });
    expect(budget.calls).toEqual([['reserve', 'p', 0.0004], ['settle', 0, 1]]);
  });

  it('an unknown failure is UNKNOWN_ERROR and is retried as transient', async () => {
    let calls = 0;
    const flaky: ReadinessProbes = { ...passing, auth: { description: 'read', costUsd: 0, run: async () => ((calls += 1), Promise.reject(new Error('socket hang up'))) } };
    const result = await validateProvider({ provider: 'p', probes: flaky }, { ...options(new MemoryLedger()), retry: { attempts: 2, windowMs: 1_000, minDelayMs: 1 } });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ authProbePassed: false, lastErrorClass: 'UNKNOWN_ERROR', retries: 1 });
  });

  it('classes an error that names its compute class (the LLM runtime\'s), retries it by its retryable flag, and honours its Retry-After', async () => {
    let calls = 0;
    const limited: ReadinessProbes = {
      ...passing,
      auth: {
        description: 'GET /models',
        costUsd: 0,
        run: async () => {
          calls += 1;
          if (calls === 1) throw new LlmProviderError({ code: 'RATE_LIMIT', provider: 'openai', message: 'openai: 429 slow down', status: 429, retryAfterMs: 5 });
          return '7 models';
        },
      },
    };
    const retried = await validateProvider({ provider: 'p', probes: limited }, { ...options(new MemoryLedger()), retry: { attempts: 3, windowMs: 5_000, minDelayMs: 1 } });
    expect(retried).toMatchObject({ passed: true, retries: 1 });
    expect(retried.checks[1]).toMatchObject({ passed: true, attempts: 2 });

    expect(errorClassOf(new LlmProviderError({ code: 'AUTH', provider: 'openai', message: 'bad key' }))).toBe('AUTH_ERROR');
    expect(errorClassOf(new LlmProviderError({ code: 'OVERLOADED', provider: 'anthropic', message: '529' }))).toBe('CAPACITY_ERROR');
    expect(errorClassOf(new LlmProviderError({ code: 'TIMEOUT', provider: 'openai', message: 'slow' }))).toBe('TIMEOUT');
    expect(errorClassOf(new LlmProviderError({ code: 'BAD_RESPONSE', provider: 'openai', message: 'garbage' }))).toBe('UNKNOWN_ERROR');
    expect(isTransient(new LlmProviderError({ code: 'AUTH', provider: 'openai', message: 'bad key' }))).toBe(false);
    // BAD_RESPONSE is UNKNOWN_ERROR, but the runtime says a retry will not help: it is not retried.
    expect(isTransient(new LlmProviderError({ code: 'BAD_RESPONSE', provider: 'openai', message: 'garbage' }))).toBe(false);
    expect(isTransient(new LlmProviderError({ code: 'NETWORK', provider: 'openai', message: 'reset' }))).toBe(true);
    expect(retryAfterMsOf(new LlmProviderError({ code: 'RATE_LIMIT', provider: 'openai', message: 'x', retryAfterMs: 1500 }))).toBe(1500);
    // A class outside the readiness classes is not taken.
    expect(errorClassOf(Object.assign(new Error('odd'), { computeErrorClass: 'SOMETHING_ELSE' }))).toBe('UNKNOWN_ERROR');

    let authCalls = 0;
    const refused: ReadinessProbes = { ...passing, auth: { description: 'GET /models', costUsd: 0, run: async () => ((authCalls += 1), Promise.reject(new LlmProviderError({ code: 'AUTH', provider: 'openai', message: 'openai: 401 invalid key', status: 401 }))) } };
    const result = await validateProvider({ provider: 'p', probes: refused }, { ...options(new MemoryLedger()), retry: { attempts: 3, windowMs: 5_000, minDelayMs: 1 } });
    expect(result).toMatchObject({ passed: false, lastErrorClass: 'AUTH_ERROR', authProbePassed: false });
    expect(authCalls).toBe(1);
  });
});

describe('run ids and status', () => {
  it('formats the run id from the start second, with a sequence for later runs of the same second', () => {
    const at = new Date('2026-02-17T00:00:00.123Z');
    expect(runIdAt(at)).toBe('prv_2026_02_17T00_00_00Z');
    expect(runIdAt(at, 2)).toBe('prv_2026_02_17T00_00_00Z_2');
  });

  it('ready needs a passing latest run, a passing latest full run, and a successful execution within the proof TTL', () => {
    const now = Date.parse('2026-02-17T12:00:00Z');
    const base = { provider: 'p', required: true, last24h: [{ passed: true, retries: 0 }], lastFailure: null, escalations24h: 0 };
    const fresh = { passed: true, completedAt: '2026-02-17T11:00:00Z' };
    const proved = { ...base, lastSuccessfulExecutionAt: '2026-02-17T11:00:00Z' };
    expect(providerStatus({ ...proved, latest: fresh, latestFull: fresh }, now, 3_600_000).ready).toBe(true);
    // The proof is older than the TTL.
    const stale = { ...base, lastSuccessfulExecutionAt: '2026-02-17T10:00:00Z' };
    expect(providerStatus({ ...stale, latest: fresh, latestFull: { passed: true, completedAt: '2026-02-17T10:00:00Z' } }, now, 3_600_000).ready).toBe(false);
    expect(providerStatus({ ...proved, latest: fresh, latestFull: null }, now, 3_600_000).ready).toBe(false);
    expect(providerStatus({ ...base, lastSuccessfulExecutionAt: null, latest: null, latestFull: null, last24h: [] }, now, 3_600_000)).toMatchObject({ ready: false, failure_rate_24h: 0, last_validated_at: null });
  });

  it('a full run whose execution probe was skipped keeps the earlier proof for its TTL, and never makes one up', () => {
    const now = Date.parse('2026-02-17T12:00:00Z');
    const base = { provider: 'p', required: true, last24h: [{ passed: true, retries: 0 }], lastFailure: null, escalations24h: 0 };
    // The latest full run (11:30) passed with its execution probe skipped for the budget; the last proof is from 08:00.
    const skippedFull = { passed: true, completedAt: '2026-02-17T11:30:00Z' };
    const inputs = { ...base, latest: skippedFull, latestFull: skippedFull, lastSuccessfulExecutionAt: '2026-02-17T08:00:00Z' };
    expect(providerStatus(inputs, now, 6 * 3_600_000).ready).toBe(true);
    // Past the proof's TTL, the skipped run does not stand in for it.
    expect(providerStatus(inputs, now, 3 * 3_600_000).ready).toBe(false);
    // Never proved at all: a passing run with the probe skipped is not ready.
    expect(providerStatus({ ...inputs, lastSuccessfulExecutionAt: null }, now, 6 * 3_600_000)).toMatchObject({ ready: false, last_successful_execution_at: null });
    // A fresh proof does not help when the latest full run failed.
    expect(providerStatus({ ...inputs, latestFull: { passed: false, completedAt: '2026-02-17T11:30:00Z' }, lastSuccessfulExecutionAt: '2026-02-17T11:00:00Z' }, now, 6 * 3_600_000).ready).toBe(false);
  });

  it('retry_count_24h adds the work retries (an LLM provider\'s call retries) to the validation retries', () => {
    const inputs = { provider: 'p', required: false, last24h: [{ passed: true, retries: 2 }, { passed: false, retries: 1 }], latest: null, latestFull: null, lastSuccessfulExecutionAt: null, lastFailure: null, escalations24h: 4 };
    expect(providerStatus({ ...inputs, workRetries24h: 5 }, Date.now(), 1)).toMatchObject({ retry_count_24h: 8, escalation_count_24h: 4, failure_rate_24h: 0.5 });
    expect(providerStatus(inputs, Date.now(), 1).retry_count_24h).toBe(3);
  });
});
