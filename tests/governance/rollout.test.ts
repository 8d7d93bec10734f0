import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IGNORED_KEYS,
  DEFAULT_ROLLOUT_SLO,
  OutcomeWindow,
  RAMP_STAGES,
  type RolloutSlo,
  RolloutSloSchema,
  decideShadow,
  diffFields,
  evaluateSlo,
  goesToCandidate,
  rampBucket,
  sortedJson,
} from '../../src/governance/rollout/index.js';

const machine = (providerId: string, status = 'running') => ({
  providerId,
  status,
  instanceType: 'g5.xlarge',
  region: 'us-east-1',
  launchedAt: '2024-05-01T10:00:00.000Z',
  tags: { owner: 'alice', purpose: 'training' },
});

/** A fixed permutation (no randomness in tests): reversed, then the halves swapped. */
function shuffled<T>(items: readonly T[]): T[] {
  const reversed = [...items].reverse();
  const half = Math.floor(reversed.length / 2);
  return [...reversed.slice(half), ...reversed.slice(0, half)];
}

describe('diffFields', () => {
  const fleet = ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'].map((id) => machine(id));

  it('finds nothing between equal answers, whatever the order of the instances', () => {
    expect(diffFields(fleet, shuffled(fleet))).toEqual([]);
    expect(diffFields({ instances: fleet }, { instances: shuffled(fleet) })).toEqual([]);
  });

  it('reports a changed status once, at the instance it belongs to', () => {
    const candidate = shuffled(fleet).map((entry) => (entry.providerId === 'i-3' ? { ...entry, status: 'stopped' } : entry));
    expect(diffFields(fleet, candidate)).toEqual([{ path: '$[providerId=i-3].status', kind: 'changed', current: 'running', candidate: 'stopped' }]);
  });

  it('ignores timestamps and the default ignored keys, but not id', () => {
    const current = { ...machine('i-1'), launchedAt: '2024-05-01T10:00:00.000Z', fetchedAt: 1, requestId: 'a', latencyMs: 10, updated_at: '2024-05-01T10:00:00Z' };
    const candidate = { ...machine('i-1'), launchedAt: '2024-05-01T10:00:07.123Z', fetchedAt: 2, requestId: 'b', latencyMs: 99, updated_at: '2024-05-01T11:00:00+01:00' };
    expect(diffFields(current, candidate)).toEqual([]);
    expect(DEFAULT_IGNORED_KEYS).not.toContain('id');
    expect(diffFields({ id: 'a' }, { id: 'b' })).toEqual([{ path: '$.id', kind: 'changed', current: 'a', candidate: 'b' }]);
  });

  it('still compares an *At key that is not a timestamp on both sides, or present on one side only', () => {
    expect(diffFields({ launchedAt: '2024-05-01T10:00:00Z' }, { launchedAt: 'never' })).toEqual([
      { path: '$.launchedAt', kind: 'changed', current: '2024-05-01T10:00:00Z', candidate: 'never' },
    ]);
    expect(diffFields({}, { terminatedAt: '2024-05-01T10:00:00Z' })).toEqual([
      { path: '$.terminatedAt', kind: 'extra_in_candidate', current: null, candidate: '2024-05-01T10:00:00Z' },
    ]);
  });

  it('reports an extra machine once as extra_in_candidate, and a lost one as missing_in_candidate', () => {
    const extra = machine('i-9');
    expect(diffFields(fleet, [...fleet, extra])).toEqual([{ path: '$[providerId=i-9]', kind: 'extra_in_candidate', current: null, candidate: extra }]);
    expect(diffFields(fleet, fleet.slice(1))).toEqual([{ path: '$[providerId=i-1]', kind: 'missing_in_candidate', current: fleet[0], candidate: null }]);
  });

  it('gives the same list in the same order every time, sorted by path then kind', () => {
    const current = { usage: { outputTokens: 10, inputTokens: 5 }, zeta: 1, alpha: [3, 1], items: fleet };
    const candidate = { usage: { outputTokens: 11, inputTokens: 6 }, alpha: [1, 4], beta: true, items: shuffled(fleet).map((entry) => ({ ...entry, status: 'x' })) };
    const first = diffFields(current, candidate);
    expect(diffFields(current, candidate)).toEqual(first);
    expect(diffFields(structuredClone(current), structuredClone(candidate))).toEqual(first);
    const keys = first.map((entry) => `${entry.path} ${entry.kind}`);
    expect(keys).toEqual([...keys].sort());
    expect(first.map((entry) => entry.path)).toEqual([
      '$.alpha[]',
      '$.alpha[]',
      '$.beta',
      '$.items[providerId=i-1].status',
      '$.items[providerId=i-2].status',
      '$.items[providerId=i-3].status',
      '$.items[providerId=i-4].status',
      '$.items[providerId=i-5].status',
      '$.usage.inputTokens',
      '$.usage.outputTokens',
      '$.zeta',
    ]);
    expect(first[0]).toEqual({ path: '$.alpha[]', kind: 'extra_in_candidate', current: null, candidate: 4 });
    expect(first[1]).toEqual({ path: '$.alpha[]', kind: 'missing_in_candidate', current: 3, candidate: null });
  });

  it('compares arrays of scalars as multisets, each unmatched element once', () => {
    expect(diffFields(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual([]);
    expect(diffFields(['a', 'a', 'b'], ['a', 'b', 'b'])).toEqual([
      { path: '$[]', kind: 'extra_in_candidate', current: null, candidate: 'b' },
      { path: '$[]', kind: 'missing_in_candidate', current: 'a', candidate: null },
    ]);
    expect(diffFields({ gpus: [1, 2] }, { gpus: [2, 1, 2] })).toEqual([{ path: '$.gpus[]', kind: 'extra_in_candidate', current: null, candidate: 2 }]);
  });

  it('matches objects without identity as a multiset, under the diff rules (timestamps ignored)', () => {
    const current = [{ zone: 'a', observedAt: 1 }, { zone: 'b', seenAt: '2024-01-01T00:00:00Z' }];
    const candidate = [{ zone: 'b', seenAt: '2024-01-01T00:00:05Z' }, { zone: 'a', observedAt: 2 }];
    expect(diffFields(current, candidate)).toEqual([]);
  });

  it('matches by the first identity that fits, including instanceType+region together', () => {
    const offers = [
      { instanceType: 'g5.xlarge', region: 'us-east-1', price: 1 },
      { instanceType: 'g5.xlarge', region: 'eu-west-1', price: 2 },
    ];
    expect(diffFields(offers, [{ ...offers[1], price: 3 }, offers[0]])).toEqual([
      { path: '$[instanceType=g5.xlarge,region=eu-west-1].price', kind: 'changed', current: 2, candidate: 3 },
    ]);
    const models = [{ model: 'gpt-x', context: 8 }, { model: 'claude-y', context: 200 }];
    expect(diffFields(models, [models[1], { model: 'gpt-x', context: 16 }])).toEqual([{ path: '$[model=gpt-x].context', kind: 'changed', current: 8, candidate: 16 }]);
  });

  it('falls back to a multiset when an identity repeats, and honours custom identity and ignore keys', () => {
    const twins = [{ name: 'a', v: 1 }, { name: 'a', v: 2 }];
    expect(diffFields(twins, [twins[1], twins[0]])).toEqual([]);
    expect(diffFields([{ key: 'k', v: 1 }], [{ key: 'k', v: 2 }], { identityKeys: ['key'] })).toEqual([{ path: '$[key=k].v', kind: 'changed', current: 1, candidate: 2 }]);
    expect(diffFields({ v: 1, noise: 1 }, { v: 1, noise: 2 }, { ignoreKeys: ['noise'] })).toEqual([]);
    expect(diffFields({ fetchedAt: 1 }, { fetchedAt: 2 }, { ignoreKeys: [] })).toEqual([{ path: '$.fetchedAt', kind: 'changed', current: 1, candidate: 2 }]);
  });

  it('treats numbers within 1e-9 relative as equal, and no further', () => {
    expect(diffFields({ price: 0.1 + 0.2 }, { price: 0.3 })).toEqual([]);
    expect(diffFields({ big: 1e12 }, { big: 1e12 + 1 })).toEqual([]);
    expect(diffFields({ small: 1e-12 }, { small: 2e-12 })).toEqual([]);
    expect(diffFields({ n: NaN }, { n: NaN })).toEqual([]);
    expect(diffFields({ price: 1 }, { price: 1 + 1e-8 })).toEqual([{ path: '$.price', kind: 'changed', current: 1, candidate: 1 + 1e-8 }]);
    expect(diffFields({ n: Infinity }, { n: -Infinity })).toHaveLength(1);
  });

  it('tells a null value from a missing field, a type change from a value change, and quotes odd keys', () => {
    expect(diffFields({ a: null }, {})).toEqual([{ path: '$.a', kind: 'missing_in_candidate', current: null, candidate: null }]);
    expect(diffFields({ a: undefined }, {})).toEqual([]);
    expect(diffFields({ a: '1' }, { a: 1 })).toEqual([{ path: '$.a', kind: 'changed', current: '1', candidate: 1 }]);
    expect(diffFields({ a: [] }, { a: {} })).toEqual([{ path: '$.a', kind: 'changed', current: [], candidate: {} }]);
    expect(diffFields({ 'odd key': 1 }, { 'odd key': 2 })).toEqual([{ path: '$["odd key"]', kind: 'changed', current: 1, candidate: 2 }]);
    expect(diffFields({ usage: { outputTokens: 3 } }, { usage: { outputTokens: 4 } })[0]?.path).toBe('$.usage.outputTokens');
  });
});

describe('ramp assignment', () => {
  const keys = Array.from({ length: 10_000 }, (_, index) => `key-${index}`);

  it('puts a key in the same bucket in [0, 10000) every time, and another salt reshuffles', () => {
    for (const key of keys.slice(0, 200)) {
      const bucket = rampBucket(key, 'rollout-1');
      expect(Number.isInteger(bucket)).toBe(true);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(10_000);
      expect(rampBucket(key, 'rollout-1')).toBe(bucket);
    }
    const moved = keys.slice(0, 200).filter((key) => rampBucket(key, 'rollout-1') !== rampBucket(key, 'rollout-2'));
    expect(moved.length).toBeGreaterThan(190);
  });

  it('answers the same for the same key, stage and salt', () => {
    for (const key of keys.slice(0, 500)) {
      for (const stage of RAMP_STAGES) expect(goesToCandidate(key, stage, 's')).toBe(goesToCandidate(key, stage, 's'));
    }
  });

  it('sends a key exactly when its bucket is below stage * 100, boundaries included', () => {
    const sample = keys.slice(0, 2000).map((key) => ({ key, bucket: rampBucket(key, 'salt') }));
    const onBoundary = sample.filter(({ bucket }) => bucket % 100 === 0 && bucket > 0);
    expect(onBoundary.length).toBeGreaterThan(0);
    for (const { key, bucket } of onBoundary) {
      expect(goesToCandidate(key, bucket / 100, 'salt')).toBe(false);
      expect(goesToCandidate(key, bucket / 100 + 1, 'salt')).toBe(true);
    }
    for (let stage = 0; stage <= 100; stage += 1) {
      expect(sample.filter(({ key }) => goesToCandidate(key, stage, 'salt')).map(({ key }) => key)).toEqual(sample.filter(({ bucket }) => bucket < stage * 100).map(({ key }) => key));
    }
  });

  it('is monotone: a key on the candidate at one stage stays there at every later stage', () => {
    for (const key of keys) {
      const answers = RAMP_STAGES.map((stage) => goesToCandidate(key, stage, 'salt'));
      const first = answers.indexOf(true);
      expect(first).not.toBe(-1);
      expect(answers.slice(first).every(Boolean)).toBe(true);
    }
  });

  it('sends nothing at 0 and everything at 100', () => {
    expect(keys.some((key) => goesToCandidate(key, 0, 'salt'))).toBe(false);
    expect(keys.every((key) => goesToCandidate(key, 100, 'salt'))).toBe(true);
  });

  it.each([5, 25, 50])('sends %i %% of 10,000 fixed keys, within 1.5 points', (stage) => {
    const share = (keys.filter((key) => goesToCandidate(key, stage, 'salt')).length / keys.length) * 100;
    expect(Math.abs(share - stage)).toBeLessThanOrEqual(1.5);
  });
});

const outcome = (ok: boolean, latencyMs = 100) => ({ ok, latencyMs, errorClass: ok ? null : 'PROVIDER_UNAVAILABLE' });

function windowOf(outcomes: readonly { ok: boolean; latencyMs: number; errorClass: string | null }[], capacity = 200): OutcomeWindow {
  const window = new OutcomeWindow(capacity);
  for (const entry of outcomes) window.record(entry);
  return window;
}

describe('RolloutSloSchema', () => {
  it('defaults every field, and refuses unknown or out-of-range ones', () => {
    expect(DEFAULT_ROLLOUT_SLO).toEqual({ maxErrorRate: 0.2, minSamples: 5, maxP95Regression: 2, maxMismatches: 0, window: 200 });
    expect(RolloutSloSchema.parse({ maxErrorRate: 0.5 }).minSamples).toBe(5);
    expect(RolloutSloSchema.safeParse({ maxErorRate: 0.5 }).success).toBe(false);
    expect(RolloutSloSchema.safeParse({ maxErrorRate: 1.5 }).success).toBe(false);
    expect(RolloutSloSchema.safeParse({ minSamples: 0 }).success).toBe(false);
    expect(RolloutSloSchema.safeParse({ minSamples: 2.5 }).success).toBe(false);
    expect(RolloutSloSchema.safeParse({ maxP95Regression: 0.9 }).success).toBe(false);
    expect(RolloutSloSchema.safeParse({ maxMismatches: -1 }).success).toBe(false);
    expect(RolloutSloSchema.safeParse({ window: 9 }).success).toBe(false);
  });
});

describe('OutcomeWindow', () => {
  it('keeps only the last `capacity` outcomes', () => {
    const window = windowOf([...Array.from({ length: 10 }, () => outcome(false)), ...Array.from({ length: 10 }, () => outcome(true))], 10);
    expect(window.size).toBe(10);
    expect(window.errors()).toBe(0);
    window.record(outcome(false));
    window.record(outcome(false));
    expect(window.size).toBe(10);
    expect(window.errors()).toBe(2);
    expect(window.errorRate()).toBeCloseTo(0.2, 12);
  });

  it('is empty at first: no samples, no errors, no p95', () => {
    expect(new OutcomeWindow(10).snapshot()).toEqual({ samples: 0, errors: 0, errorRate: 0, p95LatencyMs: null });
    expect(() => new OutcomeWindow(0)).toThrow(RangeError);
  });

  it('takes the nearest-rank p95 over successes only', () => {
    const latencies = Array.from({ length: 100 }, (_, index) => outcome(true, index + 1));
    expect(windowOf(shuffled(latencies)).p95LatencyMs()).toBe(95);
    expect(windowOf([outcome(true, 10), outcome(true, 20), outcome(false, 100_000)]).p95LatencyMs()).toBe(20);
    expect(windowOf([outcome(true, 7)]).p95LatencyMs()).toBe(7);
    expect(windowOf(Array.from({ length: 20 }, (_, index) => outcome(true, index + 1))).p95LatencyMs()).toBe(19);
    expect(windowOf([outcome(false)]).snapshot()).toEqual({ samples: 1, errors: 1, errorRate: 1, p95LatencyMs: null });
  });
});

describe('evaluateSlo', () => {
  const healthy = (count: number, latencyMs = 100) => windowOf(Array.from({ length: count }, () => outcome(true, latencyMs)));
  const slo: RolloutSlo = DEFAULT_ROLLOUT_SLO;

  it('finds nothing wrong with a healthy candidate', () => {
    expect(evaluateSlo({ candidate: healthy(50), current: healthy(50), mismatches: 0 }, slo)).toEqual([]);
  });

  it('breaches on error rate above the threshold, with the numbers in one sentence', () => {
    const candidate = windowOf([outcome(false), outcome(false), outcome(true), outcome(true), outcome(true)]);
    expect(evaluateSlo({ candidate, current: healthy(50), mismatches: 0 }, slo)).toEqual([
      { metric: 'error_rate', observed: 0.4, threshold: 0.2, detail: 'candidate error rate 0.40 over 5 calls > 0.20' },
    ]);
    const atThreshold = windowOf([outcome(false), outcome(true), outcome(true), outcome(true), outcome(true)]);
    expect(evaluateSlo({ candidate: atThreshold, current: healthy(50), mismatches: 0 }, slo)).toEqual([]);
  });

  it('never breaches on error rate or latency below minSamples', () => {
    const fewFailures = windowOf([outcome(false), outcome(false), outcome(false), outcome(false)]);
    expect(evaluateSlo({ candidate: fewFailures, current: healthy(50), mismatches: 0 }, slo)).toEqual([]);
    expect(evaluateSlo({ candidate: healthy(4, 10_000), current: healthy(50), mismatches: 0 }, slo)).toEqual([]);
    expect(evaluateSlo({ candidate: healthy(50, 10_000), current: healthy(4), mismatches: 0 }, slo)).toEqual([]);
    expect(evaluateSlo({ candidate: fewFailures, current: healthy(50), mismatches: 0 }, { ...slo, minSamples: 4 })).toHaveLength(1);
  });

  it('breaches when the candidate p95 regresses beyond the allowed ratio', () => {
    expect(evaluateSlo({ candidate: healthy(20, 300), current: healthy(20, 100), mismatches: 0 }, slo)).toEqual([
      { metric: 'p95_latency_regression', observed: 3, threshold: 2, detail: 'candidate p95 latency 300 ms is 3.00x the current 100 ms > 2.00x' },
    ]);
    expect(evaluateSlo({ candidate: healthy(20, 200), current: healthy(20, 100), mismatches: 0 }, slo)).toEqual([]);
    expect(evaluateSlo({ candidate: healthy(20, 0.5), current: healthy(20, 0), mismatches: 0 }, slo)).toEqual([]);
  });

  it('breaches on mismatches above the allowance, whatever the sample count', () => {
    expect(evaluateSlo({ candidate: new OutcomeWindow(10), current: new OutcomeWindow(10), mismatches: 1 }, slo)).toEqual([
      { metric: 'mismatches', observed: 1, threshold: 0, detail: '1 shadow mismatch > 0 allowed' },
    ]);
    expect(evaluateSlo({ candidate: healthy(5), current: healthy(5), mismatches: 3 }, { ...slo, maxMismatches: 3 })).toEqual([]);
  });

  it('lists every breach in the fixed order error_rate, p95_latency_regression, mismatches', () => {
    const candidate = windowOf([...Array.from({ length: 10 }, () => outcome(true, 1000)), ...Array.from({ length: 10 }, () => outcome(false))]);
    const breaches = evaluateSlo({ candidate, current: healthy(20, 100), mismatches: 2 }, slo);
    expect(breaches.map((breach) => breach.metric)).toEqual(['error_rate', 'p95_latency_regression', 'mismatches']);
    expect(breaches[2]?.detail).toBe('2 shadow mismatches > 0 allowed');
  });
});

describe('decideShadow', () => {
  const budget = { maxComparisons: 100, maxDurationSec: 60 };
  const clean = { comparisons: 40, mismatches: 0, candidateErrors: 0, currentErrors: 0, elapsedSec: 30 };

  it('proceeds after a clean run within budget, current-side errors notwithstanding', () => {
    expect(decideShadow(clean, budget)).toEqual({ decision: 'proceed', reasons: [] });
    expect(decideShadow({ ...clean, currentErrors: 3 }, budget)).toEqual({ decision: 'proceed', reasons: [] });
    expect(decideShadow({ ...clean, comparisons: 100, elapsedSec: 61 }, budget).decision).toBe('proceed');
  });

  it.each([
    [{ comparisons: 0 }, 'no comparison was made'],
    [{ mismatches: 3 }, '3 mismatches (0 allowed)'],
    [{ mismatches: 1 }, '1 mismatch (0 allowed)'],
    [{ candidateErrors: 2 }, '2 candidate errors'],
    [{ candidateErrors: 1 }, '1 candidate error'],
    [{ comparisons: 101 }, '101 comparisons over the budget of 100'],
    [{ elapsedSec: 61.5 }, 'ran 61.5 s, over the budget of 60 s'],
  ])('holds on %o: %s', (change, reason) => {
    expect(decideShadow({ ...clean, ...change }, budget)).toEqual({ decision: 'hold', reasons: [reason] });
  });

  it('gives one reason per failed condition, sorted', () => {
    const decision = decideShadow({ comparisons: 0, mismatches: 3, candidateErrors: 2, currentErrors: 0, elapsedSec: 90 }, budget);
    expect(decision).toEqual({ decision: 'hold', reasons: ['2 candidate errors', '3 mismatches (0 allowed)', 'no comparison was made', 'ran 90 s, over the budget of 60 s'] });
    expect(decision.reasons).toEqual([...decision.reasons].sort());
  });
});

describe('sortedJson', () => {
  it('sorts keys at every depth, keeps array order, indents by 2 and ends in one newline', () => {
    const text = sortedJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, '10': 'x', '9': 'y', skip: undefined });
    expect(text).toBe(
      '{\n  "10": "x",\n  "9": "y",\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(JSON.parse(text)).toEqual({ a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1, '10': 'x', '9': 'y' });
  });

  it('writes what JSON.stringify writes for everything but key order', () => {
    const value = { when: new Date('2024-01-01T00:00:00Z'), list: [], empty: {}, n: NaN, s: 'quote " and \u2028' };
    expect(sortedJson(value)).toBe(`${JSON.stringify({ empty: {}, list: [], n: null, s: value.s, when: '2024-01-01T00:00:00.000Z' }, null, 2)}\n`);
    expect(sortedJson([2, 1])).toBe('[\n  2,\n  1\n]\n');
    expect(sortedJson('x')).toBe('"x"\n');
  });
});
