import type {
  ReadinessProbes,
  BootstrapConfig,
  InstanceTypeOffering,
  ListFilter,
  Provider,
  ProviderInstance,
  ProviderRegistration,
  ProviderSnapshot,
  ProviderCallOptions,
  SpawnOptions,
} from '../../../src/contracts/index.js';
import { ProviderInstanceSchema, ProviderSnapshotSchema } from '../../../src/contracts/index.js';

export const FAULTY_CAPABILITIES = {
  snapshots: { unsupported: 'the faulty test provider keeps no disk images' },
  spot: { unsupported: 'the faulty test provider has no spot market' },
  gpu: { unsupported: 'no GPUs in the faulty test provider' },
  multiRegion: true,
  persistentVolumes: { unsupported: 'no volumes in the faulty test provider' },
  warmVolumes: { unsupported: 'no volumes in the faulty test provider' },
  hibernation: { unsupported: 'no hibernation in the faulty test provider' },
  costExplorer: { unsupported: 'no billing in the faulty test provider' },
  tailscaleNative: { unsupported: 'no tailnet in the faulty test provider' },
  idempotentSpawn: true,
  customNetworking: { unsupported: 'no networking in the faulty test provider' },
} as const;

/**
 * A provider named `faulty` that delegates to a real one and lets a test script the next spawn's
 * failure (an error, or a hang). It also stands for a provider without snapshots or spot.
 */
export class FaultyProvider implements Provider<ProviderInstance, ProviderSnapshot, typeof FAULTY_CAPABILITIES> {
  readonly name = 'faulty';
  readonly tier = 'testing' as const;
  readonly capabilities = FAULTY_CAPABILITIES;
  readonly schemas = { instance: ProviderInstanceSchema, snapshot: ProviderSnapshotSchema };
  /** Consumed by the next spawn: throw this error, or 'hang' to answer only when the call's signal aborts (rejecting with its reason). */
  nextSpawnFault: Error | 'hang' | null = null;
  spawnCalls = 0;
  /** The signal each spawn call was given, in order. */
  readonly spawnSignals: (AbortSignal | undefined)[] = [];
  /** `options.resumed` of each spawn call, in order. */
  readonly spawnResumed: (boolean | undefined)[] = [];
  /** Consumed by the next list: wait this long first (to hold a reconcile open). */
  nextListDelayMs = 0;
  listsInFlight = 0;
  maxListsInFlight = 0;
  /** Consumed by the next get: throw this error. */
  nextGetFault: Error | null = null;
  getCalls = 0;
  /** Machines this provider reports as `terminated` (a vendor that keeps ended machines listed a while). */
  readonly terminatedMachines = new Set<string>();
  /** Machines this provider reports as `failed`, whatever they are underneath. */
  readonly failedMachines = new Set<string>();
  /** Machines this provider reports as reclaimed by the spot market but kept, stopped (RunPod keeps the disk). */
  readonly spotStoppedMachines = new Set<string>();

  constructor(private readonly inner: Provider) {}

  instanceTypes(): Promise<InstanceTypeOffering[]> {
    return this.inner.instanceTypes();
  }

  async spawn(options: SpawnOptions, call?: ProviderCallOptions): Promise<ProviderInstance> {
    this.spawnCalls += 1;
    this.spawnResumed.push(options.resumed);
    this.spawnSignals.push(call?.signal);
    const fault = this.nextSpawnFault;
    this.nextSpawnFault = null;
    if (fault === 'hang') {
      return new Promise<never>((_, reject) => call?.signal?.addEventListener('abort', () => reject(call.signal?.reason), { once: true }));
    }
    if (fault) throw fault;
    return this.inner.spawn(options, call);
  }

  terminate(providerId: string) {
    return this.inner.terminate(providerId);
  }

  async list(filter?: ListFilter) {
    this.listsInFlight += 1;
    this.maxListsInFlight = Math.max(this.maxListsInFlight, this.listsInFlight);
    try {
      const delay = this.nextListDelayMs;
      this.nextListDelayMs = 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return (await this.inner.list(filter)).map((machine) => this.reported(machine));
    } finally {
      this.listsInFlight -= 1;
    }
  }

  async get(providerId: string) {
    this.getCalls += 1;
    const fault = this.nextGetFault;
    this.nextGetFault = null;
    if (fault) throw fault;
    const machine = await this.inner.get(providerId);
    return machine === null ? null : this.reported(machine);
  }

  private reported(machine: ProviderInstance): ProviderInstance {
    if (this.terminatedMachines.has(machine.providerId)) return { ...machine, status: 'terminated' };
    if (machine.status === 'terminating' || machine.status === 'terminated') return machine;
    if (this.failedMachines.has(machine.providerId)) return { ...machine, status: 'failed' };
    if (this.spotStoppedMachines.has(machine.providerId)) {
      return { ...machine, status: 'stopped', stateReason: { code: 'SPOT_INTERRUPTED', message: 'reclaimed by the spot market; the machine is stopped, its disk kept' } };
    }
    return machine;
  }

  generateBootstrap(config: BootstrapConfig) {
    return this.inner.generateBootstrap(config);
  }
}

export function faultyRegistration(provider: FaultyProvider, readiness?: ReadinessProbes): ProviderRegistration<ProviderInstance, ProviderSnapshot, typeof FAULTY_CAPABILITIES> {
  return { provider, hooks: {}, ...(readiness !== undefined && { readiness }) };
}
