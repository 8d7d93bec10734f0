import { z } from 'zod';
import { PROVIDER_ERROR_CODES, type ProviderErrorCode } from '../contracts/index.js';

/** The driver operations a rule can target; `*` is all of them. */
export const CHAOS_OPERATIONS = ['spawn', 'terminate', 'list', 'get', 'createSnapshot', 'getSnapshot', 'deleteSnapshot'] as const;
export type ChaosOperation = (typeof CHAOS_OPERATIONS)[number];

const errorCode = z.enum(PROVIDER_ERROR_CODES as [ProviderErrorCode, ...ProviderErrorCode[]]);
const probability = z.number().min(0).max(1);
const count = z.number().int().positive();
const operations = z
  .union([z.enum([...CHAOS_OPERATIONS, '*']), z.array(z.enum(CHAOS_OPERATIONS)).min(1)])
  .transform((value): ChaosOperation[] => (value === '*' ? [...CHAOS_OPERATIONS] : Array.isArray(value) ? value : [value]));

/** Which calls a rule applies to, beyond the operation: the spawn's placement and market. */
const MatchSchema = z
  .object({
    region: z.string().optional(),
    zone: z.string().optional(),
    instanceType: z.string().optional(),
    spot: z.boolean().optional(),
  })
  .strict();

/** When a rule fires: `probability` per matching call, at most `times` times, only after `after` matching calls. */
const firing = {
  probability: probability.default(1),
  times: count.optional(),
  after: z.number().int().nonnegative().default(0),
};

export const FAULT_EFFECTS = ['error', 'timeout', 'phantom', 'malformed'] as const;

/**
 * `error` raises a taxonomy error; `timeout` never answers; `phantom` performs the call, then fails
 * as if it had not (the machine exists); `malformed` answers success with a body the adapter cannot read.
 */
export const FaultRuleSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    operation: operations,
    effect: z.enum(FAULT_EFFECTS).default('error'),
    code: errorCode.optional(),
    message: z.string().max(500).optional(),
    retryAfterMs: z.number().int().nonnegative().optional(),
    ...firing,
    ...MatchSchema.shape,
  })
  .strict()
  .refine((rule) => rule.effect !== 'error' || rule.code !== undefined, {
    message: 'an error fault needs a code (one of the seven taxonomy codes)',
    path: ['code'],
  })
  .refine((rule) => rule.retryAfterMs === undefined || rule.code === 'RATE_LIMIT_ERROR', {
    message: 'retryAfterMs goes with code RATE_LIMIT_ERROR',
    path: ['retryAfterMs'],
  });

export const LatencyRuleSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    operation: operations,
    delayMs: z.number().int().nonnegative(),
    jitterMs: z.number().int().nonnegative().default(0),
    ...firing,
    ...MatchSchema.shape,
  })
  .strict();

export const CapacityRuleSchema = z
  .object({
    region: z.string().optional(),
    zone: z.string().optional(),
    instanceType: z.string().optional(),
    /** Live machines the matching placement can hold before CAPACITY_ERROR. */
    limit: z.number().int().nonnegative(),
  })
  .strict();

export const QuotaSchema = z
  .object({
    instances: z.number().int().nonnegative().optional(),
    vcpus: z.number().int().nonnegative().optional(),
    gpus: z.number().int().nonnegative().optional(),
  })
  .strict();

export const DRIFT_KINDS = ['vanish', 'status', 'spec', 'foreign'] as const;

/** Evaluated on every list and get: `vanish` deletes a machine behind our back, `status` stops one, `spec` changes its instance type, `foreign` creates an unknown machine carrying our marker. */
export const DriftRuleSchema = z
  .object({
    name: z.string().min(1).max(64).optional(),
    kind: z.enum(DRIFT_KINDS),
    /** For `foreign`: the ownership marker value the unknown machine carries. */
    owner: z.string().min(1).default('hangar'),
    ...firing,
  })
  .strict();

export const QuirksSchema = z
  .object({
    /** A new machine is missing from `list` for this long after it is created. */
    listLagMs: z.number().int().nonnegative().optional(),
    /** A terminated machine keeps answering `deleting` for this long. */
    slowTerminateMs: z.number().int().nonnegative().optional(),
    /** Machines boot this much later than they otherwise would (with this probability each). */
    slowBoot: z.object({ extraMs: z.number().int().positive(), probability: probability.default(1) }).strict().optional(),
  })
  .strict();

export const SpotInterruptionSchema = z
  .object({
    /** Per spot machine, per list or get: the chance a reclaim notice is served. */
    probability,
    /** Between the notice and the reclaim (EC2 gives two minutes). */
    noticeMs: z.number().int().nonnegative().default(120_000),
  })
  .strict();

export const ChaosScenarioSchema = z
  .object({
    seed: z.number().int(),
    description: z.string().max(500).optional(),
    faults: z.array(FaultRuleSchema).default([]),
    latency: z.array(LatencyRuleSchema).default([]),
    capacity: z.array(CapacityRuleSchema).default([]),
    quotas: QuotaSchema.default({}),
    drift: z.array(DriftRuleSchema).default([]),
    quirks: QuirksSchema.default({}),
    spotInterruptions: SpotInterruptionSchema.optional(),
  })
  .strict();

export type ChaosScenarioInput = z.input<typeof ChaosScenarioSchema>;
export type ChaosScenario = z.infer<typeof ChaosScenarioSchema>;
export type FaultRule = z.infer<typeof FaultRuleSchema>;
export type LatencyRule = z.infer<typeof LatencyRuleSchema>;
export type DriftRule = z.infer<typeof DriftRuleSchema>;
export type ChaosMatch = z.infer<typeof MatchSchema>;
