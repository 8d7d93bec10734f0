import { z } from 'zod';

const cuda = z.string().regex(/^\d+\.\d+$/);

/** `CreatePodRequest` of the v2 document (unevaluatedProperties: false, so unknown fields are refused with 422). */
export const CreatePodRequestSchema = z
  .object({
    name: z.string().min(1),
    image: z.string().optional(),
    args: z.string().optional(),
    disk: z.number().int().min(1).optional(),
    env: z.record(z.string(), z.string()).optional(),
    ports: z.array(z.string()).optional(),
    registry: z.string().nullable().optional(),
    cloud: z.enum(['SECURE', 'COMMUNITY']).optional(),
    cpu: z.object({}).passthrough().optional(),
    dataCenterIds: z.array(z.string()).optional(),
    globalNetworking: z.boolean().optional(),
    gpu: z
      .object({
        id: z.string(),
        count: z.number().int().min(1).optional(),
        allowedCudaVersions: z.array(cuda).optional(),
        minCudaVersion: cuda.optional(),
      })
      .strict()
      .optional(),
    mounts: z
      .object({
        persistent: z.object({ size: z.number().int().min(10), path: z.string() }).strict().optional(),
        network: z.array(z.object({ volumeId: z.string(), path: z.string() }).strict()).max(1).optional(),
      })
      .strict()
      .optional(),
    startJupyter: z.boolean().optional(),
    startSsh: z.boolean().optional(),
    templateId: z.string().min(1).optional(),
  })
  .strict();

export type CreatePodRequest = z.infer<typeof CreatePodRequestSchema>;

export const PodActionRequestSchema = z.object({ action: z.enum(['start', 'stop', 'restart', 'terminate']) }).strict();

export const CreateNetworkVolumeRequestSchema = z
  .object({
    dataCenter: z.string().min(1),
    name: z.string().min(1),
    size: z.number().int().min(10).max(4096),
    type: z.enum(['STANDARD', 'HIGH_PERFORMANCE']).optional(),
  })
  .strict();

export const UpdateNetworkVolumeRequestSchema = z
  .object({ name: z.string().min(1).optional(), size: z.number().int().min(10).max(4096).optional() })
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'at least one property is required' });

/** zod issues as the v2 `errors` strings. */
export function validationErrors(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}
