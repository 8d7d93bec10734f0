import { z } from 'zod';

/**
 * The parts of Lambda Cloud API v1.8.3 objects Hangar reads (OpenAPI `components.schemas`). Unknown
 * fields are ignored: Lambda adds fields (the recorded examples carry `is_reserved`, not in the spec).
 */
export const LambdaRegionSchema = z.object({ name: z.string().min(1), description: z.string() });

export const LambdaInstanceTypeSchema = z.object({
  name: z.string().min(1),
  description: z.string(),
  gpu_description: z.string(),
  price_cents_per_hour: z.number().int().nonnegative(),
  specs: z.object({ vcpus: z.number().int(), memory_gib: z.number().int(), storage_gib: z.number().int(), gpus: z.number().int() }),
});

/** One item of the instance-types answer (`InstanceTypesItem`); the answer maps type names to them. */
export const LambdaInstanceTypesItemSchema = z.object({ instance_type: LambdaInstanceTypeSchema, regions_with_capacity_available: z.array(LambdaRegionSchema) });

export const LAMBDA_INSTANCE_STATUSES = ['booting', 'active', 'unhealthy', 'terminated', 'terminating', 'preempted'] as const;

export const LambdaInstanceSchema = z.object({
  id: z.string().min(1),
  name: z.string().max(64).optional(),
  ip: z.string().optional(),
  private_ip: z.string().optional(),
  status: z.enum(LAMBDA_INSTANCE_STATUSES),
  ssh_key_names: z.array(z.string()),
  file_system_names: z.array(z.string()),
  region: LambdaRegionSchema,
  instance_type: LambdaInstanceTypeSchema,
  hostname: z.string().optional(),
  tags: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
});

export const LambdaFileSystemSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  mount_point: z.string(),
  created: z.string(),
  is_in_use: z.boolean(),
  region: LambdaRegionSchema,
  bytes_used: z.number().int().optional(),
});

export const LambdaLaunchResponseSchema = z.object({ instance_ids: z.array(z.string().min(1)) });
/**
 * Only the id and status of each terminated instance are read: the terminate went through whatever else
 * the answer holds, so a field Hangar cannot read elsewhere in it must not turn it into an unknown outcome.
 */
export const LambdaTerminateResponseSchema = z.object({
  terminated_instances: z.array(z.object({ id: z.string().min(1), status: z.enum(LAMBDA_INSTANCE_STATUSES).catch('terminating') })),
});
export const LambdaFileSystemDeleteResponseSchema = z.object({ deleted_ids: z.array(z.string()) });

export const LambdaErrorEnvelopeSchema = z.object({
  error: z.object({ code: z.string().min(1), message: z.string(), suggestion: z.string().optional() }),
});

export type LambdaRegion = z.infer<typeof LambdaRegionSchema>;
export type LambdaInstanceType = z.infer<typeof LambdaInstanceTypeSchema>;
export type LambdaInstanceTypes = Record<string, z.infer<typeof LambdaInstanceTypesItemSchema>>;
export type LambdaInstanceStatus = (typeof LAMBDA_INSTANCE_STATUSES)[number];
export type LambdaInstance = z.infer<typeof LambdaInstanceSchema>;
export type LambdaFileSystem = z.infer<typeof LambdaFileSystemSchema>;

/** `InstanceLaunchRequest`: what Hangar sends (a subset of the spec's properties). */
export interface LambdaLaunchRequest {
  region_name: string;
  instance_type_name: string;
  ssh_key_names: [string];
  name: string;
  hostname?: string;
  image?: { id: string } | { family: string };
  user_data: string;
  tags: { key: string; value: string }[];
  file_system_names?: string[];
}

/** The spec's `PublicRegionCode` enum: the regions a launch may name. */
export const LAMBDA_PUBLIC_REGIONS = [
  'europe-central-1',
  'asia-south-1',
  'australia-east-1',
  'me-west-1',
  'asia-northeast-1',
  'asia-northeast-2',
  'us-east-1',
  'us-west-2',
  'us-west-1',
  'us-south-1',
  'us-west-3',
  'us-midwest-1',
  'us-east-2',
  'us-south-2',
  'us-south-3',
  'us-east-3',
  'us-midwest-2',
] as const;
