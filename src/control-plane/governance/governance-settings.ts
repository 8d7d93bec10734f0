import { z } from 'zod';
import { RolloutSloSchema } from '../../governance/rollout/index.js';

/**
 * `governance:` in the config file: the shadow runs' budget caps and the ramp's SLO (the automatic
 * rollback's thresholds). Every key has a default, so the section may be absent.
 */
export const GovernanceSettingsSchema = z
  .object({
    shadow: z
      .object({
        /** A shadow run's length when the request names none (`POST /providers/shadow/start/simple`). */
        defaultDurationSec: z.number().int().positive().default(300),
        /** The longest run a request may ask for: one day. */
        maxDurationSec: z.number().int().positive().default(86_400),
        /** Budget cap: a run ends after this many comparisons (each one is a second call to the candidate). */
        maxComparisons: z.number().int().positive().default(1_000),
        /** A mirrored call to the candidate that takes longer is counted as a candidate error. */
        compareTimeoutMs: z.number().int().positive().default(10_000),
        /** How many mismatching comparisons a run keeps as evidence (the counts cover all of them). */
        keepMismatches: z.number().int().nonnegative().default(20),
      })
      .strict()
      .prefault({}),
    rollout: z.object({ slo: RolloutSloSchema.prefault({}) }).strict().prefault({}),
  })
  .strict()
  .prefault({});

export type GovernanceSettings = z.infer<typeof GovernanceSettingsSchema>;
