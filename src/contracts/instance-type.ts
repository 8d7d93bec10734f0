import { z } from 'zod';

/**
 * The GPUs of an instance type. `count` is how many GPUs the machine sees; `memoryGiB` is the memory
 * of each of them. A fractional GPU (EC2 g6f/gr6f: a slice of one physical L4) is `count: 1` with
 * `fraction` the share of the physical GPU (0.125, 0.25, 0.5) and `memoryGiB` the slice's memory;
 * whole GPUs leave `fraction` out.
 */
export const GpuShapeSchema = z.object({
  model: z.string().min(1),
  count: z.number().int().positive(),
  memoryGiB: z.number().positive(),
  fraction: z.number().positive().lt(1).optional(),
});

/** One entry of a provider's catalog, as `GET /v1/providers/:name/instance-types` shows it. */
export const InstanceTypeOfferingSchema = z.object({
  name: z.string().min(1),
  vcpus: z.number().int().positive(),
  memoryGiB: z.number().positive(),
  gpu: GpuShapeSchema.nullable(),
  regions: z.array(
    z.object({
      region: z.string().min(1),
      zones: z.array(z.string().min(1)),
      /**
       * The vendor's live word on capacity in this region, where it publishes one (Lambda's
       * `regions_with_capacity_available`, RunPod's stock): true = it has capacity now, false = it
       * says it has none. Absent when the vendor does not say (EC2): placement treats that as unknown.
       */
      available: z.boolean().optional(),
    }),
  ),
  /** USD per hour; null when the provider cannot price it (then `warnings` says why). */
  pricePerHour: z.number().nonnegative().nullable(),
  spotPricePerHour: z.number().nonnegative().nullable(),
  warnings: z.array(z.string()),
});

export type GpuShape = z.infer<typeof GpuShapeSchema>;
export type InstanceTypeOffering = z.infer<typeof InstanceTypeOfferingSchema>;
