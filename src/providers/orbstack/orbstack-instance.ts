import { z } from 'zod';
import {
  VendorResponseError,
  materialize,
  OWNERSHIP_TAGS,
  ProviderInstanceSchema,
  type ProviderInstanceStatus,
  ProviderSnapshotSchema,
  type ProviderSnapshotStatus,
} from '../../contracts/index.js';
import type { MachineRecord, MachineState, SnapshotRecord } from './orbstack-machine.js';

/** The OrbStack provider's enhanced instance: the generic fields plus what OrbStack knows of the machine. */
export const OrbStackInstanceSchema = ProviderInstanceSchema.extend({
  machineId: z.string(),
  machineName: z.string(),
  cpus: z.number(),
  memoryGiB: z.number(),
  diskGiB: z.number(),
  bootstrapChecksum: z.string(),
  spotRequestId: z.string().nullable(),
  spotRequestStatus: z.enum(['fulfilled', 'cancelled']).nullable(),
});

export type OrbStackInstance = z.infer<typeof OrbStackInstanceSchema>;

export const OrbStackSnapshotSchema = ProviderSnapshotSchema.extend({
  snapshotName: z.string(),
  machineName: z.string(),
  description: z.string().nullable(),
});

export type OrbStackSnapshot = z.infer<typeof OrbStackSnapshotSchema>;

const INSTANCE_STATUS: Record<MachineState, ProviderInstanceStatus> = {
  starting: 'pending',
  running: 'running',
  stopped: 'stopped',
  deleting: 'terminating',
  terminated: 'terminated',
};

const SNAPSHOT_STATUS: Record<SnapshotRecord['state'], ProviderSnapshotStatus> = {
  creating: 'pending',
  ready: 'available',
  deleting: 'deleting',
};

/**
 * A machine record as the enhanced instance. Records were parsed with zod where they entered
 * (orbctl's JSON, the local journal), so this is a typed mapping, not a second parse: a reconcile
 * maps every machine, and only an unreadable state (a corrupted answer) needs checking here.
 */
export function toOrbStackInstance(machine: MachineRecord): OrbStackInstance {
  const { metadata } = machine;
  const status = INSTANCE_STATUS[machine.state];
  if (status === undefined) {
    throw new VendorResponseError('orbstack', `orbstack: cannot read machine ${machine.name} (state: ${String(machine.state)})`);
  }
  return {
    providerId: machine.name,
    name: machine.name,
    status,
    instanceType: metadata.instanceType,
    region: metadata.region,
    zone: metadata.zone,
    spot: metadata.spot,
    image: metadata.image,
    tags: metadata.tags,
    owner: metadata.tags[OWNERSHIP_TAGS.owner] ?? null,
    hangarInstanceId: metadata.tags[OWNERSHIP_TAGS.instanceId] ?? null,
    launchedAt: new Date(machine.createdAt).toISOString(),
    stateReason: machine.stateReason,
    machineId: machine.id,
    machineName: machine.name,
    cpus: machine.cpus,
    memoryGiB: machine.memoryGiB,
    diskGiB: machine.diskGiB,
    bootstrapChecksum: metadata.bootstrapChecksum,
    spotRequestId: metadata.spotRequestId,
    spotRequestStatus: metadata.spotRequestStatus,
  };
}

export function toOrbStackSnapshot(snapshot: SnapshotRecord): OrbStackSnapshot {
  return materialize(
    OrbStackSnapshotSchema,
    {
      providerSnapshotId: snapshot.name,
      providerInstanceId: snapshot.machineName,
      status: SNAPSHOT_STATUS[snapshot.state],
      sizeGiB: snapshot.sizeGiB,
      createdAt: new Date(snapshot.createdAt).toISOString(),
      snapshotName: snapshot.name,
      machineName: snapshot.machineName,
      description: snapshot.description,
    },
    'orbstack',
    `snapshot ${snapshot.name}`,
  );
}
