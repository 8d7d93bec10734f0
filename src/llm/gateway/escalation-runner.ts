import type { ModelRef, ProviderRequest, ProviderResponse } from '../core/canonical-types.js';
import { ConfigError, ProviderError, RoutingError } from '../core/runtime-errors.js';
import { InvalidRequestError } from '../runtime/invalid-request-error.js';
import { type RetryPolicy, retryDelayMs } from '../transport/retry-policy.js';
import { compileOutputSchema, type OutputSchemaCheck } from './output-schema-check.js';

/** Why the ladder moved to another model. */
export const ESCALATION_TRIGGERS = ['retryable_failures', 'context_length', 'model_error', 'schema_mismatch'] as const;
export type EscalationTrigger = (typeof ESCALATION_TRIGGERS)[number];

/** One rung: a model and its context window in tokens (null: unknown). */
export interface LadderStep {
  ref: ModelRef;
  contextWindow: number | null;
}

export interface LadderSettings {
  /** Retryable failures in a row on one model before moving on: N means N tries, N - 1 of them retries. At least 1. */
  retryableFailuresBeforeEscalation: number;
  /** Moves to another model at most; 0 keeps the ladder on its first model. */
  maxEscalations: number;
  /**
   * The waits between retries of one model: `retryDelayMs(policy, n, vendorRetryAfterMs)` (the vendor's
   * Retry-After when it gave one, else full jitter). Its `deadlineMs` bounds one model's retries: a wait
   * that would end past it (counted from the model's first try) escalates at once instead.
   */
  retryPolicy: RetryPolicy;
}

export interface LadderAttempt {
  /** 1, 2, … over the whole run. */
  seq: number;
  provider: string;
  model: string;
  startedAt: string;
  latencyMs: number;
  outcome: 'succeeded' | 'failed' | 'schema_mismatch';
  /** The ProviderError code, `ROUTING`, `CONFIG` or `SCHEMA_MISMATCH`; null on success. */
  errorCode: string | null;
  /** The compute taxonomy's class of a ProviderError (RATE_LIMIT_ERROR, CAPACITY_ERROR, …); null otherwise. */
  errorClass: string | null;
  /** Whether the failure was of a retryable kind; null on success. */
  retryable: boolean | null;
  message: string | null;
  /** True when this attempt failed and the same model was tried again after it. */
  retry: boolean;
}

export interface LadderEscalation {
  /** 1, 2, … over the run's escalations (its own count, not the attempts'). */
  seq: number;
  at: string;
  from: ModelRef;
  to: ModelRef;
  trigger: EscalationTrigger;
  detail: string;
}

export interface LadderOutcome {
  /** The answer; also the last (non-matching) answer when the run ended on SCHEMA_MISMATCH. */
  response: ProviderResponse | null;
  error: { code: string; message: string; provider: string | null; model: string | null } | null;
  attempts: LadderAttempt[];
  escalations: LadderEscalation[];
  /** The model of the last attempt (the one that answered, on success); null when nothing was tried. */
  finalModel: ModelRef | null;
}

/** What the runner needs of a runtime; ProviderRuntime satisfies it. */
export interface LadderRuntime {
  run(request: unknown, options?: { signal?: AbortSignal }): Promise<ProviderResponse>;
}

export interface LadderHooks {
  /** A monotonic clock in ms for latencies and the retry deadline (default performance.now). */
  now?: () => number;
  /** Waits between retries; must reject with the signal's reason on abort (the default does). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The jitter's draw in [0, 1). */
  random?: () => number;
  signal?: AbortSignal;
  onAttempt?: (attempt: LadderAttempt) => void;
  onEscalation?: (escalation: LadderEscalation) => void;
  /** Wall-clock ms since the epoch for `startedAt` and `at` (default Date.now): injected, the records are deterministic too. */
  wallClock?: () => number;
}

/** A failure the ladder records and may escalate on; anything else is rethrown. */
interface Failure {
  code: string;
  errorClass: string | null;
  retryable: boolean;
  retryAfterMs: number | undefined;
  message: string;
}

function failureOf(error: unknown): Failure | null {
  if (error instanceof ProviderError) return { code: error.code, errorClass: error.computeErrorClass, retryable: error.retryable, retryAfterMs: error.retryAfterMs, message: error.message };
  if (error instanceof RoutingError) return { code: 'ROUTING', errorClass: null, retryable: false, retryAfterMs: undefined, message: error.message };
  if (error instanceof ConfigError) return { code: 'CONFIG', errorClass: null, retryable: false, retryAfterMs: undefined, message: error.message };
  return null;
}

const label = (ref: ModelRef) => `${ref.provider}/${ref.model}`;

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function validateSettings(settings: LadderSettings): void {
  const { retryableFailuresBeforeEscalation: threshold, maxEscalations } = settings;
  if (!Number.isInteger(threshold) || threshold < 1) throw new ConfigError(`retryableFailuresBeforeEscalation must be a positive integer, not ${threshold}`);
  if (!Number.isInteger(maxEscalations) || maxEscalations < 0) throw new ConfigError(`maxEscalations must be a non-negative integer, not ${maxEscalations}`);
}

/** The output check of a json_schema response format; a schema that does not compile makes the request invalid. */
function outputCheckOf(request: Omit<ProviderRequest, 'model'>): OutputSchemaCheck | null {
  const format = request.responseFormat;
  if (format?.type !== 'json_schema') return null;
  const compiled = compileOutputSchema(format.schema);
  if (!compiled.ok) throw new InvalidRequestError([{ field: 'responseFormat.schema', message: compiled.error }]);
  return compiled.check;
}

const answerText = (response: ProviderResponse) => response.output.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

/**
 * The next step whose window is strictly larger than the current one's. Unknown windows are
 * skipped (they might be smaller); when the current window is unknown, the first known one is taken.
 */
function largerWindow(ladder: readonly LadderStep[], index: number): { target: number | null; skipped: string[] } {
  const current = ladder[index]?.contextWindow ?? null;
  const skipped: string[] = [];
  for (let next = index + 1; next < ladder.length; next += 1) {
    const step = ladder[next]!;
    if (step.contextWindow === null) skipped.push(`${label(step.ref)} (window unknown)`);
    else if (current !== null && step.contextWindow <= current) skipped.push(`${label(step.ref)} (window ${step.contextWindow})`);
    else return { target: next, skipped };
  }
  return { target: null, skipped };
}

/**
 * Runs a request down an escalation ladder. The runtime it is given should not retry (its transport
 * built with maxAttempts 1): this runner owns the retries, so they happen in one place and are visible
 * as attempts.
 *
 * - A retryable ProviderError (RATE_LIMIT, OVERLOADED, SERVER, TIMEOUT, NETWORK) is retried on the
 *   same model after `retryDelayMs` until `retryableFailuresBeforeEscalation` failures in a row, then
 *   escalates (`retryable_failures`) to the next step.
 * - CONTEXT_LENGTH_EXCEEDED escalates (`context_length`) to the next step with a strictly larger
 *   known window; none left ends the run with that error.
 * - Any other ProviderError, or the runtime's RoutingError / ConfigError (no adapter, no key),
 *   escalates (`model_error`) to the next step.
 * - An answer to a json_schema request that does not match the schema escalates (`schema_mismatch`).
 * - InvalidRequestError (the request itself is wrong, on any model) is rethrown at once, as is any
 *   error of no known kind; abort via `hooks.signal` rethrows the signal's reason.
 *
 * At most `maxEscalations` escalations; when they or the ladder run out, the outcome carries the last
 * error (and, for SCHEMA_MISMATCH, the last answer) with every attempt and escalation so far.
 */
export async function runLadder(
  runtime: LadderRuntime,
  request: Omit<ProviderRequest, 'model'>,
  ladder: readonly LadderStep[],
  settings: LadderSettings,
  hooks: LadderHooks = {},
): Promise<LadderOutcome> {
  validateSettings(settings);
  const now = hooks.now ?? (() => performance.now());
  const wallClock = hooks.wallClock ?? Date.now;
  const sleep = hooks.sleep ?? abortableSleep;
  const random = hooks.random ?? Math.random;
  const { signal } = hooks;
  const check = outputCheckOf(request);
  const attempts: LadderAttempt[] = [];
  const escalations: LadderEscalation[] = [];
  const first = ladder[0];
  if (first === undefined) return { response: null, error: { code: 'ROUTING', message: 'the escalation ladder is empty', provider: null, model: null }, attempts, escalations, finalModel: null };

  let index = 0;
  let step = first;
  let failures = 0;
  let modelStartedAt = now();

  const record = (attempt: Omit<LadderAttempt, 'seq'>): LadderAttempt => {
    const recorded = { seq: attempts.length + 1, ...attempt };
    attempts.push(recorded);
    hooks.onAttempt?.(recorded);
    return recorded;
  };
  /** Moves to `target` when there is one and the cap allows; false when the run must end. */
  const escalate = (trigger: EscalationTrigger, target: number | null, detail: string): boolean => {
    const next = target === null ? undefined : ladder[target];
    if (target === null || next === undefined || escalations.length >= settings.maxEscalations) return false;
    const escalation: LadderEscalation = { seq: escalations.length + 1, at: new Date(wallClock()).toISOString(), from: step.ref, to: next.ref, trigger, detail };
    escalations.push(escalation);
    hooks.onEscalation?.(escalation);
    index = target;
    step = next;
    failures = 0;
    modelStartedAt = now();
    return true;
  };
  const nextStep = () => (index + 1 < ladder.length ? index + 1 : null);
  const ended = (error: { code: string; message: string }, response: ProviderResponse | null = null): LadderOutcome => ({
    response,
    error: { code: error.code, message: error.message, provider: step.ref.provider, model: step.ref.model },
    attempts,
    escalations,
    finalModel: step.ref,
  });

  for (;;) {
    signal?.throwIfAborted();
    const startedAt = new Date(wallClock()).toISOString();
    const started = now();
    let response: ProviderResponse;
    try {
      response = await runtime.run({ ...request, model: step.ref }, signal === undefined ? {} : { signal });
    } catch (error) {
      const latencyMs = now() - started;
      // Whatever the runtime made of an abort, the caller gets its own reason.
      signal?.throwIfAborted();
      if (error instanceof InvalidRequestError) throw error;
      const failure = failureOf(error);
      if (failure === null) throw error;
      const base = { provider: step.ref.provider, model: step.ref.model, startedAt, latencyMs, outcome: 'failed' as const, errorCode: failure.code, errorClass: failure.errorClass, retryable: failure.retryable, message: failure.message };

      if (failure.retryable) {
        failures += 1;
        const delayMs = retryDelayMs(settings.retryPolicy, failures, failure.retryAfterMs, random);
        const pastDeadline = now() + delayMs - modelStartedAt > settings.retryPolicy.deadlineMs;
        if (failures < settings.retryableFailuresBeforeEscalation && !pastDeadline) {
          record({ ...base, retry: true });
          await sleep(delayMs, signal);
          continue;
        }
        record({ ...base, retry: false });
        const why = pastDeadline && failures < settings.retryableFailuresBeforeEscalation ? `the wait of ${delayMs} ms would pass the retry deadline of ${settings.retryPolicy.deadlineMs} ms` : `${failures} retryable failure(s) in a row`;
        if (escalate('retryable_failures', nextStep(), `${why} on ${label(step.ref)}, the last ${failure.code}: ${failure.message}`)) continue;
        return ended(failure);
      }

      record({ ...base, retry: false });
      if (failure.code === 'CONTEXT_LENGTH_EXCEEDED') {
        const { target, skipped } = largerWindow(ladder, index);
        const window = step.contextWindow === null ? 'an unknown window' : `a window of ${step.contextWindow} tokens`;
        const detail = `the prompt does not fit ${label(step.ref)} (${window})${skipped.length === 0 ? '' : `; skipped ${skipped.join(', ')}`}`;
        if (escalate('context_length', target, detail)) continue;
        return ended(failure);
      }
      if (escalate('model_error', nextStep(), `${label(step.ref)} failed with ${failure.code}: ${failure.message}`)) continue;
      return ended(failure);
    }

    const latencyMs = now() - started;
    const base = { provider: step.ref.provider, model: step.ref.model, startedAt, latencyMs, retry: false };
    const verdict = check === null ? ({ valid: true } as const) : check(answerText(response));
    if (verdict.valid) {
      record({ ...base, outcome: 'succeeded', errorCode: null, errorClass: null, retryable: null, message: null });
      return { response, error: null, attempts, escalations, finalModel: step.ref };
    }
    const message = `the answer of ${label(step.ref)} does not match the output schema: ${verdict.errors.join('; ')}`;
    record({ ...base, outcome: 'schema_mismatch', errorCode: 'SCHEMA_MISMATCH', errorClass: null, retryable: false, message });
    if (escalate('schema_mismatch', nextStep(), message)) continue;
    return ended({ code: 'SCHEMA_MISMATCH', message }, response);
  }
}
