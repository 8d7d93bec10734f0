import { z } from 'zod';

/** A lower and/or upper bound; at least one side, and min ≤ max when both are given. */
const range = (what: string, integer: boolean) => {
  const bound = integer ? z.number().int().positive() : z.number().positive();
  return z
    .object({ min: bound.optional(), max: bound.optional() })
    .strict()
    .refine((value) => value.min !== undefined || value.max !== undefined, `${what} needs min or max`)
    .refine((value) => value.min === undefined || value.max === undefined || value.min <= value.max, `${what}.min is above ${what}.max`);
};

const providerName = z.string().min(1).max(64);
/** `us-*`, `eu-west-?`, `*`: `*` is any run of characters, `?` one character; the rest is literal. */
const regionGlob = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9*?_.-]+$/, 'a region glob is letters, digits, - _ . and the wildcards * ?');

export const SPOT_PREFERENCES = ['required', 'preferred', 'never'] as const;
export type SpotPreference = (typeof SPOT_PREFERENCES)[number];

/** What a workload needs, instead of a provider + instance type + region. */
export const RequirementsSchema = z
  .object({
    gpu: z
      .object({
        /** A canonical id (`A100-80GB`), a family (`A100`: any memory), or a vendor spelling (`nvidia a100 80gb`). */
        model: z.string().min(1).max(64).optional(),
        count: z.number().int().positive().max(64).optional(),
        minMemoryGiB: z.number().positive().max(4096).optional(),
      })
      .strict()
      .optional(),
    vcpus: range('vcpus', true).optional(),
    memoryGiB: range('memoryGiB', false).optional(),
    spot: z.enum(SPOT_PREFERENCES).default('never'),
    maxPricePerHour: z.number().positive().max(100_000).optional(),
    providers: z.array(providerName).min(1).max(16).optional(),
    excludeProviders: z.array(providerName).min(1).max(16).optional(),
    regions: z.array(regionGlob).min(1).max(32).optional(),
    zones: z.array(z.string().min(1).max(64)).min(1).max(32).optional(),
  })
  .strict();

export type Requirements = z.infer<typeof RequirementsSchema>;
export type RequirementsInput = z.input<typeof RequirementsSchema>;

/** Per-request overrides of the failover chain's limits (the config holds the defaults). */
export const ChainOptionsSchema = z
  .object({
    /** Deadline of one attempt (one provider call and its resolution), ms. */
    attemptTimeoutMs: z.number().int().min(1_000).max(600_000).optional(),
    /** Deadline of the whole chain, ms. */
    chainTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    /** Attempts at most, over all offers. */
    maxAttempts: z.number().int().min(1).max(50).optional(),
    /** With `spot: preferred`: spot capacity failures before the chain moves to on-demand offers. */
    spotFailuresBeforeOnDemand: z.number().int().min(0).max(50).optional(),
    /** Failed attempts on one provider before the chain moves to the next provider. */
    maxAttemptsPerProvider: z.number().int().min(1).max(50).optional(),
  })
  .strict();

export type ChainOptions = z.infer<typeof ChainOptionsSchema>;

/** Region glob → RegExp (anchored, case-sensitive like vendor region names). */
export function regionGlobPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
