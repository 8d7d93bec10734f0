import { SeededRandom } from '../../chaos/seeded-random.js';
import { EMULATED_INSTANCE_TYPES, regionOf, type WireInstanceType } from './lambda-labs-catalog.js';
import type { LambdaEntryPatches } from './entry-patches.js';
import type { ResolvedLambdaLabsOptions } from './lambda-labs-options.js';

export type EmulatedStatus = 'booting' | 'active' | 'unhealthy' | 'terminating' | 'terminated' | 'preempted';

export interface EmulatedInstance {
  readonly id: string;
  readonly name: string | null;
  readonly region: string;
  readonly type: WireInstanceType;
  readonly sshKeyNames: readonly string[];
  readonly fileSystemNames: readonly string[];
  readonly hostname: string | null;
  readonly tags: readonly { key: string; value: string }[];
  readonly ip: string;
  readonly privateIp: string;
  readonly createdAtMs: number;
  readonly bootDelayMs: number;
  terminateRequestedAtMs: number | null;
  preemptedAtMs: number | null;
  unhealthy: boolean;
}

export interface EmulatedFileSystem {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly createdAtMs: number;
}

export interface EmulatedSshKey {
  readonly id: string;
  readonly name: string;
  readonly publicKey: string;
}

/** Holds alive: counts against capacity and quota, and keeps its file systems in use. */
const HOLDING: ReadonlySet<EmulatedStatus> = new Set(['booting', 'active', 'unhealthy', 'terminating']);

/**
 * The emulated account. Status is derived from timestamps on every read (booting -> active after the
 * instance's boot delay; terminating -> terminated after the terminate delay; gone after retention),
 * so nothing runs on timers and an injected clock drives it.
 */
export class LambdaLabsState {
  readonly instances = new Map<string, EmulatedInstance>();
  readonly fileSystems = new Map<string, EmulatedFileSystem>();
  readonly sshKeys = new Map<string, EmulatedSshKey>();
  /** When true every authenticated request answers 403 `global/account-inactive`. */
  accountInactive = false;
  /** Raw JSON served over the rendered entries (`PUT /_emulator/entry-patches`). */
  entryPatches: LambdaEntryPatches;
  private readonly random: SeededRandom;

  constructor(readonly options: ResolvedLambdaLabsOptions) {
    this.random = new SeededRandom(options.seed);
    this.entryPatches = options.entryPatches;
    for (const name of options.sshKeyNames) this.addSshKey(name, `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${this.hex(16)} ${name}`);
  }

  now(): number {
    return this.options.now();
  }

  /** A 32-hex id, like Lambda's. */
  hex(length = 32): string {
    let out = '';
    while (out.length < length) out += this.random.int(0, 0xffff).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }

  instanceType(name: string): WireInstanceType | undefined {
    return EMULATED_INSTANCE_TYPES.find((candidate) => candidate.name === name);
  }

  statusOf(instance: EmulatedInstance, now = this.now()): EmulatedStatus | 'gone' {
    if (instance.preemptedAtMs !== null) return now - instance.preemptedAtMs >= this.options.terminatedRetentionMs ? 'gone' : 'preempted';
    if (instance.terminateRequestedAtMs !== null) {
      const terminatedAt = instance.terminateRequestedAtMs + this.options.terminateDelayMs;
      if (now < terminatedAt) return 'terminating';
      return now - terminatedAt >= this.options.terminatedRetentionMs ? 'gone' : 'terminated';
    }
    if (now < instance.createdAtMs + instance.bootDelayMs) return 'booting';
    return instance.unhealthy ? 'unhealthy' : 'active';
  }

  /** Visible instances (drops those past retention). */
  visible(): EmulatedInstance[] {
    const now = this.now();
    const result: EmulatedInstance[] = [];
    for (const instance of this.instances.values()) {
      if (this.statusOf(instance, now) === 'gone') this.instances.delete(instance.id);
      else result.push(instance);
    }
    return result;
  }

  find(id: string): EmulatedInstance | undefined {
    const instance = this.instances.get(id);
    if (instance === undefined || this.statusOf(instance) !== 'gone') return instance;
    this.instances.delete(id);
    return undefined;
  }

  holding(): EmulatedInstance[] {
    return this.visible().filter((instance) => HOLDING.has(this.statusOf(instance) as EmulatedStatus));
  }

  capacityOf(region: string, typeName: string): number {
    if (!this.options.regions.includes(region)) return 0;
    return this.options.capacity.byRegion[region]?.[typeName] ?? this.options.capacity.default;
  }

  /** Free slots for a type in a region right now. */
  freeCapacity(region: string, typeName: string): number {
    const used = this.holding().filter((instance) => instance.region === region && instance.type.name === typeName).length;
    return Math.max(0, this.capacityOf(region, typeName) - used);
  }

  regionsWithCapacity(typeName: string): { name: string; description: string }[] {
    return this.options.regions.filter((region) => this.freeCapacity(region, typeName) > 0).map(regionOf);
  }

  launch(spec: Omit<EmulatedInstance, 'id' | 'ip' | 'privateIp' | 'createdAtMs' | 'bootDelayMs' | 'terminateRequestedAtMs' | 'preemptedAtMs' | 'unhealthy'>): EmulatedInstance {
    const instance: EmulatedInstance = {
      ...spec,
      id: this.hex(),
      ip: `198.51.100.${this.random.int(2, 254)}`,
      privateIp: `10.0.${this.random.int(0, 255)}.${this.random.int(2, 254)}`,
      createdAtMs: this.now(),
      bootDelayMs: Math.round(this.options.bootDelayMs * (0.75 + 0.5 * this.random.next())),
      terminateRequestedAtMs: null,
      preemptedAtMs: null,
      unhealthy: false,
    };
    this.instances.set(instance.id, instance);
    return instance;
  }

  /** Lambda's `actions.terminate.available`: false once the instance is terminating, terminated or preempted (`vm-is-terminating`). */
  canTerminate(instance: EmulatedInstance): boolean {
    const status = this.statusOf(instance);
    return status === 'booting' || status === 'active' || status === 'unhealthy';
  }

  terminate(instance: EmulatedInstance): void {
    if (instance.terminateRequestedAtMs === null && instance.preemptedAtMs === null) instance.terminateRequestedAtMs = this.now();
  }

  /** Lambda takes the machine back (tests and operators: `POST /_emulator/preempt`). */
  preempt(id: string): boolean {
    const instance = this.find(id);
    if (instance === undefined || instance.preemptedAtMs !== null || instance.terminateRequestedAtMs !== null) return false;
    instance.preemptedAtMs = this.now();
    return true;
  }

  fileSystemInUse(fileSystem: EmulatedFileSystem): boolean {
    return this.holding().some((instance) => instance.region === fileSystem.region && instance.fileSystemNames.includes(fileSystem.name));
  }

  fileSystemByName(name: string): EmulatedFileSystem | undefined {
    return [...this.fileSystems.values()].find((fileSystem) => fileSystem.name === name);
  }

  createFileSystem(name: string, region: string): EmulatedFileSystem {
    const fileSystem = { id: this.hex(), name, region, createdAtMs: this.now() };
    this.fileSystems.set(fileSystem.id, fileSystem);
    return fileSystem;
  }

  addSshKey(name: string, publicKey: string): EmulatedSshKey {
    const key = { id: this.hex(), name, publicKey };
    this.sshKeys.set(key.id, key);
    return key;
  }

  sshKeyByName(name: string): EmulatedSshKey | undefined {
    return [...this.sshKeys.values()].find((key) => key.name === name);
  }
}
