import { z } from 'zod';

/** Well-formed but fake: real accounts must configure an AMI of their own. */
export const DEFAULT_IMAGE_ID = 'ami-0123456789abcdef0';

const AMI_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const SubnetIdSchema = z.string().regex(/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, 'a subnet id is subnet- and 8 or 17 hex digits');

/** The keys that say where instances are launched; at most one may be set. */
export const SUBNET_KEYS = ['subnetId', 'subnets', 'subnetSelector'] as const;

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
    /** One subnet for every launch: it pins Hangar to that subnet's zone. Prefer `subnets` or `subnetSelector`. */
    subnetId: SubnetIdSchema.optional(),
    /**
     * Subnets to launch in, at most one zone's worth each: a list of ids (their zones are read with
     * DescribeSubnets), or a mapping of zone to subnet id (checked against EC2 the same way).
     */
    subnets: z
      .union(
        [
          z.array(SubnetIdSchema).min(1),
          z.record(z.string().min(1), SubnetIdSchema).refine((byZone) => Object.keys(byZone).length > 0, 'name at least one zone'),
        ],
        { error: (issue) => (issue.code === 'invalid_union' ? 'expected a list of subnet ids, or a mapping of zone to subnet id' : undefined) },
      )
      .optional(),
    /** Subnets found by their tags (Karpenter's subnetSelectorTerms): every available subnet carrying all of them; a value `*` matches any value. */
    subnetSelector: z
      .object({ tags: z.record(z.string().min(1), z.string()).refine((tags) => Object.keys(tags).length > 0, 'name at least one tag') })
      .strict()
      .optional(),
    keyName: z.string().min(1).optional(),
    /**
     * The deployment takes its credentials from the EC2 instance role (IMDS). Only the readiness check
     * `configured` reads it: it never calls IMDS, so without a local source of credentials it needs this
     * to know the role is meant (the auth probe then proves it). The SDK's chain is the same either way.
     */
    instanceRole: z.boolean().optional(),
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
  .strict()
  .superRefine((config, context) => {
    const set = SUBNET_KEYS.filter((key) => config[key] !== undefined);
    const [, second] = set;
    if (second !== undefined) {
      context.addIssue({ code: 'custom', path: [second], message: `set only one of ${SUBNET_KEYS.join(', ')} (${set.join(' and ')} are set)` });
    }
    if (config.subnets !== undefined && !Array.isArray(config.subnets)) {
      for (const zone of Object.keys(config.subnets)) {
        // A zone's name is its region's name and a letter (us-east-1a) or a local zone suffix (us-west-2-lax-1a).
        if (!config.regions.some((region) => zone.startsWith(region) && zone.length > region.length)) {
          context.addIssue({ code: 'custom', path: ['subnets', zone], message: `${zone} is not a zone of a configured region (${config.regions.join(', ')})` });
        }
      }
    }
  });

export type AwsConfig = z.infer<typeof AwsConfigSchema>;
