import { z } from 'zod';

/**
 * The v2 shapes Hangar reads, checked on entry. Not `.strict()`: RunPod adds fields, and an
 * unknown field must not break a read. Names follow `runpod-rest-v2-openapi.json`.
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

export const ListPodsWireSchema = z.object({ pods: z.array(PodWireSchema) });

export const NetworkVolumeWireSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  size: z.number().int(),
  dataCenter: z.string().min(1),
  type: z.string(),
});
export type NetworkVolumeWire = z.infer<typeof NetworkVolumeWireSchema>;
export const ListNetworkVolumesWireSchema = z.object({ networkVolumes: z.array(NetworkVolumeWireSchema) });

const AVAILABILITY = z.enum(['NONE', 'LOW', 'MEDIUM', 'HIGH']);

export const GpuTypeWireSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  memory: z.number(),
  price: z.object({ secure: z.number(), community: z.number() }),
  maxCount: z.object({ secure: z.number().int(), community: z.number().int() }),
  availability: AVAILABILITY.optional(),
  dataCenters: z.array(z.object({ id: z.string(), name: z.string(), availability: AVAILABILITY })).optional(),
});
export type GpuTypeWire = z.infer<typeof GpuTypeWireSchema>;
export const ListGpuTypesWireSchema = z.object({ gpus: z.array(GpuTypeWireSchema) });

export const DataCenterWireSchema = z.object({ id: z.string().min(1), name: z.string(), region: z.string() });
export const ListDataCentersWireSchema = z.object({ dataCenters: z.array(DataCenterWireSchema) });

/** RFC 9457 problem document (`ErrorResponse`). */
export const ProblemWireSchema = z.object({ title: z.string(), status: z.number(), detail: z.string(), errors: z.array(z.string()).optional() });

/** GraphQL `gpuTypes { id lowestPrice(input: {gpuCount}) { minimumBidPrice uninterruptablePrice } secureSpotPrice communitySpotPrice }`. */
export const GpuSpotWireSchema = z.object({
  gpuTypes: z.array(
    z.object({
      id: z.string(),
      secureSpotPrice: z.number().nullable().optional(),
      communitySpotPrice: z.number().nullable().optional(),
      lowestPrice: z.object({ minimumBidPrice: z.number().nullable(), uninterruptablePrice: z.number().nullable() }).nullable(),
    }),
  ),
});
export type GpuSpotWire = z.infer<typeof GpuSpotWireSchema>['gpuTypes'][number];

export const RentInterruptableWireSchema = z.object({
  podRentInterruptable: z.object({ id: z.string().min(1), desiredStatus: z.string() }).nullable(),
});
