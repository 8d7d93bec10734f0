import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { supports } from '../../contracts/index.js';
import { decideShadow, type FieldMismatch, type ShadowBudget, type ShadowDecision, sortedJson } from '../../governance/rollout/index.js';
import type { ModelRef, ProviderRequest, ProviderResponse } from '../../llm/index.js';
import { ApiError } from '../api-error.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { ProviderRegistry } from '../provider-registry.js';
import type { Database } from '../store/database-schema.js';
import { recordEvent } from '../store/event-store.js';
import type { GovernanceSettings } from './governance-settings.js';
import type { RampService } from './ramp-service.js';
import type { RolloutPair } from './rollout-pair.js';
import { compareOutcomes, normalizeComputeRead, normalizeLlmResponse } from './shadow-comparison.js';
import type { ReadOutcome, ShadowedRead } from './shadow-read-tap.js';

/** A shadow comparison that found differences (or failed on one side), kept as evidence. */
export interface ShadowEvidence {
  operation: string;
  at: string;
  mismatches: FieldMismatch[];
}

interface ShadowRun {
  id: string;
  pair: RolloutPair;
  startedAt: number;
  endsAt: number;
  budget: ShadowBudget;
  comparisons: number;
  /** Comparisons with at least one field mismatch. */
  mismatches: number;
  fieldMismatches: number;
  candidateErrors: number;
  currentErrors: number;
  /** Reads not mirrored because the run's mirrors were all busy (the budget of calls in flight). */
  skipped: number;
  inFlight: number;
  evidence: ShadowEvidence[];
  timer: NodeJS.Timeout;
  ended: { at: number; reason: string; decision: ShadowDecision } | null;
}

export interface ShadowServiceOptions {
  registry: ProviderRegistry;
  ramp: RampService;
  db: Kysely<Database>;
  settings: GovernanceSettings['shadow'];
  dataDir: string;
  owner: string;
  logger: Logger;
  /** One LLM call through the gateway's runtime (no retries: the comparison takes what comes). */
  llmRun(request: ProviderRequest, signal: AbortSignal): Promise<ProviderResponse>;
  /** The model a provider's readiness probe uses (compare-once's request), null when none is known. */
  llmProbeModel(provider: string): ModelRef | null;
}

/** At most this many mirrored calls in flight per run: a burst of reads is sampled, never queued. */
const MIRRORS_IN_FLIGHT = 4;

/**
 * Shadow runs (docs/governance.md): while one runs, every read of the current adapter (compute:
 * list, get, instance types, spot prices; LLM: the generate request) is sent to the candidate too, and
 * the two answers are diffed deterministically; writes stay on the current adapter. A run ends at its
 * duration, at its comparison budget, on stop, on its ramp's promotion or rollback; its decision
 * (proceed only with no mismatch and no candidate error within the caps) and the decision's inputs
 * are written to `<dataDir>/reports/vendor_shadow_report.json`.
 */
export class ShadowService {
  private readonly runs = new Map<string, ShadowRun>();
  /** The latest decision per pair (a finished run or a compare-once): what a ramp is allowed on. */
  private readonly decisions = new Map<string, { decision: ShadowDecision; at: string; shadowId: string | null }>();

  constructor(private readonly options: ShadowServiceOptions) {}

  get reportPath(): string {
    return join(this.options.dataDir, 'reports', 'vendor_shadow_report.json');
  }

  start(pair: RolloutPair, durationSec: number, maxComparisons: number): { shadow_id: string; ends_at: string } {
    const started = performance.now();
    if (durationSec > this.options.settings.maxDurationSec) {
      throw new ApiError(422, 'VALIDATION_ERROR', `duration_sec ${durationSec} is above governance.shadow.maxDurationSec (${this.options.settings.maxDurationSec})`, { field: 'duration_sec' });
    }
    const running = this.runningFor(pair.capability, pair.current);
    if (running !== undefined) throw new ApiError(409, 'SHADOW_RUNNING', `shadow ${running.id} already mirrors ${pair.current} to ${running.pair.candidate}: stop it first`, { shadow_id: running.id });
    const now = Date.now();
    const run: ShadowRun = {
      id: newId('shd'),
      pair,
      startedAt: now,
      endsAt: now + durationSec * 1000,
      budget: { maxComparisons: Math.min(maxComparisons, this.options.settings.maxComparisons), maxDurationSec: durationSec },
      comparisons: 0,
      mismatches: 0,
      fieldMismatches: 0,
      candidateErrors: 0,
      currentErrors: 0,
      skipped: 0,
      inFlight: 0,
      evidence: [],
      timer: setTimeout(() => void this.end(run, 'duration reached'), durationSec * 1000),
      ended: null,
    };
    run.timer.unref();
    this.runs.set(run.id, run);
    if (pair.capability === 'compute') {
      this.options.registry.setCandidate(pair.candidate, true);
      this.options.registry.setReadTap(pair.current, (operation, args, outcome) => this.mirrorRead(run, operation, args, outcome));
    }
    this.options.logger.info('shadow started', { capability: pair.capability, adapter: pair.candidate, current: pair.current, shadow_id: run.id, duration_sec: durationSec, latency_ms: ms(started), attempts: 1, error_class: null });
    return { shadow_id: run.id, ends_at: new Date(run.endsAt).toISOString() };
  }

  /** Ends a run now (`POST /providers/shadow/stop`): its report is written and answered. */
  async stop(shadowId: string) {
    const run = this.runs.get(shadowId);
    if (run === undefined) throw new ApiError(404, 'SHADOW_NOT_FOUND', `no shadow run ${shadowId}`, { known: [...this.runs.keys()] });
    if (run.ended === null) await this.end(run, 'stopped');
    return this.summary(run);
  }

  /** Ends the pair's running shadow, if any (a ramp's promotion or rollback). */
  async endFor(pair: RolloutPair, reason: string): Promise<void> {
    const run = this.runningFor(pair.capability, pair.current);
    if (run !== undefined && run.pair.candidate === pair.candidate) await this.end(run, reason);
  }

  /** Whether the adapter is the candidate of a running shadow (LLM routing leaves it out). */
  isCandidate(capability: RolloutPair['capability'], adapter: string): boolean {
    for (const run of this.runs.values()) if (run.ended === null && run.pair.capability === capability && run.pair.candidate === adapter) return true;
    return false;
  }

  list() {
    return [...this.runs.values()].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1)).map((run) => this.summary(run));
  }

  /** The latest decision for the pair, or the running shadow's tally so far when it is clean; null when there is none. */
  clearedForRamp(pair: RolloutPair): { ok: boolean; reasons: string[] } {
    const running = this.runningFor(pair.capability, pair.current);
    if (running !== undefined && running.pair.candidate === pair.candidate) {
      const decision = decideShadow(this.tally(running), running.budget);
      if (decision.decision === 'proceed') return { ok: true, reasons: [] };
    }
    const last = this.decisions.get(pairKey(pair));
    if (last === undefined) return { ok: false, reasons: ['no shadow comparison of this pair yet (run POST /providers/shadow/compare-once or a shadow)'] };
    return { ok: last.decision.decision === 'proceed', reasons: last.decision.reasons };
  }

  /**
   * `POST /providers/shadow/compare-once`: one deterministic comparison now. Compute: the catalog,
   * the owner's machines and (with spot) the spot prices, from both adapters; LLM: one short request
   * to the current adapter's probe model through both. Its decision is written to the report.
   */
  async compareOnce(pair: RolloutPair, model?: string) {
    const started = performance.now();
    const evidence: ShadowEvidence[] = [];
    let comparisons = 0;
    let candidateErrors = 0;
    let currentErrors = 0;
    const at = new Date().toISOString();
    const note = (operation: string, current: ReadOutcome, candidate: ReadOutcome, normalize?: (value: unknown) => unknown) => {
      comparisons += 1;
      if (!current.ok) currentErrors += 1;
      if (!candidate.ok) candidateErrors += 1;
      const mismatches = compareOutcomes(current, candidate, normalize);
      if (mismatches.length > 0) evidence.push({ operation, at, mismatches });
    };
    if (pair.capability === 'compute') {
      const current = this.options.registry.require(pair.current).provider;
      const candidate = this.options.registry.require(pair.candidate).provider;
      const reads: [string, (provider: typeof current) => Promise<unknown>][] = [
        ['instanceTypes', (provider) => provider.instanceTypes()],
        ['list', (provider) => provider.list({ owner: this.options.owner })],
      ];
      if (supports(current, 'spot') && supports(candidate, 'spot')) reads.push(['getSpotPrices', (provider) => (supports(provider, 'spot') ? provider.getSpotPrices() : Promise.resolve([]))]);
      for (const [operation, read] of reads) {
        const [a, b] = await Promise.all([settle(read(current)), settle(this.bounded(read(candidate)))]);
        note(operation, a, b, normalizeComputeRead);
      }
    } else {
      const probe = model === undefined ? this.options.llmProbeModel(pair.current) : { provider: pair.current, model };
      if (probe === null) throw new ApiError(422, 'VALIDATION_ERROR', `${pair.current} has no probe model: name the model to compare with`, { field: 'model' });
      const request: ProviderRequest = { model: probe, messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with the single word: ok' }] }], maxOutputTokens: 16, temperature: 0 } as ProviderRequest;
      const [a, b] = await Promise.all([
        settle(this.options.llmRun(request, AbortSignal.timeout(this.options.settings.compareTimeoutMs))),
        settle(this.options.llmRun({ ...request, model: { provider: pair.candidate, model: probe.model } }, AbortSignal.timeout(this.options.settings.compareTimeoutMs))),
      ]);
      note('generate', a, b, (value) => normalizeLlmResponse(value as ProviderResponse));
    }
    const mismatches = evidence.reduce((sum, entry) => sum + entry.mismatches.length, 0);
    const decision = decideShadow({ comparisons, mismatches, candidateErrors, currentErrors, elapsedSec: 0 }, { maxComparisons: this.options.settings.maxComparisons, maxDurationSec: this.options.settings.maxDurationSec });
    this.decisions.set(pairKey(pair), { decision, at, shadowId: null });
    const report = { mode: 'compare-once', shadow_id: null, ...pairJson(pair), at, comparisons, mismatches, candidate_errors: candidateErrors, current_errors: currentErrors, decision: decision.decision, reasons: decision.reasons, evidence };
    await this.writeReport(report);
    this.options.logger.info('shadow compare-once', { capability: pair.capability, adapter: pair.candidate, current: pair.current, mismatches, decision: decision.decision, latency_ms: ms(started), attempts: 1, error_class: candidateErrors > 0 ? 'CANDIDATE_ERROR' : null });
    return { ...pairJson(pair), comparisons, mismatches, decision: decision.decision, reasons: decision.reasons, evidence, report: this.reportPath };
  }

  /**
   * Told of an LLM generate's answer by the gateway: while a shadow of that provider runs, the same
   * request goes to the candidate and the answers are compared. Never awaited by the caller.
   */
  mirrorLlm(request: ProviderRequest, response: ProviderResponse): void {
    const run = this.runningFor('llm_gateway', request.model.provider);
    if (run === undefined) return;
    this.mirror(run, 'generate', { ok: true, value: response }, () => this.options.llmRun({ ...request, model: { provider: run.pair.candidate, model: request.model.model } }, AbortSignal.timeout(this.options.settings.compareTimeoutMs)), (value) =>
      normalizeLlmResponse(value as ProviderResponse),
    );
  }

  /** Stops every run's timer (shutdown); nothing is written. */
  close(): void {
    for (const run of this.runs.values()) clearTimeout(run.timer);
  }

  private mirrorRead(run: ShadowRun, operation: ShadowedRead, args: readonly unknown[], outcome: ReadOutcome): void {
    const candidate = this.options.registry.get(run.pair.candidate)?.provider as unknown as Record<string, ((...inner: unknown[]) => Promise<unknown>) | undefined> | undefined;
    const read = candidate?.[operation];
    if (read === undefined) return;
    // The caller's own options bag (its abort signal) is not the mirror's: the mirror has its own deadline.
    const mirrored = args.map((arg) => (typeof arg === 'object' && arg !== null && 'signal' in arg ? { ...arg, signal: AbortSignal.timeout(this.options.settings.compareTimeoutMs) } : arg));
    this.mirror(run, operation, outcome, () => read(...mirrored), normalizeComputeRead);
  }

  private mirror(run: ShadowRun, operation: string, current: ReadOutcome, callCandidate: () => Promise<unknown>, normalize: (value: unknown) => unknown): void {
    if (run.ended !== null) return;
    if (run.comparisons + run.inFlight >= run.budget.maxComparisons) return;
    if (run.inFlight >= MIRRORS_IN_FLIGHT) {
      run.skipped += 1;
      return;
    }
    run.inFlight += 1;
    void settle(this.bounded(callCandidate())).then((candidate) => {
      run.inFlight -= 1;
      if (run.ended !== null) return;
      run.comparisons += 1;
      if (!current.ok) run.currentErrors += 1;
      if (!candidate.ok) run.candidateErrors += 1;
      const mismatches = compareOutcomes(current, candidate, normalize);
      if (mismatches.length > 0) {
        run.mismatches += 1;
        run.fieldMismatches += mismatches.length;
        if (run.evidence.length < this.options.settings.keepMismatches) run.evidence.push({ operation, at: new Date().toISOString(), mismatches: mismatches.slice(0, 20) });
        // A candidate failing where the current adapter answered is a mismatch at $error: the ramp's SLO counts both.
        this.options.ramp.mismatched(run.pair, mismatches.length);
      }
      if (run.comparisons >= run.budget.maxComparisons) void this.end(run, 'comparison budget reached');
    });
  }

  private bounded<T>(work: Promise<T>): Promise<T> {
    const timeoutMs = this.options.settings.compareTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`the candidate did not answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
      timer.unref();
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  private runningFor(capability: RolloutPair['capability'], current: string): ShadowRun | undefined {
    for (const run of this.runs.values()) if (run.ended === null && run.pair.capability === capability && run.pair.current === current) return run;
    return undefined;
  }

  private tally(run: ShadowRun) {
    return { comparisons: run.comparisons, mismatches: run.fieldMismatches, candidateErrors: run.candidateErrors, currentErrors: run.currentErrors, elapsedSec: ((run.ended?.at ?? Date.now()) - run.startedAt) / 1000 };
  }

  private async end(run: ShadowRun, reason: string): Promise<void> {
    if (run.ended !== null) return;
    clearTimeout(run.timer);
    const decision = decideShadow(this.tally(run), run.budget);
    run.ended = { at: Date.now(), reason, decision };
    if (run.pair.capability === 'compute') this.options.registry.setReadTap(run.pair.current, undefined);
    this.decisions.set(pairKey(run.pair), { decision, at: new Date(run.ended.at).toISOString(), shadowId: run.id });
    const summary = this.summary(run);
    try {
      await this.writeReport({ mode: 'shadow', ...summary });
      await recordEvent(this.options.db, { provider: run.pair.candidate, instanceId: null, type: 'governance.shadow-ended', fromStatus: null, toStatus: null, message: `shadow ${run.id} of ${run.pair.current} → ${run.pair.candidate} ended (${reason}): ${decision.decision}${decision.reasons.length > 0 ? ` (${decision.reasons.join('; ')})` : ''}`, data: { shadow_id: run.id, decision: decision.decision, reasons: decision.reasons, comparisons: run.comparisons, mismatches: run.fieldMismatches } });
    } catch (error) {
      this.options.logger.warn('the shadow report was not written', { shadow_id: run.id, error: String(error) });
    }
    this.options.logger.info('shadow ended', { capability: run.pair.capability, adapter: run.pair.candidate, current: run.pair.current, shadow_id: run.id, reason, decision: decision.decision, comparisons: run.comparisons, mismatches: run.fieldMismatches, latency_ms: run.ended.at - run.startedAt, attempts: run.comparisons, error_class: run.candidateErrors > 0 ? 'CANDIDATE_ERROR' : null });
  }

  private summary(run: ShadowRun) {
    const decision = run.ended?.decision ?? decideShadow(this.tally(run), run.budget);
    return {
      shadow_id: run.id,
      ...pairJson(run.pair),
      state: run.ended === null ? ('running' as const) : ('ended' as const),
      started_at: new Date(run.startedAt).toISOString(),
      ends_at: new Date(run.endsAt).toISOString(),
      ended_at: run.ended === null ? null : new Date(run.ended.at).toISOString(),
      end_reason: run.ended?.reason ?? null,
      budget: { max_comparisons: run.budget.maxComparisons, max_duration_sec: run.budget.maxDurationSec },
      comparisons: run.comparisons,
      fields_mismatches: run.fieldMismatches,
      mismatching_comparisons: run.mismatches,
      candidate_errors: run.candidateErrors,
      current_errors: run.currentErrors,
      skipped: run.skipped,
      decision: decision.decision,
      reasons: decision.reasons,
      evidence: run.evidence.map((entry) => ({ ...entry })),
    };
  }

  private async writeReport(report: Record<string, unknown>): Promise<void> {
    const path = this.reportPath;
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, sortedJson(report));
    await rename(temp, path);
  }
}

const pairKey = (pair: RolloutPair) => `${pair.capability}:${pair.current}:${pair.candidate}`;
const pairJson = (pair: RolloutPair) => ({ capability: pair.capability, current: pair.current, candidate: pair.candidate });
const ms = (started: number) => Math.round((performance.now() - started) * 100) / 100;

async function settle(work: Promise<unknown>): Promise<ReadOutcome> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    return { ok: false, error };
  }
}
