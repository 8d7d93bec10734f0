import type { ReadinessProbe, ReadinessProbeResult, ReadinessProbes } from '../contracts/index.js';
import { describeFailure } from './error-class.js';
import type { ProbeBudget, ProbeReservation } from './probe-budget.js';
import { type ProbeRetryPolicy, type ProbeRun, runProbe } from './probe-runner.js';
import type { UsageLedger } from './usage-ledger.js';
import type { CheckOutcome, ErrorClass, ProviderValidation, ValidationMode } from './validation-result.js';

/** A provider the readiness layer validates: its probes, or why it has none. */
export interface ValidationSubject {
  readonly provider: string;
  /** Null: required but not enabled (no config section), or enabled without probes; `absentReason` says which. */
  readonly probes: ReadinessProbes<ReadinessProbeResult> | null;
  readonly absentReason?: string;
}

export interface ValidatorOptions {
  readonly runId: string;
  readonly mode: ValidationMode;
  /** The control plane's ownership marker, for a probe that makes a machine. */
  readonly owner: string;
  readonly ledger: UsageLedger;
  readonly retry: ProbeRetryPolicy;
  /** The deadline of one probe try. */
  readonly probeTimeoutMs: number;
  /**
   * The daily probe budget: a probe whose `costUsd` is not 0 runs only when it grants the estimate
   * (refused: the check is skipped, and says why). Without one, such a probe is refused (INVALID_SPEC).
   */
  readonly budget?: ProbeBudget;
  readonly now?: () => Date;
}

const notRun = (check: CheckOutcome['check'], detail: string): CheckOutcome => ({ check, passed: null, detail, errorClass: null, attempts: 0, durationMs: 0, costUsd: 0 });

/**
 * What a probe run cost: what it said (an outcome), else its estimate when it passed (a plain
 * string), else its estimate when it failed without a vendor's answer (a timeout, an unknown
 * failure: the vendor may have done the work), and 0 for a refusal the vendor answered.
 */
function costOfRun(probe: ReadinessProbe<ReadinessProbeResult>, run: ProbeRun): number {
  if (run.spent !== null) return run.spent.costUsd;
  if (run.passed || run.errorClass === 'TIMEOUT' || run.errorClass === 'UNKNOWN_ERROR') return probe.costUsd;
  return 0;
}

/**
 * The four checks of one provider, in order: configured, the auth probe, the execution probe (full
 * runs only), and the usage event (written, then read back: true only when the row is confirmed).
 * A check that fails stops the probes after it (a provider that cannot authenticate cannot launch);
 * the usage event is written whatever the probes said, since it records their outcome, what they
 * cost and what they used.
 *
 * A probe that costs money (`costUsd` > 0) runs only within `options.budget`: refused by the
 * budget, its check is skipped (passed null, no error class, `skipped: <why>`), which does not fail
 * the run; with no budget at all it is refused (INVALID_SPEC). A granted reservation is settled
 * with the run's actual cost once the usage event is written.
 */
export async function validateProvider(subject: ValidationSubject, options: ValidatorOptions): Promise<ProviderValidation> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const checks: CheckOutcome[] = [];
  let failure: ErrorClass | null = null;
  const fail = (errorClass: ErrorClass) => {
    failure ??= errorClass;
  };

  const { probes } = subject;
  if (probes === null) {
    checks.push({ check: 'configured', passed: false, detail: subject.absentReason ?? 'no readiness probes', errorClass: 'CONFIG_MISSING', attempts: 1, durationMs: 0, costUsd: 0 });
    fail('CONFIG_MISSING');
  } else {
    const configured = probes.configured();
    const detail = configured.ok ? 'config and credentials present' : `missing: ${configured.missing.join(', ')}`;
    checks.push({ check: 'configured', passed: configured.ok, detail, errorClass: configured.ok ? null : 'CONFIG_MISSING', attempts: 1, durationMs: 0, costUsd: 0 });
    if (!configured.ok) fail('CONFIG_MISSING');
  }

  const skipped = new Set<CheckOutcome['check']>();
  const reservations: { settle(actualUsd: number): void; check: CheckOutcome['check'] }[] = [];
  const usageByCheck: Record<string, Readonly<Record<string, number | null>>> = {};
  try {
    for (const check of ['auth_probe', 'execution_probe'] as const) {
      const probe = check === 'auth_probe' ? probes?.auth : probes?.execution;
      if (check === 'execution_probe' && options.mode === 'quick') {
        checks.push(notRun(check, 'not checked in a quick run'));
        continue;
      }
      if (probe === undefined || failure !== null) {
        checks.push(notRun(check, failure === null ? 'no probe' : `not run: an earlier check failed (${failure})`));
        continue;
      }
      if (probe.costUsd > 0) {
        if (options.budget === undefined) {
          // No probe budget: readiness spends no money, and a probe that would is refused, and says so.
          checks.push({ check, passed: false, detail: `${probe.description} would cost $${probe.costUsd}: not run (no daily probe budget)`, errorClass: 'INVALID_SPEC', attempts: 0, durationMs: 0, costUsd: 0 });
          fail('INVALID_SPEC');
          continue;
        }
        const reservation = await reserve(options.budget, subject.provider, probe.costUsd);
        if (!reservation.granted) {
          skipped.add(check);
          checks.push(notRun(check, `skipped: ${reservation.detail}`));
          continue;
        }
        reservations.push({ settle: reservation.settle, check });
      }
      const run = await runProbe(probe, options.owner, options.retry, options.probeTimeoutMs);
      checks.push({ check, passed: run.passed, detail: `${probe.description}: ${run.detail}`, errorClass: run.errorClass, attempts: run.attempts, durationMs: run.durationMs, costUsd: costOfRun(probe, run) });
      if (run.spent?.usage) usageByCheck[check] = run.spent.usage;
      if (run.errorClass !== null) fail(run.errorClass);
    }

    const passedOf = (check: CheckOutcome['check']) => checks.find((outcome) => outcome.check === check)?.passed === true;
    const probesPassed = failure === null;
    const usage = await writeUsageEvent(subject.provider, options, probesPassed, checks, usageByCheck, now);
    checks.push(usage.check);
    if (!usage.written) fail('UNKNOWN_ERROR');

    const retries = checks.reduce((sum, outcome) => sum + Math.max(0, outcome.attempts - 1), 0);
    // Null: not checked (a quick run), or skipped for the probe budget; false: failed, or not run after a failure.
    const executionProbePassed = options.mode === 'quick' || skipped.has('execution_probe') ? null : passedOf('execution_probe');
    return {
      provider: subject.provider,
      mode: options.mode,
      configured: passedOf('configured'),
      authProbePassed: passedOf('auth_probe'),
      executionProbePassed,
      usageEventWritten: usage.written,
      passed: failure === null,
      lastErrorClass: failure,
      retries,
      checks,
      startedAt,
      completedAt: now().toISOString(),
      usageEventId: usage.id,
    };
  } finally {
    // The usage event (which records the actual costs) is written, or could not be: release the reservations.
    for (const reservation of reservations) reservation.settle(checks.find((outcome) => outcome.check === reservation.check)?.costUsd ?? 0);
  }
}

/** The budget's answer; a budget that cannot answer (its ledger unreadable) refuses, saying why. */
async function reserve(budget: ProbeBudget, provider: string, estimateUsd: number): Promise<ProbeReservation> {
  try {
    return await budget.reserve(provider, estimateUsd);
  } catch (error) {
    return { granted: false, detail: `the daily probe budget could not be read: ${describeFailure(error)}` };
  }
}

async function writeUsageEvent(
  provider: string,
  options: ValidatorOptions,
  probesPassed: boolean,
  checks: readonly CheckOutcome[],
  usageByCheck: Readonly<Record<string, Readonly<Record<string, number | null>>>>,
  now: () => Date,
): Promise<{ written: boolean; id: string | null; check: CheckOutcome }> {
  const started = Date.now();
  const event = {
    provider,
    kind: 'provider-validation',
    runId: options.runId,
    outcome: probesPassed ? ('passed' as const) : ('failed' as const),
    costUsd: checks.reduce((sum, outcome) => sum + outcome.costUsd, 0),
    createdAt: now().toISOString(),
    data: {
      mode: options.mode,
      checks: Object.fromEntries(checks.map((outcome) => [outcome.check, outcome.passed])),
      // What the paid probes used (tokens and the like), by check; only when a probe said.
      ...(Object.keys(usageByCheck).length > 0 && { usage: usageByCheck }),
    },
  };
  const done = (written: boolean, id: string | null, detail: string): { written: boolean; id: string | null; check: CheckOutcome } => ({
    written,
    id,
    check: { check: 'usage_event', passed: written, detail, errorClass: written ? null : 'UNKNOWN_ERROR', attempts: 1, durationMs: Date.now() - started, costUsd: 0 },
  });
  try {
    const id = await options.ledger.write(event);
    const stored = await options.ledger.read(id);
    // Confirmed only when the row reads back as written.
    const confirmed = stored !== null && stored.provider === provider && stored.runId === options.runId && stored.outcome === event.outcome && stored.kind === event.kind;
    return confirmed ? done(true, id, `usage event ${id} written and read back`) : done(false, id, `usage event ${id} did not read back as written`);
  } catch (error) {
    return done(false, null, `usage event not written: ${describeFailure(error)}`);
  }
}
