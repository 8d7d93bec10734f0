import { z } from 'zod';

const delayRange = (min: number, max: number) =>
  z
    .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
    .strict()
    .refine((range) => range.min <= range.max, { message: 'min must not exceed max' })
    .default({ min, max });

/** `providers.orbstack` in the config file. */
export const OrbStackConfigSchema = z
  .object({
    /** `local`: machines simulated by the provider itself, no OrbStack install needed. */
    driver: z.enum(['local']).default('local'),
    seed: z.number().int().default(1),
    bootDelayMs: delayRange(1000, 3000),
    terminateDelayMs: delayRange(500, 1500),
    snapshotDelayMs: delayRange(500, 2000),
    /** Machines per zone and instance type before CAPACITY_ERROR; `default` covers unnamed types. */
    capacityPerZone: z
      .object({ default: z.number().int().nonnegative().default(50_000) })
      .catchall(z.number().int().nonnegative())
      .default({ default: 50_000 }),
  })
  .strict();

export type OrbStackConfig = z.infer<typeof OrbStackConfigSchema>;
