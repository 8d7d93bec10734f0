import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROUTING_POLICY,
  effectivePolicy,
  parseRoutingPolicy,
  policyHash,
  type RoutingPolicy,
  serializePolicy,
} from '../../../src/llm/gateway/routing-policy.js';

function parsed(input: unknown): RoutingPolicy {
  const result = parseRoutingPolicy(input);
  if (!result.ok) throw new Error(`expected a valid policy: ${JSON.stringify(result.issues)}`);
  return result.policy;
}

function issues(input: unknown): { path: string; message: string }[] {
  const result = parseRoutingPolicy(input);
  if (result.ok) throw new Error('expected the policy to be refused');
  return result.issues;
}

describe('parseRoutingPolicy', () => {
  it('fills every default from an empty object (DEFAULT_ROUTING_POLICY)', () => {
    expect(DEFAULT_ROUTING_POLICY).toEqual({
      weights: { cost: 0.25, latency: 0.25, quality: 0.25, safety: 0.25 },
      constraints: {},
      tags: {},
      escalation: { retryableFailuresBeforeEscalation: 2, maxEscalations: 3 },
    });
    expect(parsed({})).toEqual(DEFAULT_ROUTING_POLICY);
  });

  it('defaults each weight it is not given to 0.25', () => {
    expect(parsed({ weights: { cost: 1 } }).weights).toEqual({ cost: 1, latency: 0.25, quality: 0.25, safety: 0.25 });
  });

  it('returns a frozen policy', () => {
    const policy = parsed({ constraints: { deniedProviders: ['mock'] } });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.constraints.deniedProviders)).toBe(true);
  });

  it('refuses an unknown key at the top, naming it', () => {
    expect(issues({ weight: { cost: 1 } })).toEqual([{ path: 'weight', message: 'unknown key "weight"' }]);
  });

  it('refuses unknown keys nested anywhere, the path ending with the key', () => {
    const found = issues({
      constraints: { maxPrice: 1, maxPricePerMillion: { inputs: 2 } },
      escalation: { retries: 3 },
      tags: { cheap: { weights: { speed: 1 }, constraints: { allowedProvider: ['openai'] }, extra: true } },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'constraints.maxPrice', message: 'unknown key "maxPrice"' },
        { path: 'constraints.maxPricePerMillion.inputs', message: 'unknown key "inputs"' },
        { path: 'escalation.retries', message: 'unknown key "retries"' },
        { path: 'tags.cheap.weights.speed', message: 'unknown key "speed"' },
        { path: 'tags.cheap.constraints.allowedProvider', message: 'unknown key "allowedProvider"' },
        { path: 'tags.cheap.extra', message: 'unknown key "extra"' },
      ]),
    );
    expect(found).toHaveLength(6);
  });

  it('refuses all-zero weights', () => {
    expect(issues({ weights: { cost: 0, latency: 0, quality: 0, safety: 0 } })).toEqual([{ path: 'weights', message: expect.stringContaining('cannot all be zero') }]);
  });

  it('refuses negative weights with the weight named', () => {
    expect(issues({ weights: { latency: -1 } })).toEqual([{ path: 'weights.latency', message: expect.stringContaining('≥ 0') }]);
  });

  it("refuses a tag whose weights, merged over the base, are all zero; accepts one that leaves a weight", () => {
    const base = { cost: 1, latency: 0, quality: 0, safety: 0 };
    expect(issues({ weights: base, tags: { free: { weights: { cost: 0 } } } })).toEqual([{ path: 'tags.free.weights', message: expect.stringContaining('cannot all be zero') }]);
    expect(parsed({ weights: base, tags: { fast: { weights: { cost: 0, latency: 1 } } } }).tags.fast?.weights).toEqual({ cost: 0, latency: 1 });
  });

  it('refuses bad tag names, ladder entries, patterns and bounds, each with its dotted path', () => {
    const found = issues({
      constraints: { allowedModels: ['gpt-4o'], minContextWindow: 0, requiredCapabilities: ['telepathy'] },
      escalation: { retryableFailuresBeforeEscalation: 0, maxEscalations: 11 },
      tags: { 'Not-Lower': {}, premium: { ladder: ['openai/gpt-4o*'] }, empty: { ladder: [] } },
    });
    const paths = found.map((issue) => issue.path).sort();
    expect(paths).toEqual([
      'constraints.allowedModels.0',
      'constraints.minContextWindow',
      'constraints.requiredCapabilities.0',
      'escalation.maxEscalations',
      'escalation.retryableFailuresBeforeEscalation',
      'tags.Not-Lower',
      'tags.empty.ladder',
      'tags.premium.ladder.0',
    ]);
    expect(found.find((issue) => issue.path === 'tags.Not-Lower')?.message).toMatch(/invalid tag name "Not-Lower"/);
    expect(found.find((issue) => issue.path === 'tags.premium.ladder.0')?.message).toMatch(/exact "provider\/model"/);
  });

  it('accepts globbed model patterns and OpenRouter ids with slashes in ladders', () => {
    const policy = parsed({
      constraints: { deniedModels: ['openrouter/*:free', 'openai/gpt-4o*'], maxPricePerMillion: { input: 5 } },
      tags: { premium: { ladder: ['anthropic/claude-sonnet-4-5', 'openrouter/openai/gpt-4o'] } },
    });
    expect(policy.constraints.deniedModels).toEqual(['openrouter/*:free', 'openai/gpt-4o*']);
    expect(policy.tags.premium?.ladder).toEqual(['anthropic/claude-sonnet-4-5', 'openrouter/openai/gpt-4o']);
  });

  it('refuses what is not an object at all', () => {
    expect(issues(42)).toEqual([{ path: '(policy)', message: expect.any(String) }]);
  });
});

describe('effectivePolicy', () => {
  const policy = parsed({
    weights: { cost: 0.4, latency: 0.2, quality: 0.2, safety: 0.2 },
    constraints: { deniedProviders: ['mock'], minContextWindow: 8000 },
    tags: {
      cheap: { weights: { cost: 0.9 }, constraints: { maxPricePerMillion: { output: 2 } } },
      premium: { weights: { quality: 0.9, cost: 0.1 }, constraints: { deniedProviders: [] }, ladder: ['anthropic/claude-opus-4-5', 'openai/gpt-5'] },
      zeta: { weights: { cost: 0.5 }, ladder: ['openai/gpt-4o'] },
    },
  });

  it('is the base policy without tags (and with unknown tags only)', () => {
    for (const tags of [[], ['unknown', 'other']]) {
      expect(effectivePolicy(policy, tags)).toEqual({
        weights: policy.weights,
        constraints: policy.constraints,
        ladder: null,
        appliedTags: [],
        escalation: policy.escalation,
      });
    }
  });

  it("merges a tag's weights key by key and replaces the constraint keys it gives", () => {
    const effective = effectivePolicy(policy, ['cheap']);
    expect(effective.weights).toEqual({ cost: 0.9, latency: 0.2, quality: 0.2, safety: 0.2 });
    expect(effective.constraints).toEqual({ deniedProviders: ['mock'], minContextWindow: 8000, maxPricePerMillion: { output: 2 } });
    expect(effective.appliedTags).toEqual(['cheap']);
  });

  it('applies tags in sorted order whatever the caller listed, later tags winning per key', () => {
    const forward = effectivePolicy(policy, ['cheap', 'premium', 'nope']);
    const backward = effectivePolicy(policy, ['premium', 'nope', 'cheap', 'cheap']);
    expect(forward).toEqual(backward);
    expect(forward.appliedTags).toEqual(['cheap', 'premium']);
    // premium comes after cheap: its cost wins, cheap's output price cap stays, premium's empty deny list replaces the base's.
    expect(forward.weights).toEqual({ cost: 0.1, latency: 0.2, quality: 0.9, safety: 0.2 });
    expect(forward.constraints).toEqual({ deniedProviders: [], minContextWindow: 8000, maxPricePerMillion: { output: 2 } });
  });

  it('takes the ladder of the last applied tag that has one', () => {
    expect(effectivePolicy(policy, ['premium']).ladder).toEqual(['anthropic/claude-opus-4-5', 'openai/gpt-5']);
    expect(effectivePolicy(policy, ['premium', 'zeta']).ladder).toEqual(['openai/gpt-4o']);
    expect(effectivePolicy(policy, ['premium', 'cheap']).ladder).toEqual(['anthropic/claude-opus-4-5', 'openai/gpt-5']);
    expect(effectivePolicy(policy, ['cheap']).ladder).toBeNull();
  });

  it('falls back to the base weights when a combination of tags zeroes every weight', () => {
    const combo = parsed({ weights: { cost: 1, latency: 0, quality: 0, safety: 0 }, tags: { a: { weights: { cost: 0, latency: 1 } }, b: { weights: { latency: 0 } } } });
    expect(effectivePolicy(combo, ['a']).weights).toEqual({ cost: 0, latency: 1, quality: 0, safety: 0 });
    expect(effectivePolicy(combo, ['a', 'b']).weights).toEqual({ cost: 1, latency: 0, quality: 0, safety: 0 });
  });

  it('never shares objects with the policy (the result can be changed freely)', () => {
    const effective = effectivePolicy(policy, ['premium']);
    effective.weights.cost = 5;
    effective.ladder?.push('x/y');
    expect(policy.weights.cost).toBe(0.4);
    expect(policy.tags.premium?.ladder).toHaveLength(2);
  });
});

describe('serializePolicy and policyHash', () => {
  it('writes keys sorted recursively, 2-space indented, with a trailing newline', () => {
    const text = serializePolicy(parsed({ tags: { b: { weights: { safety: 1 } }, a: { ladder: ['openai/gpt-4o'] } } }));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "constraints": {},\n');
    const keys = [...text.matchAll(/^\s*"([^"]+)":/gm)].map((match) => match[1]);
    expect(keys).toEqual(['constraints', 'escalation', 'maxEscalations', 'retryableFailuresBeforeEscalation', 'tags', 'a', 'ladder', 'b', 'weights', 'safety', 'weights', 'cost', 'latency', 'quality', 'safety']);
  });

  it('gives the same bytes and hash whatever the key order of the input', () => {
    const one = parsed({ weights: { cost: 0.5, safety: 0.1 }, constraints: { deniedProviders: ['mock'], minContextWindow: 1000 } });
    const two = parsed({ constraints: { minContextWindow: 1000, deniedProviders: ['mock'] }, weights: { safety: 0.1, cost: 0.5 } });
    expect(serializePolicy(one)).toBe(serializePolicy(two));
    expect(policyHash(one)).toBe(policyHash(two));
    expect(policyHash(one)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the hash when the policy changes', () => {
    expect(policyHash(parsed({ weights: { cost: 0.5 } }))).not.toBe(policyHash(DEFAULT_ROUTING_POLICY));
  });
});
