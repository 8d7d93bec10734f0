import type { StoredError } from './instance-record.js';

export const SNAPSHOT_STATUSES = ['requested', 'pending', 'available', 'failed', 'deleting', 'deleted'] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

export interface SnapshotRecord {
  id: string;
  instanceId: string;
  provider: string;
  providerSnapshotId: string | null;
  status: SnapshotStatus;
  sizeGiB: number | null;
  description: string | null;
  error: StoredError | null;
  createdAt: string;
  updatedAt: string;
}

export function snapshotJson(record: SnapshotRecord) {
  return {
    id: record.id,
    instanceId: record.instanceId,
    provider: record.provider,
    providerSnapshotId: record.providerSnapshotId,
    status: record.status,
    sizeGiB: record.sizeGiB,
    description: record.description,
    error: record.error === null ? null : { code: record.error.code, message: record.error.message },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
