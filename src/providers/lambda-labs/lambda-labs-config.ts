import { z } from 'zod';

/** Lambda's production server root; paths are `/api/v1/...` under it (the OpenAPI document's `servers`). */
export const LAMBDA_LABS_DEFAULT_BASE_URL = 'https://cloud.lambda.ai';

/** The vendor's stated limits: one request per second, one launch per 12 seconds (OpenAPI `info.description`). */
export const LAMBDA_LABS_RATE_LIMITS = { requestIntervalMs: 1000, launchIntervalMs: 12_000, guardMs: 50 } as const;

/**
 * `providers."lambda-labs"` in the config file. The API key may sit here (`apiKey`) but is better
 * left to `LAMBDA_API_KEY`; either way it is never logged or returned.
 */
export const LambdaLabsConfigSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    /** The server root (`https://cloud.lambda.ai`); `HANGAR_LAMBDA_LABS_URL` overrides it. */
    baseUrl: z.url().optional(),
    /** The SSH key (by its name in the Lambda account) every launch installs; the launch API requires exactly one. */
    sshKeyName: z.string().min(1).max(64),
    /** The regions spawns may use; default every public region code the API knows. */
    regions: z.array(z.string().min(1)).min(1).optional(),
    rateLimits: z
      .object({
        requestIntervalMs: z.number().int().nonnegative().default(LAMBDA_LABS_RATE_LIMITS.requestIntervalMs),
        launchIntervalMs: z.number().int().nonnegative().default(LAMBDA_LABS_RATE_LIMITS.launchIntervalMs),
        /** Added to both intervals, so network jitter cannot make two paced requests arrive too close. */
        guardMs: z.number().int().nonnegative().default(LAMBDA_LABS_RATE_LIMITS.guardMs),
      })
      .strict()
      .default({ ...LAMBDA_LABS_RATE_LIMITS }),
    /** How long `regions_with_capacity_available` is trusted before a launch. */
    capacityCacheMs: z.number().int().nonnegative().default(10_000),
    /** The deadline of one HTTP request, pacing excluded. */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** The readiness execution probe: which instance types must have capacity (default: any type) in the configured regions. */
    readiness: z
      .object({ instanceTypes: z.array(z.string().min(1)).min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type LambdaLabsConfig = z.infer<typeof LambdaLabsConfigSchema>;
export type LambdaLabsRateLimits = LambdaLabsConfig['rateLimits'];
