import { join } from 'node:path';
import { ProviderError } from '../../contracts/index.js';
import { JournalFile } from './journal-file.js';
import {
  type MachineMetadata,
  type MachineRecord,
  MachineRecordSchema,
  type MachineSpec,
  type OrbStackMachineDriver,
  type OrbStackSnapshotDriver,
  type SnapshotRecord,
  SnapshotRecordSchema,
} from './orbstack-machine.js';
import { SeededRandom } from '../../chaos/seeded-random.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';

export interface DelayRange {
  min: number;
  max: number;
}

export interface LocalDriverOptions {
  /** The provider's own folder; the machines live in `local-machines.jsonl` there. */
  stateDir: string;
  seed: number;
  bootDelayMs: DelayRange;
  terminateDelayMs: DelayRange;
  snapshotDelayMs: DelayRange;
  /** Machines one zone can hold per instance type; `default` for types not named. */
  capacityPerZone: { default: number } & Record<string, number>;
  now?: () => number;
}

const MACHINES = 'machines';
const SNAPSHOTS = 'snapshots';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Machines held by the provider itself: a realistic lifecycle (starting -> running after a boot
 * delay, deleting -> gone after a terminate delay), a capacity model per zone and instance type,
 * and state in its own journal file, so a control plane that crashes finds its machines again.
 * Transitions are computed from timestamps when a machine is read, so no timers run. Every call is
 * done at once, so a caller's signal only matters before it starts: an aborted call changes nothing.
 */
export class LocalOrbStackDriver implements OrbStackMachineDriver, OrbStackSnapshotDriver {
  readonly kind = 'local' as const;
  private readonly journal: JournalFile;
  private readonly random: SeededRandom;
  private readonly now: () => number;
  private readonly machines = new Map<string, MachineRecord>();
  private readonly snapshots = new Map<string, SnapshotRecord>();
  /** Live machines per `zone|instanceType`, for the capacity model. */
  private readonly occupancy = new Map<string, number>();

  constructor(private readonly options: LocalDriverOptions) {
    this.journal = new JournalFile(join(options.stateDir, 'local-machines.jsonl'));
    this.random = new SeededRandom(options.seed);
    this.now = options.now ?? Date.now;
    for (const value of this.journal.takeRecords(MACHINES).values()) {
      const machine = MachineRecordSchema.parse(value);
      this.machines.set(machine.name, machine);
      if (machine.state !== 'deleting') this.occupy(machine.metadata, 1);
    }
    for (const value of this.journal.takeRecords(SNAPSHOTS).values()) {
      const snapshot = SnapshotRecordSchema.parse(value);
      this.snapshots.set(snapshot.name, snapshot);
    }
  }

  async createMachine(spec: MachineSpec, signal?: AbortSignal): Promise<MachineRecord> {
    throwIfAborted(signal);
    const existing = this.settledMachine(spec.name);
    if (existing && existing.state !== 'deleting') return existing;
    const zone = spec.zones.find((candidate) => this.hasCapacity(candidate, spec.metadata.instanceType));
    if (zone === undefined) {
      throw new ProviderError({
        code: 'CAPACITY_ERROR',
        provider: 'orbstack',
        message: `no capacity for ${spec.metadata.instanceType} in ${spec.zones.join(', ')}`,
      });
    }
    const now = this.now();
    const machine: MachineRecord = {
      id: this.newMachineId(now),
      name: spec.name,
      state: 'starting',
      cpus: spec.cpus,
      memoryGiB: spec.memoryGiB,
      diskGiB: spec.diskGiB,
      createdAt: now,
      bootsAt: now + this.delay(this.options.bootDelayMs),
      goneAt: null,
      stateReason: null,
      metadata: { ...spec.metadata, zone },
    };
    this.saveMachine(machine);
    this.occupy(machine.metadata, 1);
    return this.settledMachine(machine.name) ?? machine;
  }

  async listMachines(signal?: AbortSignal): Promise<MachineRecord[]> {
    throwIfAborted(signal);
    const machines: MachineRecord[] = [];
    for (const name of [...this.machines.keys()]) {
      const machine = this.settledMachine(name);
      if (machine) machines.push(machine);
    }
    return machines;
  }

  async getMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null> {
    throwIfAborted(signal);
    return this.settledMachine(name);
  }

  async deleteMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null> {
    throwIfAborted(signal);
    const machine = this.settledMachine(name);
    if (!machine) return null;
    if (machine.state === 'deleting') return machine;
    const deleting: MachineRecord = {
      ...machine,
      state: 'deleting',
      goneAt: this.now() + this.delay(this.options.terminateDelayMs),
    };
    this.saveMachine(deleting);
    this.occupy(machine.metadata, -1);
    return this.settledMachine(name);
  }

  async updateMetadata(name: string, patch: Partial<MachineMetadata>, signal?: AbortSignal): Promise<MachineRecord | null> {
    throwIfAborted(signal);
    const machine = this.settledMachine(name);
    if (!machine) return null;
    const updated = { ...machine, metadata: { ...machine.metadata, ...patch } };
    this.saveMachine(updated);
    return updated;
  }

  async createSnapshot(machineName: string, snapshotName: string, description: string | null, signal?: AbortSignal): Promise<SnapshotRecord> {
    throwIfAborted(signal);
    const existing = this.settledSnapshot(snapshotName);
    if (existing && existing.state !== 'deleting') return existing;
    const machine = this.settledMachine(machineName);
    if (!machine || machine.state === 'deleting') {
      throw new ProviderError({ code: 'NOT_FOUND', provider: 'orbstack', message: `no machine named ${machineName}` });
    }
    const now = this.now();
    const snapshot: SnapshotRecord = {
      name: snapshotName,
      machineName,
      state: 'creating',
      sizeGiB: machine.diskGiB,
      description,
      createdAt: now,
      readyAt: now + this.delay(this.options.snapshotDelayMs),
      goneAt: null,
    };
    this.saveSnapshot(snapshot);
    return this.settledSnapshot(snapshotName) ?? snapshot;
  }

  async getSnapshot(name: string, signal?: AbortSignal): Promise<SnapshotRecord | null> {
    throwIfAborted(signal);
    return this.settledSnapshot(name);
  }

  async deleteSnapshot(name: string, signal?: AbortSignal): Promise<SnapshotRecord | null> {
    throwIfAborted(signal);
    const snapshot = this.settledSnapshot(name);
    if (!snapshot) return null;
    if (snapshot.state === 'deleting') return snapshot;
    this.saveSnapshot({ ...snapshot, state: 'deleting', goneAt: this.now() + this.delay(this.options.snapshotDelayMs) });
    return this.settledSnapshot(name);
  }

  async close(): Promise<void> {}

  /** The machine as it is now: applies a finished boot or deletion, which the journal records once. */
  private settledMachine(name: string): MachineRecord | null {
    const machine = this.machines.get(name);
    if (!machine) return null;
    const now = this.now();
    if (machine.state === 'deleting' && machine.goneAt !== null && now >= machine.goneAt) {
      this.machines.delete(name);
      this.journal.delete(MACHINES, name);
      return null;
    }
    if (machine.state === 'starting' && now >= machine.bootsAt) {
      const running: MachineRecord = { ...machine, state: 'running' };
      this.saveMachine(running);
      return running;
    }
    return machine;
  }

  private settledSnapshot(name: string): SnapshotRecord | null {
    const snapshot = this.snapshots.get(name);
    if (!snapshot) return null;
    const now = this.now();
    if (snapshot.state === 'deleting' && snapshot.goneAt !== null && now >= snapshot.goneAt) {
      this.snapshots.delete(name);
      this.journal.delete(SNAPSHOTS, name);
      return null;
    }
    if (snapshot.state === 'creating' && now >= snapshot.readyAt) {
      const ready: SnapshotRecord = { ...snapshot, state: 'ready' };
      this.saveSnapshot(ready);
      return ready;
    }
    return snapshot;
  }

  private saveMachine(machine: MachineRecord): void {
    this.machines.set(machine.name, machine);
    this.journal.put(MACHINES, machine.name, machine);
  }

  private saveSnapshot(snapshot: SnapshotRecord): void {
    this.snapshots.set(snapshot.name, snapshot);
    this.journal.put(SNAPSHOTS, snapshot.name, snapshot);
  }

  private hasCapacity(zone: string, instanceType: string): boolean {
    const limit = this.options.capacityPerZone[instanceType] ?? this.options.capacityPerZone.default;
    return (this.occupancy.get(`${zone}|${instanceType}`) ?? 0) < limit;
  }

  private occupy(metadata: Pick<MachineMetadata, 'zone' | 'instanceType'>, delta: number): void {
    const key = `${metadata.zone}|${metadata.instanceType}`;
    this.occupancy.set(key, (this.occupancy.get(key) ?? 0) + delta);
  }

  private delay(range: DelayRange): number {
    return this.random.int(range.min, range.max);
  }

  /** A 26-character ULID like OrbStack's machine ids: 48 bits of time, 80 seeded random bits. */
  private newMachineId(now: number): string {
    let time = '';
    let remaining = now;
    for (let i = 0; i < 10; i += 1) {
      time = CROCKFORD[remaining % 32] + time;
      remaining = Math.floor(remaining / 32);
    }
    let random = '';
    for (let i = 0; i < 16; i += 1) random += CROCKFORD[this.random.int(0, 31)];
    return time + random;
  }
}
