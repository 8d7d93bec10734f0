import { z } from 'zod';
import { parseChaosScenario } from '../../chaos/chaos-control.js';

const delayRange = (min: number, max: number) =>
  z
    .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
    .strict()
    .refine((range) => range.min <= range.max, { message: 'min must not exceed max' })
    .default({ min, max });

/** `providers.orbstack` in the config file. */
export const OrbStackConfigSchema = z
  .object({
    /**
     * `local`: machines simulated by the provider itself, no OrbStack install needed.
     * `orbctl`: real OrbStack Linux machines through the `orbctl` CLI (no snapshots).
     */
    driver: z.enum(['local', 'orbctl']).default('local'),
    seed: z.number().int().default(1),
    // The delays and capacity model are the local driver's simulation; real OrbStack has its own.
    bootDelayMs: delayRange(1000, 3000),
    terminateDelayMs: delayRange(500, 1500),
    snapshotDelayMs: delayRange(500, 2000),
    /** Machines per zone and instance type before CAPACITY_ERROR; `default` covers unnamed types. */
    capacityPerZone: z
      .object({ default: z.number().int().nonnegative().default(50_000) })
      .catchall(z.number().int().nonnegative())
      .default({ default: 50_000 }),
    /** The `orbctl` driver: the executable (a name on PATH, or a path) and the deadline of each call. */
    orbctl: z
      .object({
        path: z.string().min(1).default('orbctl'),
        timeoutMs: z.number().int().positive().default(120_000),
      })
      .strict()
      .default({ path: 'orbctl', timeoutMs: 120_000 }),
    /** A chaos scenario (docs/chaos.md), or `{preset, seed?}`; absent means chaos off. */
    chaos: z
      .unknown()
      .optional()
      .superRefine((raw, ctx) => {
        if (raw === undefined) return;
        const parsed = parseChaosScenario(raw);
        if (parsed.ok) return;
        for (const issue of parsed.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path === '(root)' ? [] : issue.path.split('.') });
        }
      }),
  })
  .strict();

export type OrbStackConfig = z.infer<typeof OrbStackConfigSchema>;
