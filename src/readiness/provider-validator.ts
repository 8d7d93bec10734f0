import type { ReadinessProbes } from '../contracts/index.js';
import { describeFailure } from './error-class.js';
import { type ProbeRetryPolicy, runProbe } from './probe-runner.js';
import type { UsageLedger } from './usage-ledger.js';
import type { CheckOutcome, ErrorClass, ProviderValidation, ValidationMode } from './validation-result.js';

/** A provider the readiness layer validates: its probes, or why it has none. */
export interface ValidationSubject {
  readonly provider: string;
  /** Null: required but not enabled (no config section), or enabled without probes; `absentReason` says which. */
  readonly probes: ReadinessProbes | null;
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
  readonly now?: () => Date;
}

const notRun = (check: CheckOutcome['check'], detail: string): CheckOutcome => ({ check, passed: null, detail, errorClass: null, attempts: 0, durationMs: 0, costUsd: 0 });

/**
 * The four checks of one provider, in order: configured, the auth probe, the execution probe (full
 * runs only), and the usage event (written, then read back: true only when the row is confirmed).
 * A check that fails stops the probes after it (a provider that cannot authenticate cannot launch);
 * the usage event is written whatever the probes said, since it records their outcome.
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
      // Readiness never spends money: a probe that would is refused, and says so.
      checks.push({ check, passed: false, detail: `${probe.description} would cost $${probe.costUsd}: not run`, errorClass: 'INVALID_SPEC', attempts: 0, durationMs: 0, costUsd: 0 });
      fail('INVALID_SPEC');
      continue;
    }
    const run = await runProbe(probe, options.owner, options.retry, options.probeTimeoutMs);
    checks.push({ check, passed: run.passed, detail: `${probe.description}: ${run.detail}`, errorClass: run.errorClass, attempts: run.attempts, durationMs: run.durationMs, costUsd: probe.costUsd });
    if (run.errorClass !== null) fail(run.errorClass);
  }

  const passedOf = (check: CheckOutcome['check']) => checks.find((outcome) => outcome.check === check)?.passed === true;
  const probesPassed = failure === null;
  const usage = await writeUsageEvent(subject.provider, options, probesPassed, checks, now);
  checks.push(usage.check);
  if (!usage.written) fail('UNKNOWN_ERROR');

  const retries = checks.reduce((sum, outcome) => sum + Math.max(0, outcome.attempts - 1), 0);
  const executionProbePassed = options.mode === 'quick' ? null : passedOf('execution_probe');
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
}

async function writeUsageEvent(
  provider: string,
  options: ValidatorOptions,
  probesPassed: boolean,
  checks: readonly CheckOutcome[],
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
    data: { mode: options.mode, checks: Object.fromEntries(checks.map((outcome) => [outcome.check, outcome.passed])) },
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
