import { ProviderError, ownershipTags } from '../../../contracts/index.js';
import { ORBSTACK_SHAPES } from '../orbstack-catalog.js';
import type { MachineMetadata, MachineRecord, MachineSpec, OrbStackMachineDriver } from '../orbstack-machine.js';
import { runWithChaos } from '../../../chaos/chaos-call.js';
import type { ChaosCall, ChaosEngine } from '../../../chaos/chaos-engine.js';
import type { DriftRule } from '../../../chaos/chaos-scenario.js';

/** How long a reclaimed spot machine is still reported (as `terminated`), like a cloud's instance list does. */
const TOMBSTONE_MS = 10 * 60_000;
const UNREADABLE_STATE = 'chaos:unreadable' as MachineRecord['state'];

function corruptRecord(record: MachineRecord): MachineRecord {
  return { ...record, state: UNREADABLE_STATE };
}

function isLive(record: MachineRecord): boolean {
  return record.state !== 'deleting' && record.state !== 'terminated';
}

/**
 * The chaos layer over a machine driver: faults and latency per call, capacity and quotas, vendor
 * quirks (list lag, slow terminate, slow boot), drift and spot interruptions. With no scenario it
 * passes every call straight through.
 */
export class ChaosMachineDriver implements OrbStackMachineDriver {
  readonly kind: OrbStackMachineDriver['kind'];
  private readonly slowBoots = new Map<string, number>();
  private readonly stopped = new Set<string>();
  private readonly vanished = new Set<string>();
  private readonly terminating = new Map<string, { record: MachineRecord; until: number }>();
  private readonly notices = new Map<string, number>();
  private readonly tombstones = new Map<string, { record: MachineRecord; until: number }>();
  private foreignCount = 0;

  constructor(
    private readonly inner: OrbStackMachineDriver,
    private readonly engine: () => ChaosEngine | null,
    private readonly now: () => number,
  ) {
    this.kind = inner.kind;
  }

  /** Forgets every effect of the previous scenario (called when the scenario is replaced or cleared). */
  reset(): void {
    for (const state of [this.slowBoots, this.stopped, this.vanished, this.terminating, this.notices, this.tombstones]) state.clear();
  }

  async createMachine(spec: MachineSpec, signal?: AbortSignal): Promise<MachineRecord> {
    const engine = this.engine();
    const call: ChaosCall = {
      operation: 'spawn',
      region: spec.metadata.region,
      zone: spec.zones[0],
      instanceType: spec.metadata.instanceType,
      spot: spec.metadata.spot,
      target: spec.name,
    };
    return runWithChaos(
      engine,
      call,
      async () => {
        const zones = engine ? await this.admit(engine, spec, call, signal) : spec.zones;
        const machine = await this.inner.createMachine({ ...spec, zones }, signal);
        const slowBoot = engine?.scenario.quirks.slowBoot;
        if (engine && slowBoot && !this.slowBoots.has(machine.name) && engine.chance('quirks.slowBoot', slowBoot.probability)) {
          this.slowBoots.set(machine.name, slowBoot.extraMs);
          engine.record('quirks.slowBoot', call, 'slow-boot', null);
        }
        return this.view(machine) ?? machine;
      },
      corruptRecord,
      signal,
    );
  }

  async listMachines(signal?: AbortSignal): Promise<MachineRecord[]> {
    const engine = this.engine();
    return runWithChaos(
      engine,
      { operation: 'list' },
      async () => {
        if (engine) await this.evolve(engine, { operation: 'list' }, signal);
        const lagMs = engine?.scenario.quirks.listLagMs;
        const now = this.now();
        const machines: MachineRecord[] = [];
        for (const record of await this.inner.listMachines(signal)) {
          if (lagMs !== undefined && now - record.createdAt < lagMs) {
            engine?.record('quirks.listLagMs', { operation: 'list', target: record.name }, 'list-lag', null);
            continue;
          }
          const view = this.view(record);
          if (view) machines.push(view);
        }
        const listed = new Set(machines.map((machine) => machine.name));
        for (const extra of this.lingering(now)) if (!listed.has(extra.name)) machines.push(extra);
        return machines;
      },
      (machines) => machines.map((machine, index) => (index === 0 ? corruptRecord(machine) : machine)),
      signal,
    );
  }

  async getMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null> {
    const engine = this.engine();
    return runWithChaos(
      engine,
      { operation: 'get', target: name },
      async () => {
        if (engine) await this.evolve(engine, { operation: 'get', target: name }, signal);
        const record = await this.inner.getMachine(name, signal);
        const view = record ? this.view(record) : null;
        return view ?? this.lingering(this.now()).find((machine) => machine.name === name) ?? null;
      },
      (record) => (record ? corruptRecord(record) : record),
      signal,
    );
  }

  async deleteMachine(name: string, signal?: AbortSignal): Promise<MachineRecord | null> {
    const engine = this.engine();
    return runWithChaos(
      engine,
      { operation: 'terminate', target: name },
      async () => {
        const tombstone = this.tombstones.get(name);
        if (tombstone) return null;
        const record = await this.inner.deleteMachine(name, signal);
        const slowMs = engine?.scenario.quirks.slowTerminateMs;
        if (engine && slowMs !== undefined && record && !this.terminating.has(name)) {
          this.terminating.set(name, { record: { ...record, state: 'deleting' }, until: this.now() + slowMs });
          engine.record('quirks.slowTerminateMs', { operation: 'terminate', target: name }, 'slow-terminate', null);
        }
        const lingering = this.terminating.get(name);
        if (record === null && lingering && lingering.until > this.now()) return lingering.record;
        return record ? (this.view(record) ?? record) : null;
      },
      (record) => (record ? corruptRecord(record) : record),
      signal,
    );
  }

  updateMetadata(name: string, patch: Partial<MachineMetadata>, signal?: AbortSignal): Promise<MachineRecord | null> {
    return this.inner.updateMetadata(name, patch, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Capacity rules and quotas: the zones of `spec` this spawn may still use, or the error clouds answer. */
  private async admit(engine: ChaosEngine, spec: MachineSpec, call: ChaosCall, signal: AbortSignal | undefined): Promise<readonly string[]> {
    const { capacity, quotas } = engine.scenario;
    if (capacity.length === 0 && Object.keys(quotas).length === 0) return spec.zones;
    const live = (await this.inner.listMachines(signal)).filter((machine) => isLive(machine) && !this.vanished.has(machine.name));
    if (live.some((machine) => machine.name === spec.name)) return spec.zones;
    if (quotas.instances !== undefined && live.length + 1 > quotas.instances) {
      throw this.refuse(engine, call, 'quotas.instances', 'QUOTA_EXCEEDED', `instance quota of ${quotas.instances} reached`);
    }
    const vcpus = live.reduce((sum, machine) => sum + machine.cpus, 0);
    if (quotas.vcpus !== undefined && vcpus + spec.cpus > quotas.vcpus) {
      throw this.refuse(engine, call, 'quotas.vcpus', 'QUOTA_EXCEEDED', `vCPU quota of ${quotas.vcpus} reached`);
    }
    let blocking = '';
    const zones = spec.zones.filter((zone) => {
      const index = capacity.findIndex((rule) => {
        if (rule.region !== undefined && rule.region !== spec.metadata.region) return false;
        if (rule.zone !== undefined && rule.zone !== zone) return false;
        if (rule.instanceType !== undefined && rule.instanceType !== spec.metadata.instanceType) return false;
        const used = live.filter(
          (machine) =>
            (rule.region === undefined || machine.metadata.region === rule.region) &&
            (rule.zone === undefined || machine.metadata.zone === zone) &&
            (rule.instanceType === undefined || machine.metadata.instanceType === rule.instanceType),
        ).length;
        return used >= rule.limit;
      });
      if (index >= 0) blocking = `capacity[${index}]`;
      return index < 0;
    });
    if (zones.length === 0) {
      throw this.refuse(engine, call, blocking, 'CAPACITY_ERROR', `no capacity for ${spec.metadata.instanceType} in ${spec.zones.join(', ')}`);
    }
    return zones;
  }

  private refuse(engine: ChaosEngine, call: ChaosCall, rule: string, code: 'CAPACITY_ERROR' | 'QUOTA_EXCEEDED', message: string) {
    engine.countFired(rule);
    engine.record(rule, call, 'error', code);
    return new ProviderError({ code, provider: 'orbstack', message: `chaos: ${message} (rule ${rule})` });
  }

  /**
   * What the world did since the last look: drift, spot notices and reclaims. Only the look takes the
   * caller's signal: the world does not stop acting because a caller stopped waiting.
   */
  private async evolve(engine: ChaosEngine, call: ChaosCall, signal: AbortSignal | undefined): Promise<void> {
    const { drift, spotInterruptions } = engine.scenario;
    if (drift.length === 0 && !spotInterruptions) return;
    const live = (await this.inner.listMachines(signal))
      .filter((machine) => isLive(machine) && !this.vanished.has(machine.name) && !this.tombstones.has(machine.name))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const { id, rule } of engine.driftFor(call)) await this.drift(engine, id, rule, live);
    if (spotInterruptions) await this.interruptSpot(engine, spotInterruptions.probability, spotInterruptions.noticeMs, live);
  }

  private async drift(engine: ChaosEngine, id: string, rule: DriftRule, live: MachineRecord[]): Promise<void> {
    if (rule.kind === 'foreign') {
      this.foreignCount += 1;
      const suffix = `${engine.scenario.seed.toString(36)}-${this.foreignCount}`;
      const machine = await this.inner.createMachine({
        name: `hangar-foreign-${suffix}`,
        zones: ['local-1a'],
        cpus: 1,
        memoryGiB: 1,
        diskGiB: 4,
        userData: '#!/bin/sh\n',
        metadata: {
          instanceType: 'orb.small',
          region: 'local-1',
          spot: false,
          image: 'ubuntu:24.04',
          tags: ownershipTags({ owner: rule.owner, instanceId: `i-foreign-${suffix}` }),
          bootstrapChecksum: '0'.repeat(64),
          spotRequestId: null,
          spotRequestStatus: null,
          maxPricePerHour: null,
        },
      });
      engine.record(id, { operation: 'list', target: machine.name }, 'drift-foreign', null);
      return;
    }
    const candidates = live.filter((machine) => !this.stopped.has(machine.name));
    if (candidates.length === 0) return;
    const target = engine.pick(candidates);
    engine.record(id, { operation: 'list', target: target.name }, `drift-${rule.kind}`, null);
    if (rule.kind === 'vanish') {
      this.vanished.add(target.name);
      await this.inner.deleteMachine(target.name);
    } else if (rule.kind === 'status') {
      this.stopped.add(target.name);
    } else {
      const others = ORBSTACK_SHAPES.filter((shape) => shape.name !== target.metadata.instanceType);
      await this.inner.updateMetadata(target.name, { instanceType: engine.pick(others).name });
    }
  }

  private async interruptSpot(engine: ChaosEngine, probability: number, noticeMs: number, live: MachineRecord[]): Promise<void> {
    const now = this.now();
    for (const [name, reclaimAt] of this.notices) {
      if (reclaimAt > now) continue;
      this.notices.delete(name);
      const record = live.find((machine) => machine.name === name);
      if (!record) continue;
      await this.inner.deleteMachine(name);
      this.tombstones.set(name, {
        record: { ...record, state: 'terminated', stateReason: { code: 'SPOT_INTERRUPTED', message: 'reclaimed by the spot market' } },
        until: now + TOMBSTONE_MS,
      });
      engine.record('spotInterruptions', { operation: 'list', target: name }, 'spot-reclaim', 'SPOT_INTERRUPTED');
    }
    for (const machine of live) {
      if (!machine.metadata.spot || this.notices.has(machine.name) || this.tombstones.has(machine.name)) continue;
      if (!engine.chance('spotInterruptions', probability)) continue;
      this.notices.set(machine.name, now + noticeMs);
      engine.record('spotInterruptions', { operation: 'list', target: machine.name }, 'spot-notice', 'SPOT_INTERRUPTED');
    }
  }

  /** The machine as the scenario wants it seen, or null when it has vanished. */
  private view(record: MachineRecord): MachineRecord | null {
    const { name } = record;
    if (this.vanished.has(name)) return null;
    const tombstone = this.tombstones.get(name);
    if (tombstone) return tombstone.record;
    let view = record;
    if (this.stopped.has(name) && view.state === 'running') view = { ...view, state: 'stopped' };
    const extra = this.slowBoots.get(name);
    if (extra !== undefined && view.state === 'running' && this.now() < view.bootsAt + extra) view = { ...view, state: 'starting' };
    const reclaimAt = this.notices.get(name);
    if (reclaimAt !== undefined) {
      const at = new Date(reclaimAt).toISOString();
      view = { ...view, stateReason: { code: 'SPOT_INTERRUPTED', message: `interruption notice: reclaimed at ${at}` } };
    }
    return view;
  }

  /** Machines the inner driver has let go of that the scenario still shows: slow terminations and spot tombstones. */
  private lingering(now: number): MachineRecord[] {
    const lingering: MachineRecord[] = [];
    for (const [name, entry] of this.terminating) {
      if (entry.until <= now) this.terminating.delete(name);
      else lingering.push(entry.record);
    }
    for (const [name, entry] of this.tombstones) {
      if (entry.until <= now) this.tombstones.delete(name);
      else lingering.push(entry.record);
    }
    return lingering;
  }
}
