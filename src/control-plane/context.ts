import type { Kysely } from 'kysely';
import type { KeyedNotifier } from '../lib/keyed-notifier.js';
import type { InstanceRecord } from './instance-record.js';
import type { Logger } from './logger.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { ReconcileSettings } from './reconcile/reconcile-policy.js';
import type { Database } from './store/database-schema.js';
import type { InstanceStore } from './store/instance-store.js';
import type { OrphanStore } from './store/orphan-store.js';
import type { SnapshotStore } from './store/snapshot-store.js';

export interface LifecycleSettings {
  /** Hangar's ownership marker value, carried by every machine it creates. */
  owner: string;
  /** Deadline of one provider call. */
  providerTimeoutMs: number;
  /** Between `: keep-alive` comments on an idle event stream; 15 s when absent. */
  sseKeepAliveMs?: number;
}

/** What the routes, the lifecycle functions and the reconciler share. */
export interface ControlPlaneContext {
  readonly db: Kysely<Database>;
  readonly instances: InstanceStore;
  readonly snapshots: SnapshotStore;
  readonly orphans: OrphanStore;
  readonly reconcileSettings: ReconcileSettings;
  readonly registry: ProviderRegistry;
  readonly settings: LifecycleSettings;
  readonly logger: Logger;
  /** Published with an instance's id after every committed change of its row (waiters re-read it). */
  readonly instanceChanges: KeyedNotifier;
  /** Spawns whose provider call is under way in this process, by instance id. */
  readonly inflightSpawns: Map<string, Promise<InstanceRecord>>;
}
