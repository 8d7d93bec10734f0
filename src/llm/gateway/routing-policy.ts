import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderIdSchema } from '../core/canonical-types.js';
import { sortKeys } from '../catalog/catalog-export.js';

/**
 * The routing policy of the LLM gateway: how much cost, latency, quality and safety weigh, which
 * providers and models may serve, and per-tag overrides (other weights, other constraints, a fixed
 * escalation ladder). Parsed once at the boundary (`parseRoutingPolicy`), then treated as immutable:
 * the router caches compiled matchers per policy object, so a parsed policy is frozen.
 */

export const ROUTING_CAPABILITIES = ['tools', 'vision', 'jsonSchema', 'reasoning'] as const;
export const RoutingCapabilitySchema = z.enum(ROUTING_CAPABILITIES);
export type RoutingCapability = z.infer<typeof RoutingCapabilitySchema>;

export const ROUTING_WEIGHT_KEYS = ['cost', 'latency', 'quality', 'safety'] as const;
const DEFAULT_WEIGHT = 0.25;
const weight = z.number().min(0, 'a weight is a number ≥ 0');
// Every weight exactly 0 (a negative weight is refused on its own, not reported as "all zero" too).
const allZero = (weights: { cost: number; latency: number; quality: number; safety: number }) =>
  weights.cost === 0 && weights.latency === 0 && weights.quality === 0 && weights.safety === 0;
const ALL_ZERO_MESSAGE = 'weights cannot all be zero: give at least one of cost, latency, quality, safety a positive weight';

export const RoutingWeightsSchema = z
  .object({ cost: weight.default(DEFAULT_WEIGHT), latency: weight.default(DEFAULT_WEIGHT), quality: weight.default(DEFAULT_WEIGHT), safety: weight.default(DEFAULT_WEIGHT) })
  .strict()
  .refine((weights) => !allZero(weights), { message: ALL_ZERO_MESSAGE });
export type RoutingWeights = z.infer<typeof RoutingWeightsSchema>;

/** A tag's weights: only the keys it changes (merged over the base weights). */
export const PartialRoutingWeightsSchema = z.object({ cost: weight.optional(), latency: weight.optional(), quality: weight.optional(), safety: weight.optional() }).strict();
export type PartialRoutingWeights = z.infer<typeof PartialRoutingWeightsSchema>;

/** `provider/model`, `*` (any run, slashes included) and `?` allowed: `openrouter/*:free`, `openai/gpt-4o*`. */
export const ModelPatternSchema = z.string().regex(/^[^/\s]+\/\S+$/, 'a model pattern is "provider/model" (* and ? allowed), e.g. "openai/gpt-4o*"');
/** An exact `provider/model` (the model part may hold slashes: `openrouter/openai/gpt-4o`). */
export const LadderEntrySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}\/[^\s*?]+$/, 'a ladder entry is an exact "provider/model" (no * or ?), e.g. "anthropic/claude-sonnet-4-5"');

export const RoutingConstraintsSchema = z
  .object({
    allowedProviders: z.array(ProviderIdSchema).optional(),
    deniedProviders: z.array(ProviderIdSchema).optional(),
    allowedModels: z.array(ModelPatternSchema).optional(),
    deniedModels: z.array(ModelPatternSchema).optional(),
    requiredCapabilities: z.array(RoutingCapabilitySchema).optional(),
    minContextWindow: z.number().int().positive().optional(),
    /** USD per million tokens, at most. A model whose price is unknown is then excluded (price_unknown). */
    maxPricePerMillion: z.object({ input: z.number().min(0).optional(), output: z.number().min(0).optional() }).strict().optional(),
  })
  .strict();
export type RoutingConstraints = z.infer<typeof RoutingConstraintsSchema>;

export const TagOverrideSchema = z
  .object({
    /** Merged over the base weights, key by key. */
    weights: PartialRoutingWeightsSchema.optional(),
    /** Each key given replaces the base's key (a list is replaced, not merged). */
    constraints: RoutingConstraintsSchema.optional(),
    /** The escalation ladder for requests with this tag, cheapest-first or not: the operator's order. */
    ladder: z.array(LadderEntrySchema).min(1).optional(),
  })
  .strict();
export type TagOverride = z.infer<typeof TagOverrideSchema>;

export const EscalationPolicySchema = z
  .object({
    /** Retryable failures (rate limit, overload, server) on one model before moving up the ladder. */
    retryableFailuresBeforeEscalation: z.number().int().min(1).max(10).default(2),
    /** Moves up the ladder at most; the ladder holds at most 1 + this many models. */
    maxEscalations: z.number().int().min(0).max(10).default(3),
  })
  .strict();
export type EscalationPolicy = z.infer<typeof EscalationPolicySchema>;

export const TAG_NAME_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
export const TagNameSchema = z.string().regex(TAG_NAME_PATTERN, 'a tag is 1-64 of a-z, 0-9, _ . : - (starting with a letter or digit)');

export const RoutingPolicySchema = z
  .object({
    weights: RoutingWeightsSchema.prefault({}),
    constraints: RoutingConstraintsSchema.default({}),
    tags: z.record(TagNameSchema, TagOverrideSchema).default({}),
    escalation: EscalationPolicySchema.prefault({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // Each tag alone must leave some weight; combinations of tags are not checked here (2^n of them):
    // effectivePolicy falls back to the base weights when a combination zeroes every weight.
    for (const [tag, override] of Object.entries(policy.tags)) {
      if (override.weights !== undefined && allZero({ ...policy.weights, ...override.weights })) {
        ctx.addIssue({ code: 'custom', path: ['tags', tag, 'weights'], message: `${ALL_ZERO_MESSAGE} (merged over the base weights)` });
      }
    }
  });
export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;
export type RoutingPolicyInput = z.input<typeof RoutingPolicySchema>;

export interface PolicyIssue {
  /** Dotted path to the offending field, e.g. `tags.cheap.weights` or `constraints.maxPrice` (an unknown key names itself). */
  path: string;
  message: string;
}

export type ParsedPolicy = { ok: true; policy: RoutingPolicy } | { ok: false; issues: PolicyIssue[] };

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const dotted = (path: readonly PropertyKey[]) => (path.length === 0 ? '(policy)' : path.map(String).join('.'));

function issuesOf(error: z.ZodError): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One issue per key, the key in the path, so "constraints.maxPrice" says exactly what to delete.
      for (const key of issue.keys) issues.push({ path: dotted([...issue.path, key]), message: `unknown key "${key}"` });
    } else if (issue.code === 'invalid_key') {
      const key = issue.path[issue.path.length - 1];
      issues.push({ path: dotted(issue.path), message: `invalid tag name "${String(key)}": ${issue.issues[0]?.message ?? issue.message}` });
    } else {
      issues.push({ path: dotted(issue.path), message: issue.message });
    }
  }
  return issues;
}

/** Validates a policy (e.g. from a config file or an admin API): the frozen policy, or every issue with its dotted path. */
export function parseRoutingPolicy(input: unknown): ParsedPolicy {
  const parsed = RoutingPolicySchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  return { ok: true, policy: deepFreeze(parsed.data) };
}

/** The policy of an empty config: equal weights (0.25 each), no constraints, no tags, the default escalation. */
export const DEFAULT_ROUTING_POLICY: RoutingPolicy = deepFreeze(RoutingPolicySchema.parse({}));

export interface EffectivePolicy {
  weights: RoutingWeights;
  constraints: RoutingConstraints;
  /** The ladder of the last applied tag that has one, else null (the router builds a cheapest-first ladder). */
  ladder: string[] | null;
  /** The request's tags the policy knows, sorted: the order they were applied in. */
  appliedTags: string[];
  escalation: EscalationPolicy;
}

/**
 * The policy for a request with these tags. Tags apply in sorted order (so the result does not
 * depend on the order the caller listed them), later tags winning per key: a tag's weights merge
 * over the weights so far, each constraint key it gives replaces that key. Unknown tags are ignored.
 * Should a combination of tags zero every weight (each tag alone cannot, the schema refuses it),
 * the base weights apply.
 */
export function effectivePolicy(policy: RoutingPolicy, tags: readonly string[]): EffectivePolicy {
  const appliedTags = [...new Set(tags)].filter((tag) => Object.hasOwn(policy.tags, tag)).sort();
  let weights: RoutingWeights = { ...policy.weights };
  let constraints: RoutingConstraints = { ...policy.constraints };
  let ladder: string[] | null = null;
  for (const tag of appliedTags) {
    const override = policy.tags[tag];
    if (override === undefined) continue;
    if (override.weights !== undefined) weights = { ...weights, ...definedOnly(override.weights) };
    if (override.constraints !== undefined) constraints = { ...constraints, ...definedOnly(override.constraints) };
    if (override.ladder !== undefined) ladder = [...override.ladder];
  }
  if (allZero(weights)) weights = { ...policy.weights };
  return { weights, constraints, ladder, appliedTags, escalation: { ...policy.escalation } };
}

/** The keys whose value is not undefined (a parsed override has none, a hand-built one might). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}

/** The policy as deterministic JSON: keys sorted recursively, 2-space indent, a trailing newline. */
export function serializePolicy(policy: RoutingPolicy): string {
  return `${JSON.stringify(sortKeys(policy), null, 2)}\n`;
}

const hashes = new WeakMap<RoutingPolicy, string>();

/** The first 16 hex digits of the sha256 of serializePolicy: names a policy version in logs and decisions. */
export function policyHash(policy: RoutingPolicy): string {
  let hash = hashes.get(policy);
  if (hash === undefined) {
    // Cached per policy object: policies are treated as immutable (parseRoutingPolicy freezes them).
    hash = createHash('sha256').update(serializePolicy(policy)).digest('hex').slice(0, 16);
    hashes.set(policy, hash);
  }
  return hash;
}
