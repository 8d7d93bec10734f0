import { z } from 'zod';

/** An official RunPod image (the v2 spec's own example), pulled when a spawn names none. */
export const DEFAULT_RUNPOD_IMAGE = 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404';

/**
 * `providers.runpod` in the config file. The API key may sit here (`apiKey`) but belongs in
 * `RUNPOD_API_KEY`; `HANGAR_RUNPOD_URL` and `HANGAR_RUNPOD_GRAPHQL_URL` override the endpoints.
 */
export const RunPodConfigSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    /** The REST server root, as the v2 spec's `servers` (paths are `/v2/...`). */
    baseUrl: z.url().optional(),
    /** The full GraphQL endpoint. */
    graphqlUrl: z.url().optional(),
    /** The cloud tier pods are created in and priced for. */
    cloud: z.enum(['SECURE', 'COMMUNITY']).default('SECURE'),
    defaultImage: z.string().min(1).default(DEFAULT_RUNPOD_IMAGE),
    /** Container disk per pod, GB. */
    containerDiskGb: z.number().int().min(1).default(50),
    /** Where a network volume is mounted in the pod. */
    volumeMountPath: z.string().startsWith('/').default('/workspace'),
    /** GPU counts offered per GPU type (`<n>x <gpu>` instance types); each count is one catalog read. */
    gpuCounts: z.array(z.number().int().positive().max(16)).min(1).default([1]),
    /** Ports to expose, `port/protocol`. */
    ports: z.array(z.string().regex(/^\d+\/(tcp|http)$/)).default([]),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** A paced request that would wait longer than this fails at once with RATE_LIMIT_ERROR instead. */
    maxPaceWaitMs: z.number().int().nonnegative().default(60_000),
    /**
     * The readiness execution probe: the GPU types (ids, as `/v2/catalog/gpus` names them) and data
     * centers whose stock must be above NONE for the smallest configured GPU count. Default: any.
     */
    readiness: z
      .object({
        gpuTypes: z.array(z.string().min(1)).min(1).optional(),
        dataCenters: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RunPodConfig = z.infer<typeof RunPodConfigSchema>;
