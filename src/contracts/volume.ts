import { z } from 'zod';

export const PROVIDER_VOLUME_STATUSES = ['creating', 'available', 'in-use', 'deleting', 'deleted', 'error'] as const;

export type ProviderVolumeStatus = (typeof PROVIDER_VOLUME_STATUSES)[number];

/**
 * A persistent volume: storage that outlives the machines it is attached to (EBS volume, Lambda
 * file system, RunPod network volume). Unlocked by the `persistentVolumes` flag.
 */
export const ProviderVolumeSchema = z.object({
  providerVolumeId: z.string().min(1),
  name: z.string().min(1),
  region: z.string().min(1),
  /** Zonal storage (EBS) names its zone; regional storage (file systems, network volumes) has none. */
  zone: z.string().min(1).nullable(),
  sizeGiB: z.number().nonnegative().nullable(),
  status: z.enum(PROVIDER_VOLUME_STATUSES),
  /** The provider ids of the machines it is attached to (a shared file system can have many). */
  attachedTo: z.array(z.string().min(1)),
  tags: z.record(z.string(), z.string()),
  createdAt: z.iso.datetime().nullable(),
});

export type ProviderVolume = z.infer<typeof ProviderVolumeSchema>;

export const VolumeOptionsSchema = z.object({
  name: z.string().min(1).max(60),
  region: z.string().min(1),
  /** Required by zonal storage; ignored by regional storage. */
  zone: z.string().min(1).nullable().default(null),
  sizeGiB: z.number().int().positive().max(65_536),
  tags: z.record(z.string(), z.string()).default({}),
  /** The ownership marker value (`hangar:owner`) the volume carries, like a machine's. */
  owner: z.string().min(1).default('hangar'),
});

export type VolumeOptions = z.input<typeof VolumeOptionsSchema>;

/**
 * A volume a spawn asks for: an existing persistent volume by id (`persistentVolumes`), or one taken
 * from the provider's pool of pre-created volumes (`warmVolumes`).
 */
export const VolumeRequestSchema = z.union([
  z.object({ providerVolumeId: z.string().min(1) }).strict(),
  z.object({ warm: z.object({ sizeGiB: z.number().int().positive().max(65_536) }).strict() }).strict(),
]);

export type VolumeRequest = z.infer<typeof VolumeRequestSchema>;

export function isWarmVolumeRequest(request: VolumeRequest): request is Extract<VolumeRequest, { warm: unknown }> {
  return 'warm' in request;
}
