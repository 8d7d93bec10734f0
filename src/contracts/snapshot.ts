import { z } from 'zod';

export const PROVIDER_SNAPSHOT_STATUSES = ['pending', 'available', 'failed', 'deleting', 'deleted'] as const;

export type ProviderSnapshotStatus = (typeof PROVIDER_SNAPSHOT_STATUSES)[number];

/** The generic snapshot; enhanced provider snapshot types extend it and are projected back to it. */
export const ProviderSnapshotSchema = z.object({
  providerSnapshotId: z.string().min(1),
  providerInstanceId: z.string().min(1),
  status: z.enum(PROVIDER_SNAPSHOT_STATUSES),
  sizeGiB: z.number().nonnegative().nullable(),
  createdAt: z.iso.datetime(),
});

export type ProviderSnapshot = z.infer<typeof ProviderSnapshotSchema>;

export const SnapshotOptionsSchema = z.object({
  description: z.string().max(255).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export type SnapshotOptions = z.infer<typeof SnapshotOptionsSchema>;
