import { evaluateSlo, goesToCandidate, OutcomeWindow, type RampStage, type RolloutOutcome, type RolloutSlo, type SloBreach } from '../../governance/rollout/index.js';
import { ApiError } from '../api-error.js';
import type { Logger } from '../logger.js';
import type { ProviderRegistry } from '../provider-registry.js';
import type { RolloutPair } from './rollout-pair.js';

export type RampState = 'ramping' | 'promoted' | 'rolled_back';

export interface RampStatus extends RolloutPair {
  stage: number;
  state: RampState;
  since: string;
  history: { stage: number; at: string; reason: string }[];
  current_outcomes: ReturnType<OutcomeWindow['snapshot']>;
  candidate_outcomes: ReturnType<OutcomeWindow['snapshot']>;
  /** Shadow mismatches counted since the ramp began (the SLO's third input). */
  mismatches: number;
  rollback: { at: string; breaches: SloBreach[] } | null;
}

interface Ramp {
  pair: RolloutPair;
  stage: number;
  state: RampState;
  since: string;
  history: { stage: number; at: string; reason: string }[];
  current: OutcomeWindow;
  candidate: OutcomeWindow;
  mismatches: number;
  rollback: { at: string; breaches: SloBreach[] } | null;
}

export interface RampHooks {
  /** The candidate was promoted (stage 100): the shadow of the pair ends. */
  promoted(pair: RolloutPair): void;
  /** The ramp was rolled back (an SLO breach): recorded as an event, the shadow of the pair ends. */
  rolledBack(pair: RolloutPair, breaches: readonly SloBreach[]): void;
}

const key = (capability: string, current: string) => `${capability}:${current}`;

/**
 * Percentage ramps from an adapter to its candidate, one per (capability, current adapter): a stage's
 * share of new work goes to the candidate, assigned by a stable hash of the work's key (a spawn's
 * Idempotency-Key, an LLM request's key or id) salted with the candidate's name, so a retry lands on
 * the same side and a key on the candidate at 5 % stays there at 25 %. Every outcome on either side is
 * recorded; the candidate breaching the SLO (error rate, p95 regression against the current adapter,
 * shadow mismatches) reverts the ramp to 0 at once. At 100 the candidate is promoted. In memory: a
 * restart returns every ramp to 0, the safe side (docs/governance.md).
 */
export class RampService {
  private readonly ramps = new Map<string, Ramp>();
  hooks: RampHooks = { promoted: () => {}, rolledBack: () => {} };

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly slo: RolloutSlo,
    private readonly logger: Logger,
  ) {}

  /** Sets the pair's stage (0 stops it); 100 promotes. A promoted ramp is final until a restart. */
  setStage(pair: RolloutPair, stage: RampStage, reason: string): RampStatus {
    const existing = this.ramps.get(key(pair.capability, pair.current));
    if (existing !== undefined && existing.pair.candidate !== pair.candidate && existing.stage > 0) {
      throw new ApiError(409, 'RAMP_IN_PROGRESS', `${pair.current} is being ramped to ${existing.pair.candidate} (${existing.stage} %): set that ramp to 0 first`, { candidate: existing.pair.candidate, stage: existing.stage });
    }
    if (existing?.state === 'promoted') throw new ApiError(409, 'RAMP_PROMOTED', `${existing.pair.candidate} was promoted in place of ${pair.current}; restart with the providers file updated to change it again`);
    const at = new Date().toISOString();
    const fresh = existing === undefined || existing.pair.candidate !== pair.candidate || existing.state === 'rolled_back';
    const ramp: Ramp = fresh
      ? { pair, stage, state: 'ramping', since: at, history: [], current: new OutcomeWindow(this.slo.window), candidate: new OutcomeWindow(this.slo.window), mismatches: 0, rollback: null }
      : existing;
    ramp.stage = stage;
    ramp.history.push({ stage, at, reason });
    this.ramps.set(key(pair.capability, pair.current), ramp);
    if (stage === 100) {
      ramp.state = 'promoted';
      if (pair.capability === 'compute') {
        this.registry.setCandidate(pair.candidate, false);
        // The candidate serves in the current adapter's place; the current one keeps being reconciled until its machines are gone.
        this.registry.retire(pair.current);
      }
      this.hooks.promoted(pair);
    } else if (pair.capability === 'compute') {
      this.registry.setCandidate(pair.candidate, true);
    }
    this.logger.info('ramp stage set', { capability: pair.capability, adapter: pair.candidate, current: pair.current, stage, state: ramp.state, latency_ms: 0, attempts: 1, error_class: null });
    return this.status(ramp);
  }

  /** Which adapter takes this piece of new work: the candidate for the stage's share of keys, else the one asked for. */
  assign(capability: RolloutPair['capability'], requested: string, workKey: string): string {
    const ramp = this.ramps.get(key(capability, requested));
    if (ramp === undefined || ramp.stage === 0) return requested;
    return goesToCandidate(workKey, ramp.stage, ramp.pair.candidate) ? ramp.pair.candidate : requested;
  }

  /** Whether the adapter is a ramp's candidate that has not been promoted (LLM routing leaves it to the ramp). */
  isCandidate(capability: RolloutPair['capability'], adapter: string): boolean {
    for (const ramp of this.ramps.values()) if (ramp.pair.capability === capability && ramp.pair.candidate === adapter && ramp.state !== 'promoted') return true;
    return false;
  }

  /** One piece of work's outcome on an adapter; a candidate outcome re-checks the SLO. */
  record(capability: RolloutPair['capability'], adapter: string, outcome: RolloutOutcome): void {
    for (const ramp of this.ramps.values()) {
      if (ramp.pair.capability !== capability || ramp.state !== 'ramping' || ramp.stage === 0) continue;
      if (ramp.pair.current === adapter) ramp.current.record(outcome);
      else if (ramp.pair.candidate === adapter) {
        ramp.candidate.record(outcome);
        this.check(ramp);
      }
    }
  }

  /** A shadow comparison of the pair found mismatches (or the candidate failed where the current answered). */
  mismatched(pair: RolloutPair, count: number): void {
    const ramp = this.ramps.get(key(pair.capability, pair.current));
    if (ramp === undefined || ramp.pair.candidate !== pair.candidate || ramp.state !== 'ramping' || ramp.stage === 0) return;
    ramp.mismatches += count;
    this.check(ramp);
  }

  list(): RampStatus[] {
    return [...this.ramps.values()].sort((a, b) => (key(a.pair.capability, a.pair.current) < key(b.pair.capability, b.pair.current) ? -1 : 1)).map((ramp) => this.status(ramp));
  }

  private check(ramp: Ramp): void {
    const breaches = evaluateSlo({ candidate: ramp.candidate, current: ramp.current, mismatches: ramp.mismatches }, this.slo);
    if (breaches.length === 0) return;
    const at = new Date().toISOString();
    const from = ramp.stage;
    ramp.stage = 0;
    ramp.state = 'rolled_back';
    ramp.rollback = { at, breaches };
    ramp.history.push({ stage: 0, at, reason: `automatic rollback from ${from} %: ${breaches.map((breach) => breach.detail).join('; ')}` });
    this.logger.warn('ramp rolled back: the candidate breached its SLO', {
      capability: ramp.pair.capability,
      adapter: ramp.pair.candidate,
      current: ramp.pair.current,
      from_stage: from,
      breaches: breaches.map((breach) => breach.metric),
      latency_ms: 0,
      attempts: 1,
      error_class: 'SLO_BREACH',
    });
    this.hooks.rolledBack(ramp.pair, breaches);
  }

  private status(ramp: Ramp): RampStatus {
    return {
      ...ramp.pair,
      stage: ramp.stage,
      state: ramp.state,
      since: ramp.since,
      history: ramp.history.map((entry) => ({ ...entry })),
      current_outcomes: ramp.current.snapshot(),
      candidate_outcomes: ramp.candidate.snapshot(),
      mismatches: ramp.mismatches,
      rollback: ramp.rollback === null ? null : { at: ramp.rollback.at, breaches: [...ramp.rollback.breaches] },
    };
  }
}
