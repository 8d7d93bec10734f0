import { z } from 'zod';

/**
 * The driver's vocabulary: an OrbStack Linux machine as `orbctl` describes one (name, id, state,
 * image), plus the metadata Hangar keeps beside it (OrbStack itself has no tags).
 */
/** `terminated` is only ever reported for a machine the vendor reclaimed (spot), as clouds keep showing them for a while. */
export const MACHINE_STATES = ['starting', 'running', 'stopped', 'deleting', 'terminated'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export const MachineMetadataSchema = z.object({
  instanceType: z.string(),
  region: z.string(),
  zone: z.string(),
  spot: z.boolean(),
  image: z.string(),
  tags: z.record(z.string(), z.string()),
  bootstrapChecksum: z.string(),
  spotRequestId: z.string().nullable(),
  spotRequestStatus: z.enum(['fulfilled', 'cancelled']).nullable(),
  maxPricePerHour: z.number().nullable(),
});

export type MachineMetadata = z.infer<typeof MachineMetadataSchema>;

export const MachineRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(MACHINE_STATES),
  cpus: z.number(),
  memoryGiB: z.number(),
  diskGiB: z.number(),
  createdAt: z.number(),
  /** When a starting machine finishes booting. */
  bootsAt: z.number(),
  /** When a deleting machine is gone; null until deletion starts. */
  goneAt: z.number().nullable(),
  /** Why the machine is in its state, when the backend says (a spot interruption notice or reclaim). */
  stateReason: z.object({ code: z.literal('SPOT_INTERRUPTED'), message: z.string() }).nullable().default(null),
  metadata: MachineMetadataSchema,
});

export type MachineRecord = z.infer<typeof MachineRecordSchema>;

export interface MachineSpec {
  name: string;
  /** Ordered zone candidates: the first one with capacity is used. */
  zones: readonly string[];
  cpus: number;
  memoryGiB: number;
  diskGiB: number;
  userData: string;
  metadata: Omit<MachineMetadata, 'zone'>;
}

export const SnapshotRecordSchema = z.object({
  name: z.string(),
  machineName: z.string(),
  state: z.enum(['creating', 'ready', 'deleting']),
  sizeGiB: z.number(),
  description: z.string().nullable(),
  createdAt: z.number(),
  readyAt: z.number(),
  goneAt: z.number().nullable(),
});

export type SnapshotRecord = z.infer<typeof SnapshotRecordSchema>;

/**
 * What the OrbStack provider needs from a machine backend: the local simulator, or `orbctl`. Every
 * call takes the caller's `signal`: when it aborts, the call stops waiting (and stops the `orbctl`
 * run) and rejects with the signal's reason. What was already done stays done.
 */
export interface OrbStackMachineDriver {
  readonly kind: 'local' | 'orbctl';
  /** Idempotent by name: a machine that already exists under this name is returned as it is. */
  createMachine(spec: MachineSpec, signal?: AbortSignal): Promise<MachineRecord>;
  listMachines(signal?: AbortSignal): Promise<MachineRecord[]>;
  getMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null>;
  /** Starts deletion; null when no such machine exists (already gone). */
  deleteMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null>;
  updateMetadata(name: string, patch: Partial<MachineMetadata>, signal?: AbortSignal): Promise<MachineRecord | null>;
  close(): Promise<void>;
}

/** Disk snapshots, for a backend that can take them (the local simulator; `orbctl` has no such command). */
export interface OrbStackSnapshotDriver {
  createSnapshot(machineName: string, snapshotName: string, description: string | null, signal?: AbortSignal): Promise<SnapshotRecord>;
  getSnapshot(name: string, signal?: AbortSignal): Promise<SnapshotRecord | null>;
  deleteSnapshot(name: string, signal?: AbortSignal): Promise<SnapshotRecord | null>;
}
