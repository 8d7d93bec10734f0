import { z } from 'zod';

/** Well-formed but fake: real accounts must configure an AMI of their own. */
export const DEFAULT_IMAGE_ID = 'ami-0123456789abcdef0';

const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * `providers.aws` in the config file. Credentials are deliberately absent: they come from the SDK's
 * default chain (environment, shared files, SSO, instance role), so they never sit in Hangar's config.
 */
export const AwsConfigSchema = z
  .object({
    regions: z.array(z.string().min(1)).min(1).default(['us-east-1']),
    /** Overrides the EC2 endpoint; without it the SDK's own settings apply (`AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL`). */
    endpoint: z.url().optional(),
    /** The AMI a spawn without an image boots. */
    defaultImageId: z.string().regex(AMI_ID, 'an AMI id is ami- and 8 or 17 hex digits').default(DEFAULT_IMAGE_ID),
    subnetId: z.string().min(1).optional(),
    keyName: z.string().min(1).optional(),
    /** Warm EBS volume pools per zone and size; the reconcile heartbeat keeps each at its target. */
    warmVolumes: z
      .object({
        pools: z
          .array(
            z
              .object({
                region: z.string().min(1),
                zone: z.string().min(1),
                sizeGiB: z.number().int().positive().max(65_536),
                volumeType: z.enum(['gp3', 'gp2', 'io1', 'io2', 'st1', 'sc1', 'standard']).optional(),
                target: z.number().int().min(0).max(1_000),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ pools: [] }),
    /** On-demand prices: the bundled table, refreshed from the Price List API (GetProducts) when it answers. */
    pricing: z
      .object({
        enabled: z.boolean().default(true),
        /** Overrides the Price List endpoint; without it the SDK's own settings apply (`AWS_ENDPOINT_URL_PRICING`, `AWS_ENDPOINT_URL`). */
        endpoint: z.url().optional(),
        /** How old prices may get before a health check refreshes them. */
        refreshIntervalMs: z.number().int().min(60_000).default(24 * 60 * 60 * 1000),
      })
      .strict()
      .default({ enabled: true, refreshIntervalMs: 24 * 60 * 60 * 1000 }),
  })
  .strict();

export type AwsConfig = z.infer<typeof AwsConfigSchema>;
