import { z } from 'zod';
import { BootstrapOutputSchema } from './bootstrap.js';
import { VolumeRequestSchema } from './volume.js';

/** What the control plane hands a provider to create one machine. Placement has already resolved the region. */
export const SpawnOptionsSchema = z.object({
  instanceType: z.string().min(1),
  region: z.string().min(1),
  zone: z.string().min(1).nullable(),
  spot: z.boolean(),
  image: z.string().min(1).nullable(),
  name: z.string().min(1).max(63),
  tags: z.record(z.string(), z.string()),
  bootstrap: BootstrapOutputSchema,
  /** Stable across retries of one intent: a provider with `idempotentSpawn` maps it to the vendor's token. */
  idempotencyToken: z.string().min(1).max(64),
  ownership: z.object({ owner: z.string().min(1), instanceId: z.string().min(1) }),
  /**
   * True when an earlier attempt with this idempotency token had an unknown outcome (timeout, crash)
   * and may have created the machine. A provider without `idempotentSpawn` must then look for a machine
   * carrying `ownership.instanceId` before creating another; on a first attempt it need not.
   */
  resumed: z.boolean().optional(),
  /** Volumes to attach; the control plane passes them only to providers whose flags allow them. */
  volumes: z.array(VolumeRequestSchema).max(16).optional(),
});

export type SpawnOptions = z.infer<typeof SpawnOptionsSchema>;
