import { z } from '@hono/zod-openapi';
import { POOL_TRY_OUTCOMES } from '../../contracts/index.js';
import { PLACEMENT_STATUSES } from '../store/placement-store.js';

/** The JSON of the placement routes (offers, plans, placement evidence, the capacity-error cache). */

const Timestamp = z.iso.datetime();
const Market = z.enum(['spot', 'on-demand']);

const OfferGpu = z
  .object({ model: z.string(), count: z.number().int(), memoryGiB: z.number(), fraction: z.number().optional() })
  .nullable()
  .openapi({ description: 'The GPU in the shared vocabulary (e.g. A100-80GB); the vendor name when it has no mapping' });

const OfferFields = {
  provider: z.string(),
  instanceType: z.string(),
  region: z.string(),
  zone: z.string().nullable(),
  market: Market,
  pricePerHour: z.number().nullable(),
  vcpus: z.number().int(),
  memoryGiB: z.number(),
  gpu: OfferGpu,
  available: z.union([z.boolean(), z.literal('unknown')]),
};

export const RankedOfferSchema = z
  .object({ ...OfferFields, rank: z.number().int().positive(), pastFailures: z.number().int().nonnegative(), reasons: z.array(z.string()) })
  .openapi('RankedOffer');

const ExclusionSchema = z.object({ code: z.string(), message: z.string(), until: Timestamp.optional() });

export const ExcludedOfferSchema = z.object({ ...OfferFields, reasons: z.array(ExclusionSchema) }).openapi('ExcludedOffer');

const ClosestOfferSchema = z.object({ ...OfferFields, lacks: z.array(z.string()) });

export const PlanSchema = z
  .object({
    verdict: z.enum(['ok', 'no-matching-offer', 'none-available']),
    ranked: z.array(RankedOfferSchema),
    excluded: z.array(ExcludedOfferSchema),
    excludedTotal: z.number().int(),
    excludedByReason: z.record(z.string(), z.number().int()),
    closest: z.array(ClosestOfferSchema),
    retryAfterMs: z.number().nullable(),
    catalogs: z.array(z.object({ provider: z.string(), fetchedAt: Timestamp, offers: z.number().int() })),
    offersConsidered: z.number().int(),
  })
  .openapi('Plan');

export const PlacementSchema = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    status: z.enum(PLACEMENT_STATUSES),
    requirements: z.record(z.string(), z.unknown()),
    policy: z.object({
      attemptTimeoutMs: z.number(),
      chainTimeoutMs: z.number(),
      maxAttempts: z.number(),
      spotFailuresBeforeOnDemand: z.number(),
      maxAttemptsPerProvider: z.number(),
    }),
    plan: PlanSchema,
    attempts: z.array(
      z.object({
        n: z.number().int(),
        offer: RankedOfferSchema,
        token: z.string(),
        startedAt: Timestamp,
        endedAt: Timestamp.nullable(),
        outcome: z.enum(['pending', 'spawned', 'refused', 'unknown']),
        errorCode: z.string().nullable(),
        message: z.string().nullable(),
        pools: z.array(RankedOfferSchema).nullable().openapi({ description: "A pool attempt's offers (one launch of the provider's pool launcher, `offer` first); null for a one-offer spawn." }),
        tries: z
          .array(
            z.object({
              instanceType: z.string(),
              zone: z.string().nullable(),
              outcome: z.enum(POOL_TRY_OUTCOMES),
              errorCode: z.string().nullable(),
              message: z.string(),
            }),
          )
          .nullable()
          .openapi({ description: 'What each pool of a pool attempt said, once it is over (null: a spawn, or not over yet).' }),
      }),
    ),
    escalations: z.array(
      z.object({
        kind: z.string(),
        trigger: z.string(),
        message: z.string(),
        provider: z.string().optional(),
        region: z.string().optional(),
        at: Timestamp,
        afterAttempt: z.number().int(),
        fromProvider: z.string().optional().openapi({ description: 'The provider of the attempt whose refusal caused it' }),
      }),
    ),
    outcome: z.object({ code: z.string(), message: z.string(), offer: RankedOfferSchema.optional() }).nullable(),
    replaces: z.string().nullable(),
    deadlineAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Placement');

export const CapacityErrorSchema = z
  .object({
    provider: z.string(),
    region: z.string(),
    zone: z.string().nullable(),
    instanceType: z.string().nullable(),
    market: Market.nullable(),
    code: z.string(),
    message: z.string(),
    source: z.string(),
    failures: z.number().int(),
    firstSeenAt: Timestamp,
    lastSeenAt: Timestamp,
    until: Timestamp,
    active: z.boolean(),
  })
  .openapi('CapacityError');
