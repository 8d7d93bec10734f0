import { z } from 'zod';

/** How one provider is reconciled; every field can be set for all providers and overridden per provider. */
export const ReconcilePolicyFields = z
  .object({
    healthCheckIntervalMs: z.number().int().positive(),
    reconcileIntervalMs: z.number().int().positive(),
    /** The longest wait between attempts after failures (backoff doubles up to this). */
    maxBackoffMs: z.number().int().positive(),
    /** A machine missing from list is not lost until this long after spawn (vendor lists lag). */
    lostGraceMs: z.number().int().nonnegative(),
    /** A spawn whose outcome is unknown and that no machine answers for fails after this long. */
    intentGraceMs: z.number().int().nonnegative(),
    /** An owned machine with no row is collected (or reported) this long after it was first seen. */
    orphanGraceMs: z.number().int().nonnegative(),
    /** `report` for shared accounts: orphans are only reported, never terminated. */
    orphanMode: z.enum(['collect', 'report']),
    /** Between terminate calls for a machine that is not yet going away. */
    terminateRetryMs: z.number().int().nonnegative(),
    /** A termination still unconfirmed after this long raises an event (and keeps being retried). */
    terminateBudgetMs: z.number().int().positive(),
    /** A machine not running this long after spawn is checked and, if still booting, terminated. */
    bootDeadlineMs: z.number().int().positive(),
    /** Per instance type, for shapes that boot slowly (GPU machines). */
    bootDeadlines: z.record(z.string(), z.number().int().positive()),
  })
  .strict();

export type ReconcilePolicy = z.infer<typeof ReconcilePolicyFields>;

export const DEFAULT_RECONCILE_POLICY: ReconcilePolicy = {
  healthCheckIntervalMs: 30_000,
  reconcileIntervalMs: 5_000,
  maxBackoffMs: 300_000,
  lostGraceMs: 120_000,
  intentGraceMs: 600_000,
  orphanGraceMs: 300_000,
  orphanMode: 'collect',
  terminateRetryMs: 15_000,
  terminateBudgetMs: 900_000,
  bootDeadlineMs: 600_000,
  bootDeadlines: {},
};

/** `reconcile` in the config: defaults for every provider plus `providers.<name>` overrides. */
export const ReconcileSettingsSchema = ReconcilePolicyFields.partial()
  .extend({ providers: z.record(z.string(), ReconcilePolicyFields.partial()).default({}) })
  .strict()
  .default({ providers: {} });

export type ReconcileSettings = z.infer<typeof ReconcileSettingsSchema>;

export function policyFor(settings: ReconcileSettings, provider: string): ReconcilePolicy {
  const { providers, ...shared } = settings;
  return { ...DEFAULT_RECONCILE_POLICY, ...shared, ...providers[provider] };
}

export function bootDeadlineFor(policy: ReconcilePolicy, instanceType: string): number {
  return policy.bootDeadlines[instanceType] ?? policy.bootDeadlineMs;
}
