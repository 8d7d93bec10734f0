import type { Provider, ProviderChaosControl, ProviderContractCase, ProviderHooks, SpawnOptions } from '../../contracts/index.js';
import type { CallMeter } from './call-meter.js';
import { skipCase } from './conformance-case.js';
import { pollUntil } from '../../lib/poll-until.js';
import { type RetryOutcome, type TransientRetryPolicy, retryTransient } from './transient-retry.js';

/** What a case made, as the harness saw it answered: what cleanup must remove. */
export interface MadeResources {
  /** Machines (spawns, fulfilled spot requests), by provider id. */
  readonly machines: ReadonlySet<string>;
  readonly snapshots: ReadonlySet<string>;
  readonly volumes: ReadonlySet<string>;
}

/** A compute provider as one case sees it: fresh (or swept clean), with what the cases need to know of it. */
export interface ComputeSubject {
  /** The provider (its own enhanced type, or already projected: the cases accept both). */
  readonly provider: Provider;
  readonly hooks: ProviderHooks;
  /** The provider's fault injection, when it has one (the error-taxonomy and retry cases drive it). */
  readonly chaos: ProviderChaosControl | null;
  /** The provider's own extra cases, as its registration hands them over. */
  readonly contracts: readonly ProviderContractCase[];
  /** A spawn the provider accepts: an instance type and region it offers. */
  readonly spawnable: { readonly instanceType: string; readonly region: string };
  /** An image the provider accepts, or null for its default. */
  readonly image: string | null;
  /** The ownership marker of every machine the cases make: an owner no reconciler adopts or collects. */
  readonly owner: string;
  /** The owner of the "someone else's machine" the list case makes. */
  readonly foreignOwner: string;
  /**
   * True when the provider's account is shared with other work (a running control plane): a case then
   * looks only at machines that carry no owner or the kit's own marks, never at anyone else's.
   */
  readonly sharedAccount?: boolean;
  /** Always runs after the case, passed or not; `made` is what the harness saw the case create. */
  cleanup(made: MadeResources): Promise<void>;
}

/** One compute adapter under test: each case gets a fresh subject from `create`. */
export interface ComputeTarget {
  readonly capability: 'compute';
  readonly adapter: string;
  /**
   * The provider's own contract cases, known before any subject starts so each one is a case of the
   * list (run or skipped with why); the `contract-cases-declared` case checks the registration hands
   * over exactly these.
   */
  readonly contractCases?: readonly ProviderContractCase[];
  create(): Promise<ComputeSubject>;
}

/** What a compute case works with. Every call through `provider` and `hooks` is metered and held to the deadline. */
export interface ComputeCaseContext {
  readonly adapter: string;
  readonly provider: Provider;
  readonly hooks: ProviderHooks;
  readonly chaos: ProviderChaosControl | null;
  readonly subject: ComputeSubject;
  /** The contract case names the target declared up front. */
  readonly declaredContracts: readonly string[];
  readonly deadlineMs: number;
  /** A valid spawn of this provider, unique per call (instance id, name, idempotency token). */
  spawnOptions(overrides?: Partial<SpawnOptions>): SpawnOptions;
  waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number, everyMs?: number): Promise<T>;
  /** The kit's capped, jittered retry of a call, metered as one call with its tries. */
  retry<T>(operation: string, work: () => Promise<T>): Promise<RetryOutcome<T>>;
  skip(reason: string): never;
}

let sequence = 0;

export function computeCaseContext(
  adapter: string,
  subject: ComputeSubject,
  meter: CallMeter,
  declaredContracts: readonly string[],
  retryPolicy: Partial<TransientRetryPolicy>,
): ComputeCaseContext {
  const provider = meter.wrap(subject.provider);
  return {
    adapter,
    provider,
    hooks: meter.wrap(subject.hooks),
    chaos: subject.chaos,
    subject,
    declaredContracts,
    deadlineMs: meter.deadlineMs,
    spawnOptions(overrides = {}) {
      sequence += 1;
      const instanceId = `i-conformance-${sequence}-${Date.now()}`;
      return {
        instanceType: subject.spawnable.instanceType,
        region: subject.spawnable.region,
        zone: null,
        spot: false,
        image: subject.image,
        name: `conformance-${sequence}`,
        tags: { suite: 'conformance', case: String(sequence) },
        bootstrap: provider.generateBootstrap({ instanceId, script: 'echo ready' }),
        idempotencyToken: instanceId,
        ownership: { owner: subject.owner, instanceId },
        ...overrides,
      };
    },
    waitFor: pollUntil,
    async retry(operation, work) {
      let tries = 0;
      const outcome = await meter.time(
        operation,
        () =>
          retryTransient(() => {
            tries += 1;
            return work();
          }, retryPolicy),
        () => tries,
      );
      return outcome;
    },
    skip: skipCase,
  };
}
