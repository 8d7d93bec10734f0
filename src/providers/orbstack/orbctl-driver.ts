import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { idField, isProviderError, ProviderError, readEach, type SkippedEntryLog, VendorResponseError } from '../../contracts/index.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';
import { JournalFile } from './journal-file.js';
import { OrbctlCli, type OrbctlCliOptions, type OrbctlResult } from './orbctl-cli.js';
import { isOrbctlError, saysAlreadyExists, saysNotFound } from './orbctl-errors.js';
import { type OrbctlMachine, OrbctlInfoSchema, OrbctlListSchema, OrbctlMachineSchema, ulidTime } from './orbctl-output.js';
import {
  type MachineMetadata,
  MachineMetadataSchema,
  type MachineRecord,
  type MachineSpec,
  type MachineState,
  type OrbStackMachineDriver,
} from './orbstack-machine.js';
import { MACHINE_NAME_PREFIX } from './orbstack-provider.js';

export interface OrbctlDriverOptions {
  /** The provider's own folder: the sidecar `orbctl-metadata.jsonl` and user-data files live there. */
  stateDir: string;
  orbctl: OrbctlCliOptions;
  now?: () => number;
  /** Where Hangar's machines whose `orbctl list` record cannot be read are recorded (skipped, never fatal). */
  skippedEntries?: SkippedEntryLog;
}

/** What Hangar knows of a machine and OrbStack does not (it has no tags), kept beside it by name. */
const SidecarSchema = z.object({
  createdAt: z.number(),
  cpus: z.number(),
  memoryGiB: z.number(),
  diskGiB: z.number(),
  metadata: MachineMetadataSchema,
});

type Sidecar = z.infer<typeof SidecarSchema>;

const SIDECARS = 'machines';
const USER_DATA_SUFFIX = '.user-data';

/**
 * Real OrbStack Linux machines through the `orbctl` CLI. Only machines named `hangar-...` are
 * Hangar's; a developer's own machines are never listed, read or deleted. Hangar's metadata lives
 * in a sidecar journal merged with what orbctl reports.
 */
export class OrbctlDriver implements OrbStackMachineDriver {
  readonly kind = 'orbctl' as const;
  private readonly cli: OrbctlCli;
  private readonly journal: JournalFile;
  private readonly sidecars = new Map<string, Sidecar>();
  private readonly stateDir: string;
  private readonly now: () => number;
  private readonly skippedEntries: SkippedEntryLog | undefined;

  constructor(options: OrbctlDriverOptions) {
    this.stateDir = resolve(options.stateDir);
    this.cli = new OrbctlCli(options.orbctl);
    this.journal = new JournalFile(join(this.stateDir, 'orbctl-metadata.jsonl'));
    this.now = options.now ?? Date.now;
    this.skippedEntries = options.skippedEntries;
    for (const [name, value] of this.journal.takeRecords(SIDECARS)) this.sidecars.set(name, SidecarSchema.parse(value));
    // A crash between writing a user-data file and removing it must not leave a bootstrap's secrets behind.
    for (const file of readdirSync(this.stateDir)) {
      if (file.endsWith(USER_DATA_SUFFIX)) rmSync(join(this.stateDir, file), { force: true });
    }
  }

  /**
   * An abort while `orbctl create` runs kills it, but OrbStack may still make the machine: the sidecar
   * (its owner and Hangar id) is kept, so such a machine carries the ownership marks.
   */
  async createMachine(spec: MachineSpec, signal?: AbortSignal): Promise<MachineRecord> {
    throwIfAborted(signal);
    if (!isHangars(spec.name)) throw invalidSpec(`machine name ${spec.name} lacks the ${MACHINE_NAME_PREFIX} prefix`);
    const zone = spec.zones[0];
    if (zone === undefined) throw invalidSpec(`no zone to place ${spec.name} in`);
    const existing = await this.info(spec.name, signal);
    if (existing) return this.adopt(existing, spec, zone);

    // Written before the create, so a machine that appears after a create that hung still carries its owner.
    this.saveSidecar(spec.name, {
      createdAt: this.now(),
      cpus: spec.cpus,
      memoryGiB: spec.memoryGiB,
      diskGiB: spec.diskGiB,
      metadata: { ...spec.metadata, zone },
    });
    try {
      await this.create(spec, signal);
    } catch (error) {
      // A taxonomy error is a definite no: nothing was made, so there is nothing to describe. An abort is no answer at all.
      if (isProviderError(error) && signal?.aborted !== true) this.deleteSidecar(spec.name);
      throw error;
    }
    const created = await this.info(spec.name, signal);
    if (!created) throw new VendorResponseError('orbstack', `orbstack: orbctl created ${spec.name} but orbctl info cannot find it`);
    return this.toRecord(created);
  }

  async listMachines(signal?: AbortSignal): Promise<MachineRecord[]> {
    const raws = await this.cli.json(['list', '-f', 'json'], OrbctlListSchema, signal);
    // Only Hangar's machines are read; one odd record is skipped and logged, and getMachine (orbctl info) still fails loudly on it.
    const ours = raws.filter((raw) => {
      const name = idField('name')(raw);
      return name !== null && isHangars(name);
    });
    const machines = readEach(OrbctlMachineSchema, ours, { kind: 'instance', log: this.skippedEntries, idOf: idField('name') });
    return machines.map((machine) => this.toRecord(machine));
  }

  async getMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null> {
    throwIfAborted(signal);
    if (!isHangars(name)) return null;
    const machine = await this.info(name, signal);
    return machine === null ? null : this.toRecord(machine);
  }

  async deleteMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null> {
    throwIfAborted(signal);
    if (!isHangars(name)) return null;
    // By name, not id: `orbctl delete --force <id>` crashed on OrbStack 2.2.3 (vendor spec, section A).
    const args = ['delete', '--force', name];
    let result: OrbctlResult;
    try {
      result = await this.cli.run(args, signal);
    } catch (error) {
      if (!isOrbctlError(error, 'timed-out')) throw error;
      // A delete that hung may have finished anyway: look before answering.
      const remaining = await this.info(name, signal);
      return remaining ? { ...this.toRecord(remaining), state: 'deleting' } : this.forget(name);
    }
    if (result.exitCode !== 0 && !saysNotFound(result.stderr)) throw this.cli.exitError(args, result);
    return this.forget(name);
  }

  async updateMetadata(name: string, patch: Partial<MachineMetadata>, signal?: AbortSignal): Promise<MachineRecord | null> {
    const machine = await this.getMachine(name, signal);
    if (!machine) return null;
    const sidecar = this.sidecars.get(name) ?? sidecarOf(machine);
    this.saveSidecar(name, { ...sidecar, metadata: { ...sidecar.metadata, ...patch } });
    return { ...machine, metadata: { ...machine.metadata, ...patch } };
  }

  async close(): Promise<void> {}

  /** `orbctl create` with the user-data in a private file; after a hang or "already exists", the machine is looked for by name. */
  private async create(spec: MachineSpec, signal: AbortSignal | undefined): Promise<void> {
    const userData = join(this.stateDir, `${spec.name}.${randomBytes(6).toString('hex')}${USER_DATA_SUFFIX}`);
    // The bootstrap may carry secrets: a file only this user can read, never argv (visible in `ps`).
    writeFileSync(userData, spec.userData, { mode: 0o600, flag: 'wx' });
    const args = ['create', '-c', userData, spec.metadata.image, spec.name];
    try {
      const result = await this.cli.run(args, signal);
      if (result.exitCode === 0) return;
      if (saysAlreadyExists(result.stderr) && (await this.info(spec.name, signal))) return;
      throw this.cli.exitError(args, result);
    } catch (error) {
      if (isOrbctlError(error, 'timed-out') && (await this.info(spec.name, signal))) return;
      throw error;
    } finally {
      rmSync(userData, { force: true });
    }
  }

  private async info(name: string, signal?: AbortSignal): Promise<OrbctlMachine | null> {
    const args = ['info', name, '-f', 'json'];
    const result = await this.cli.run(args, signal);
    if (result.exitCode !== 0) {
      if (saysNotFound(result.stderr)) return null;
      throw this.cli.exitError(args, result);
    }
    return this.cli.parse(args, result.stdout, OrbctlInfoSchema).record;
  }

  /** A machine already under this name was made for the same idempotency token: it gets the spec's metadata if it lost its own. */
  private adopt(machine: OrbctlMachine, spec: MachineSpec, zone: string): MachineRecord {
    if (!this.sidecars.has(machine.name)) {
      this.saveSidecar(machine.name, {
        createdAt: ulidTime(machine.id) ?? this.now(),
        cpus: spec.cpus,
        memoryGiB: spec.memoryGiB,
        diskGiB: spec.diskGiB,
        metadata: { ...spec.metadata, zone },
      });
    }
    return this.toRecord(machine);
  }

  private toRecord(machine: OrbctlMachine): MachineRecord {
    const sidecar = this.sidecars.get(machine.name) ?? sidecarOfUnknownMachine(machine, this.now());
    return {
      id: machine.id,
      name: machine.name,
      state: machineState(machine.state),
      cpus: sidecar.cpus,
      memoryGiB: sidecar.memoryGiB,
      diskGiB: sidecar.diskGiB,
      createdAt: sidecar.createdAt,
      bootsAt: sidecar.createdAt,
      goneAt: null,
      stateReason: null,
      metadata: sidecar.metadata,
    };
  }

  private saveSidecar(name: string, sidecar: Sidecar): void {
    this.sidecars.set(name, sidecar);
    this.journal.put(SIDECARS, name, sidecar);
  }

  private deleteSidecar(name: string): void {
    this.sidecars.delete(name);
    this.journal.delete(SIDECARS, name);
  }

  /** The machine is gone: so is what Hangar kept beside it. */
  private forget(name: string): null {
    this.deleteSidecar(name);
    return null;
  }
}

function isHangars(name: string): boolean {
  return name.startsWith(MACHINE_NAME_PREFIX);
}

function invalidSpec(message: string): ProviderError {
  return new ProviderError({ code: 'INVALID_SPEC', provider: 'orbstack', message });
}

/** Only `running` and `stopped` are documented; anything else is on its way somewhere. */
function machineState(state: string): MachineState {
  if (state === 'running') return 'running';
  if (state === 'stopped') return 'stopped';
  return 'starting';
}

function sidecarOf(machine: MachineRecord): Sidecar {
  const { cpus, memoryGiB, diskGiB, createdAt, metadata } = machine;
  return { cpus, memoryGiB, diskGiB, createdAt, metadata };
}

/**
 * A hangar- machine whose metadata is lost (sidecar deleted, or made by hand). It is still listed,
 * but with empty tags it has no owner and no Hangar instance id, so no control plane claims it or
 * collects it; a person must decide.
 */
function sidecarOfUnknownMachine(machine: OrbctlMachine, now: number): Sidecar {
  return {
    createdAt: ulidTime(machine.id) ?? now,
    cpus: 0,
    memoryGiB: 0,
    diskGiB: 0,
    metadata: {
      instanceType: 'unknown',
      region: 'unknown',
      zone: 'unknown',
      spot: false,
      image: `${machine.image.distro}:${machine.image.version}`,
      tags: {},
      bootstrapChecksum: '',
      spotRequestId: null,
      spotRequestStatus: null,
      maxPricePerHour: null,
    },
  };
}
