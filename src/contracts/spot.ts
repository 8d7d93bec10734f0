import { z } from 'zod';
import { SpawnOptionsSchema } from './spawn.js';

export const SpotPriceQuerySchema = z.object({
  instanceType: z.string().optional(),
  region: z.string().optional(),
});

export type SpotPriceQuery = z.infer<typeof SpotPriceQuerySchema>;

export const SpotPriceSchema = z.object({
  instanceType: z.string(),
  region: z.string(),
  zone: z.string().nullable(),
  pricePerHour: z.number().nonnegative(),
  observedAt: z.iso.datetime(),
});

export type SpotPrice = z.infer<typeof SpotPriceSchema>;

export const SpotRequestOptionsSchema = SpawnOptionsSchema.extend({
  /** The most the caller will pay per hour; null means up to the on-demand price. */
  maxPricePerHour: z.number().positive().nullable(),
});

export type SpotRequestOptions = z.infer<typeof SpotRequestOptionsSchema>;

export const SPOT_REQUEST_STATUSES = ['open', 'fulfilled', 'cancelled', 'failed'] as const;

export const SpotRequestSchema = z.object({
  requestId: z.string().min(1),
  status: z.enum(SPOT_REQUEST_STATUSES),
  providerInstanceId: z.string().nullable(),
  maxPricePerHour: z.number().nonnegative().nullable(),
  message: z.string().nullable(),
});

export type SpotRequest = z.infer<typeof SpotRequestSchema>;
