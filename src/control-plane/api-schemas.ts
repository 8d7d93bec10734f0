import { z } from 'zod';
import { ENV_NAME_PATTERN, VolumeRequestSchema } from '../contracts/index.js';
import { ChainOptionsSchema, RequirementsSchema } from '../placement/requirements-schema.js';

const RESERVED_TAG_PREFIX = 'hangar:';

export const SpawnRequestSchema = z
  .object({
    provider: z.string().min(1).max(64),
    instanceType: z.string().min(1).max(128),
    region: z.string().min(1).max(64).optional(),
    zone: z.string().min(1).max(64).optional(),
    spot: z.boolean().default(false),
    image: z.string().min(1).max(128).optional(),
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'name is 1-63 lowercase letters, digits and hyphens (a DNS label)')
      .optional(),
    tags: z
      .record(z.string().min(1).max(128), z.string().max(256))
      .refine((tags) => Object.keys(tags).length <= 50, 'at most 50 tags')
      .refine(
        (tags) => Object.keys(tags).every((key) => !key.startsWith(RESERVED_TAG_PREFIX)),
        `tag keys starting with "${RESERVED_TAG_PREFIX}" are reserved for Hangar's ownership marks`,
      )
      .default({}),
    /**
     * Existing persistent volumes by provider id, or `{warm: {sizeGiB}}` from the provider's warm pool.
     * Optional without a default, so the request hash of a spawn without volumes is what it was before volumes existed.
     */
    volumes: z.array(VolumeRequestSchema).min(1).max(16, 'at most 16 volumes').optional(),
    bootstrap: z
      .object({
        script: z
          .string()
          .max(64 * 1024)
          .optional(),
        env: z
          .record(
            z.string().regex(ENV_NAME_PATTERN, 'environment variable names are letters, digits and _'),
            z.string().max(4096),
          )
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SpawnRequest = z.infer<typeof SpawnRequestSchema>;

/**
 * A spawn by need: `requirements` instead of provider + instanceType + region + zone + spot; the
 * placement layer ranks the offers and the failover chain tries them.
 */
export const PlacementSpawnRequestSchema = SpawnRequestSchema.omit({ provider: true, instanceType: true, region: true, zone: true, spot: true })
  .extend({
    requirements: RequirementsSchema,
    /** Per-request limits of the failover chain (deadlines, attempts, escalation). */
    placement: ChainOptionsSchema.optional(),
    /** `replace`: when a spot machine is reclaimed, place a replacement through the same chain. */
    onInterruption: z.enum(['terminate', 'replace']).default('terminate'),
  })
  .strict();

export type PlacementSpawnRequest = z.infer<typeof PlacementSpawnRequestSchema>;

/** The body of POST /v1/instances, as documented: explicit, or by requirements. */
export const SpawnBodySchema = z.union([SpawnRequestSchema, PlacementSpawnRequestSchema]);

export const SnapshotRequestSchema = z.object({ description: z.string().max(255).optional() }).strict();

export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key is 1-255 printable ASCII characters without spaces');
