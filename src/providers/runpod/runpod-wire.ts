import { z } from 'zod';

/**
 * The v2 shapes Hangar reads, checked on entry. Not `.strict()`: RunPod adds fields, and an
 * unknown field must not break a read. Names follow `runpod-rest-v2-openapi.json`. A list answer is
 * read as an envelope of unknown entries, and each entry on its own (`readEach`): one entry Hangar
 * cannot read is skipped and named in the registration's SkippedEntryLog, never fatal to the list.
 */
export const POD_STATUSES = ['PROVISIONING', 'STARTING', 'RUNNING', 'EXITED', 'ERROR', 'TERMINATED'] as const;
export type RunPodPodStatus = (typeof POD_STATUSES)[number];

export const PodWireSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  image: z.string(),
  status: z.enum(POD_STATUSES),
  env: z.record(z.string(), z.string()),
  gpu: z.object({ id: z.string(), count: z.number().int().positive().default(1) }).optional(),
  cloud: z.enum(['SECURE', 'COMMUNITY']),
  dataCenterId: z.string().nullable(),
  mounts: z.object({ network: z.array(z.object({ volumeId: z.string(), path: z.string() })).optional() }).passthrough(),
  cost: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
});
export type PodWire = z.infer<typeof PodWireSchema>;

export const ListPodsWireSchema = z.object({ pods: z.array(z.unknown()) });

export const NetworkVolumeWireSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  size: z.number().int(),
  dataCenter: z.string().min(1),
  type: z.string(),
});
export type NetworkVolumeWire = z.infer<typeof NetworkVolumeWireSchema>;
export const ListNetworkVolumesWireSchema = z.object({ networkVolumes: z.array(z.unknown()) });

const AVAILABILITY = z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH']);

/** One data center offering a GPU type, with its stock (`DataCenterAvailability`). */
export const DataCenterAvailabilityWireSchema = z.object({ id: z.string().min(1), availability: AVAILABILITY });
export type DataCenterAvailabilityWire = z.infer<typeof DataCenterAvailabilityWireSchema>;

/** A GPU type; its `dataCenters` are read one by one as well. */
export const GpuTypeWireSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  memory: z.number().positive(),
  price: z.object({ secure: z.number(), community: z.number() }),
  maxCount: z.object({ secure: z.number().int(), community: z.number().int() }),
  availability: AVAILABILITY.optional(),
  dataCenters: z.array(z.unknown()).optional(),
});
export type GpuTypeWire = z.infer<typeof GpuTypeWireSchema>;
export const ListGpuTypesWireSchema = z.object({ gpus: z.array(z.unknown()) });

export const DataCenterWireSchema = z.object({ id: z.string().min(1), name: z.string(), region: z.string() });
export const ListDataCentersWireSchema = z.object({ dataCenters: z.array(DataCenterWireSchema) });

/** RFC 9457 problem document (`ErrorResponse`). */
export const ProblemWireSchema = z.object({ title: z.string(), status: z.number(), detail: z.string(), errors: z.array(z.string()).optional() });

/** GraphQL `LowestPrice` (every field nullable in RunPod's schema, and the object itself). */
export const LowestPriceWireSchema = z
  .object({ minimumBidPrice: z.number().nullable().optional(), uninterruptablePrice: z.number().nullable().optional() })
  .nullable();
export type LowestPriceWire = z.infer<typeof LowestPriceWireSchema>;

/** GraphQL `gpuTypes` answers `[GpuType]`: a nullable list of nullable entries, each read on its own. */
export const GpuTypesAnswerWireSchema = z.object({ gpuTypes: z.array(z.unknown()).nullable() });

/** One `gpuTypes` entry of `GPU_SPOT_PRICES` (`GpuType.id` is nullable in RunPod's schema: an entry without one cannot be used). */
export const GpuSpotWireSchema = z.object({
  id: z.string().min(1),
  secureSpotPrice: z.number().nullable().optional(),
  communitySpotPrice: z.number().nullable().optional(),
  lowestPrice: LowestPriceWireSchema.optional(),
});
export type GpuSpotWire = z.infer<typeof GpuSpotWireSchema>;

/** One `gpuTypes` entry of `gpuSpotPricesByDataCenter(n)`: the id and one `LowestPrice` per alias (`dc0`, `dc1`, ...). */
export function gpuSpotByDataCenterWireSchema(aliases: readonly string[]): z.ZodType<{ id: string; byAlias: Record<string, LowestPriceWire> }> {
  const shape = Object.fromEntries(aliases.map((alias) => [alias, LowestPriceWireSchema.optional()]));
  return z.object({ id: z.string().min(1), ...shape }).transform((raw) => {
    const record = raw as Record<string, unknown>;
    return { id: raw.id, byAlias: Object.fromEntries(aliases.map((alias) => [alias, (record[alias] ?? null) as LowestPriceWire])) };
  });
}

export const RentInterruptableWireSchema = z.object({
  podRentInterruptable: z.object({ id: z.string().min(1), desiredStatus: z.string() }).nullable(),
});
