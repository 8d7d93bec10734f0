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
  })
  .strict();

export type AwsConfig = z.infer<typeof AwsConfigSchema>;
