import { ProviderError } from '../contracts/index.js';
import { SeededRandom } from './seeded-random.js';
import type { ChaosMatch, ChaosOperation, ChaosScenario, DriftRule, FaultRule, LatencyRule } from './chaos-scenario.js';

export interface ChaosCall extends ChaosMatch {
  operation: ChaosOperation;
  /** The machine or snapshot the call is about, for the fault log. */
  target?: string;
}

/** One injected fault. No wall-clock time: the same seed, scenario and calls give the same log, byte for byte. */
export interface FaultRecord {
  /** Position of the call among all calls the engine has seen. */
  call: number;
  operation: string;
  rule: string;
  effect: string;
  code: string | null;
  target: string | null;
}

export interface RuleCounter {
  matched: number;
  fired: number;
}

/** What a fired fault rule does to the call; `rule` lets an emulator render the vendor's own error for `rule.code`. */
export type FaultDecision = { rule: FaultRule; ruleId: string } & (
  | { kind: 'error'; error: Error }
  | { kind: 'timeout' }
  | { kind: 'phantom'; error: Error }
  | { kind: 'malformed' }
);

const RECENT_FAULTS = 1000;

interface Firing {
  probability: number;
  times?: number | undefined;
  after: number;
}

/**
 * Decides, call by call, which faults a scenario injects. All randomness comes from one seeded
 * generator drawn in a fixed order, so a scenario replays exactly for the same sequence of calls.
 */
export class ChaosEngine {
  private readonly random: SeededRandom;
  private readonly counters = new Map<string, RuleCounter>();
  private readonly recent: FaultRecord[] = [];
  private calls = 0;
  private total = 0;

  /** `provider` names the provider the injected `ProviderError`s come from. */
  constructor(
    readonly scenario: ChaosScenario,
    private readonly provider: string,
  ) {
    this.random = new SeededRandom(scenario.seed);
    const ids = [
      ...scenario.faults.map((rule, index) => ruleId(rule, 'faults', index)),
      ...scenario.latency.map((rule, index) => ruleId(rule, 'latency', index)),
      ...scenario.drift.map((rule, index) => ruleId(rule, 'drift', index)),
      ...scenario.capacity.map((_rule, index) => `capacity[${index}]`),
      ...Object.keys(scenario.quotas).map((key) => `quotas.${key}`),
      ...Object.keys(scenario.quirks).map((key) => `quirks.${key}`),
      ...(scenario.spotInterruptions ? ['spotInterruptions'] : []),
    ];
    for (const id of ids) this.counters.set(id, { matched: 0, fired: 0 });
  }

  /** Counts a call; every decision about it follows. */
  begin(): void {
    this.calls += 1;
  }

  /** Total latency the latency rules add to this call. */
  delayFor(call: ChaosCall): number {
    let delay = 0;
    this.scenario.latency.forEach((rule: LatencyRule, index) => {
      if (!this.fires(ruleId(rule, 'latency', index), rule, call)) return;
      delay += rule.delayMs + (rule.jitterMs > 0 ? this.random.int(0, rule.jitterMs) : 0);
    });
    return delay;
  }

  /** The first fault rule that fires for this call, already logged. */
  faultFor(call: ChaosCall): FaultDecision | null {
    for (const [index, rule] of this.scenario.faults.entries()) {
      const id = ruleId(rule, 'faults', index);
      if (!this.fires(id, rule, call)) continue;
      this.record(id, call, rule.effect, rule.code ?? null);
      return decision(rule, id, this.provider);
    }
    return null;
  }

  /** The drift rules that fire on this list or get. */
  driftFor(call: ChaosCall): { id: string; rule: DriftRule }[] {
    const firing: { id: string; rule: DriftRule }[] = [];
    this.scenario.drift.forEach((rule, index) => {
      const id = ruleId(rule, 'drift', index);
      if (this.fires(id, rule, call)) firing.push({ id, rule });
    });
    return firing;
  }

  /** A seeded coin toss for the rule named `id` (quirks and spot interruptions), counted like a rule. */
  chance(id: string, probability: number): boolean {
    const counter = this.counter(id);
    counter.matched += 1;
    if (probability < 1 && this.random.next() >= probability) return false;
    counter.fired += 1;
    return true;
  }

  /** A seeded choice, for drift targets. */
  pick<T>(items: readonly T[]): T {
    return this.random.pick(items);
  }

  /** Logs a fault some other part of the chaos layer injected (capacity, quota, drift, quirks). */
  record(rule: string, call: ChaosCall, effect: string, code: string | null): void {
    this.total += 1;
    this.recent.push({ call: this.calls, operation: call.operation, rule, effect, code, target: call.target ?? null });
    if (this.recent.length > RECENT_FAULTS) this.recent.shift();
  }

  /** Counts a firing of a rule that has no probability of its own (capacity and quotas). */
  countFired(id: string): void {
    const counter = this.counter(id);
    counter.matched += 1;
    counter.fired += 1;
  }

  status(): { calls: number; counters: Record<string, RuleCounter>; faults: { total: number; recent: FaultRecord[] } } {
    return {
      calls: this.calls,
      counters: Object.fromEntries([...this.counters].map(([id, counter]) => [id, { ...counter }])),
      faults: { total: this.total, recent: [...this.recent] },
    };
  }

  private counter(id: string): RuleCounter {
    let counter = this.counters.get(id);
    if (!counter) {
      counter = { matched: 0, fired: 0 };
      this.counters.set(id, counter);
    }
    return counter;
  }

  private fires(id: string, rule: Firing & Partial<ChaosMatch> & { operation?: ChaosOperation[] }, call: ChaosCall): boolean {
    if (rule.operation && !rule.operation.includes(call.operation)) return false;
    if (!matches(rule, call)) return false;
    const counter = this.counter(id);
    counter.matched += 1;
    if (counter.matched <= rule.after) return false;
    if (rule.times !== undefined && counter.fired >= rule.times) return false;
    if (rule.probability < 1 && this.random.next() >= rule.probability) return false;
    counter.fired += 1;
    return true;
  }
}

function matches(rule: Partial<ChaosMatch>, call: ChaosCall): boolean {
  if (rule.region !== undefined && rule.region !== call.region) return false;
  if (rule.zone !== undefined && rule.zone !== call.zone) return false;
  if (rule.instanceType !== undefined && rule.instanceType !== call.instanceType) return false;
  if (rule.spot !== undefined && rule.spot !== call.spot) return false;
  return true;
}

function ruleId(rule: { name?: string | undefined }, list: string, index: number): string {
  return rule.name ?? `${list}[${index}]`;
}

function decision(rule: FaultRule, id: string, provider: string): FaultDecision {
  const message = rule.message ?? `chaos: injected ${rule.effect}${rule.code ? ` ${rule.code}` : ''} (rule ${id})`;
  const error =
    rule.code === undefined
      ? // A phantom without a code fails the way a dropped connection does: no taxonomy error, outcome unknown.
        new Error(message)
      : new ProviderError({ code: rule.code, provider, message, retryAfterMs: rule.retryAfterMs });
  switch (rule.effect) {
    case 'error':
      return { rule, ruleId: id, kind: 'error', error };
    case 'phantom':
      return { rule, ruleId: id, kind: 'phantom', error };
    case 'timeout':
      return { rule, ruleId: id, kind: 'timeout' };
    case 'malformed':
      return { rule, ruleId: id, kind: 'malformed' };
  }
}
