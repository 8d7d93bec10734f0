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
import type { CapacityErrorStore } from './store/capacity-error-store.js';
import type { PlacementStore } from './store/placement-store.js';
import type { ValidationService } from './readiness/validation-service.js';
import type { LlmGateway } from './llm/llm-gateway.js';
import type { ProviderOverrides } from './governance/provider-overrides.js';
import type { ConformanceService } from './governance/conformance-service.js';
import type { RampService } from './governance/ramp-service.js';
import type { ChainPolicy } from '../placement/failover-chain.js';
import type { ProviderReadiness } from '../placement/offer-planner.js';

export interface PlacementSettings {
  /** The failover chain's defaults (a request may override each). */
  chain: ChainPolicy;
  /** Finished placements older than this are dropped with their attempts (the instances stay). */
  retentionMs: number;
}

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
  readonly placements: PlacementStore;
  /** The one capacity-error cache (placement ranks by it; spawns, chains, probes and providers feed it). */
  readonly capacityErrors: CapacityErrorStore;
  readonly placementSettings: PlacementSettings;
  /** Provider readiness: validation runs, their evidence, and each provider's status. */
  readonly validations: ValidationService;
  /** The LLM gateway: policy routing, the escalation ladder, decisions (docs/llm-gateway.md). */
  readonly llm: LlmGateway;
  /** In-process overrides of which adapters serve a capability (docs/governance.md). */
  readonly overrides: ProviderOverrides;
  /** Conformance runs through the API: the kit's case lists over the enabled adapters, their stored reports (docs/governance.md). */
  readonly conformance: ConformanceService;
  /** Percentage ramps from an adapter to its candidate, with automatic rollback (docs/governance.md): spawns ask it who takes the work. */
  readonly ramp: RampService;
  /** Whether placement may use a provider now: its heartbeats, and its latest validation. */
  providerReadiness(provider: string): ProviderReadiness;
  /**
   * Called (not awaited) with the rows whose spot machine the market reclaimed, once reconciliation
   * wrote it: the capacity-error cache learns the slice, and `onInterruption: replace` places a replacement.
   */
  spotInterrupted(records: readonly InstanceRecord[]): void;
  /** Spawns whose provider call is under way in this process, by instance id. */
  readonly inflightSpawns: Map<string, Promise<InstanceRecord>>;
}
