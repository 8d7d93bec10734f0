import type { InstanceRecord } from './instance-record.js';
import type { Logger } from './logger.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { InstanceStore } from './store/instance-store.js';
import type { SnapshotStore } from './store/snapshot-store.js';

export interface LifecycleSettings {
  /** Hangar's ownership marker value, carried by every machine it creates. */
  owner: string;
  /** Deadline of one provider call. */
  providerTimeoutMs: number;
  /** How long a termination with no machine found keeps looking before it is closed. */
  orphanGraceMs: number;
}

/** What the routes, the lifecycle functions and the refresher share. */
export interface ControlPlaneContext {
  readonly instances: InstanceStore;
  readonly snapshots: SnapshotStore;
  readonly registry: ProviderRegistry;
  readonly settings: LifecycleSettings;
  readonly logger: Logger;
  /** Spawns whose provider call is under way in this process, by instance id. */
  readonly inflightSpawns: Map<string, Promise<InstanceRecord>>;
}
