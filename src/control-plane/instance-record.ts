import type { VolumeRequest } from '../contracts/index.js';

export const INSTANCE_STATUSES = ['requested', 'provisioning', 'running', 'terminating', 'terminated', 'failed', 'lost'] as const;

export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** States a row never leaves on its own. */
export const TERMINAL_STATUSES: readonly InstanceStatus[] = ['terminated', 'failed'];

/** The error a row remembers: what the client was told, so an idempotent replay tells it again. */
export interface StoredError {
  status: number;
  code: string;
  message: string;
  [detail: string]: unknown;
}

export interface InstanceRecord {
  id: string;
  provider: string;
  providerId: string | null;
  status: InstanceStatus;
  name: string;
  instanceType: string;
  region: string;
  zone: string | null;
  spot: boolean;
  image: string | null;
  tags: Record<string, string>;
  /** The volumes the spawn asked for, as requested. */
  volumes: VolumeRequest[];
  idempotencyKey: string | null;
  requestHash: string;
  bootstrapChecksum: string;
  error: StoredError | null;
  createdAt: string;
  updatedAt: string;
  terminateRequestedAt: string | null;
  terminatedAt: string | null;
  /** Hash of the spec the provider reported at spawn, and the version of the hash function. */
  specHash: string | null;
  specHashVersion: number | null;
  /** What reconciliation last saw differ from the spawned spec; null while none. */
  drift: InstanceDrift | null;
  terminateAttempts: number;
  lastTerminateAt: string | null;
  /** When the termination outlived its budget (an event was raised then). */
  terminateOverdueAt: string | null;
  /** When the machine was still not running past its boot deadline. */
  bootOverdueAt: string | null;
  /** The placement (failover chain) that chose this instance's offer; null for an explicit spawn. */
  placementId: string | null;
  /** The idempotency token of the current spawn attempt; null means the instance id (explicit spawns). */
  spawnToken: string | null;
}

/** What a new intent row is given; everything the lifecycle fills in later starts empty. */
export type NewInstanceFields = Pick<
  InstanceRecord,
  'id' | 'provider' | 'name' | 'instanceType' | 'region' | 'zone' | 'spot' | 'image' | 'tags' | 'volumes' | 'idempotencyKey' | 'requestHash' | 'bootstrapChecksum' | 'createdAt'
> &
  Partial<Pick<InstanceRecord, 'placementId' | 'spawnToken'>>;

/** A `requested` intent row, before any provider call. */
export function newIntentRecord(fields: NewInstanceFields): InstanceRecord {
  return {
    providerId: null,
    status: 'requested',
    error: null,
    updatedAt: fields.createdAt,
    terminateRequestedAt: null,
    terminatedAt: null,
    specHash: null,
    specHashVersion: null,
    drift: null,
    terminateAttempts: 0,
    lastTerminateAt: null,
    terminateOverdueAt: null,
    bootOverdueAt: null,
    placementId: null,
    spawnToken: null,
    ...fields,
  };
}

export interface InstanceDrift {
  observedHash: string;
  fields: string[];
  detectedAt: string;
}

/** Why reconciliation terminated a row; kept when the termination is confirmed, unlike a failed terminate call's error. */
const TERMINATION_REASONS = new Set(['BOOT_DEADLINE_EXCEEDED', 'MACHINE_FAILED', 'SPOT_INTERRUPTED']);

/** The error a row keeps once its machine is gone: its termination reason, or none. */
export function terminationReason(record: InstanceRecord): StoredError | null {
  return record.error !== null && TERMINATION_REASONS.has(record.error.code) ? record.error : null;
}

/** The instance as the API shows it (no idempotency key or request hash). */
export function instanceJson(record: InstanceRecord) {
  return {
    id: record.id,
    provider: record.provider,
    providerId: record.providerId,
    status: record.status,
    name: record.name,
    instanceType: record.instanceType,
    region: record.region,
    zone: record.zone,
    spot: record.spot,
    image: record.image,
    tags: record.tags,
    volumes: record.volumes,
    bootstrapChecksum: record.bootstrapChecksum,
    error: record.error === null ? null : { code: record.error.code, message: record.error.message },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    terminatedAt: record.terminatedAt,
    drift: record.drift,
    placementId: record.placementId,
  };
}
