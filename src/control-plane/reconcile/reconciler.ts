import { performance } from 'node:perf_hooks';
import { type ProviderInstance, isProviderError } from '../../contracts/index.js';
import { apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { type InstanceRecord, type InstanceStatus, type StoredError, TERMINAL_STATUSES, terminationReason } from '../instance-record.js';
import { refreshSnapshot } from '../lifecycle/snapshot-lifecycle.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { recordEvent } from '../store/event-store.js';
import type { EventSpec, InstancePatch, PlannedChange } from '../store/instance-store.js';
import { forEachLimited } from '../../lib/for-each-limited.js';
import { type ReconcilePolicy, bootDeadlineFor, policyFor } from './reconcile-policy.js';
import { type ReconcileReport, emptyReport } from './reconcile-report.js';
import { SPEC_HASH_VERSION, driftedFields, specHash } from './spec-hash.js';

const FOLLOW_UP_CONCURRENCY = 16;
const ROW_PAGE = 5000;

function statusOf(machine: ProviderInstance): InstanceStatus {
  return machine.status === 'running' ? 'running' : 'provisioning';
}

function gone(machine: ProviderInstance | null): boolean {
  return machine === null || machine.status === 'terminated';
}

/**
 * One reconcile of one provider: list its owned machines once, diff them against the store's open
 * rows, and write only what changed. `get` is called only where the list cannot answer (a row whose
 * machine is missing past the grace window, a machine past its boot deadline); terminate is called
 * for terminations that have not taken and for orphans past their grace period.
 */
class ReconcileRun {
  readonly report: ReconcileReport;
  private readonly policy: ReconcilePolicy;
  private readonly now = Date.now();
  private readonly nowIso = new Date(this.now).toISOString();
  /** At most one change per row: a second decision about the same row merges into the first. */
  private readonly changes = new Map<string, PlannedChange>();
  private readonly followUps: (() => Promise<void>)[] = [];
  /** Rows whose spot machine the market reclaimed in this pass (handed to ctx.spotInterrupted once written). */
  private readonly interrupted: InstanceRecord[] = [];

  constructor(
    private readonly ctx: ControlPlaneContext,
    private readonly entry: RegisteredProvider,
  ) {
    this.report = emptyReport(entry.name);
    this.policy = policyFor(ctx.reconcileSettings, entry.name);
  }

  async run(): Promise<ReconcileReport> {
    const started = performance.now();
    const machines = await this.call('list', () => this.entry.provider.list({ owner: this.ctx.settings.owner }));
    this.report.listed = machines.length;
    const byProviderId = new Map(machines.map((machine) => [machine.providerId, machine]));
    const byHangarId = new Map<string, ProviderInstance>();
    for (const machine of machines) {
      if (machine.hangarInstanceId !== null && !byHangarId.has(machine.hangarInstanceId)) byHangarId.set(machine.hangarInstanceId, machine);
    }
    const claimed = new Set<string>();
    // Rows are read and settled a page at a time, so memory holds one page of rows, not all of them.
    let afterId: string | undefined;
    for (;;) {
      const rows = await this.ctx.instances.openPage(this.entry.name, afterId, ROW_PAGE);
      for (const row of rows) {
        const machine = row.providerId !== null ? byProviderId.get(row.providerId) : byHangarId.get(row.id);
        if (machine) claimed.add(machine.providerId);
        // The spawn in flight in this process will write this row itself.
        if (!this.ctx.inflightSpawns.has(row.id)) this.decide(row, machine ?? null);
      }
      await this.settle();
      if (rows.length < ROW_PAGE) break;
      // Let requests waiting on the event loop in between pages: a large reconcile must not stall the API.
      await new Promise((resolve) => setImmediate(resolve));
      afterId = rows.at(-1)?.id;
    }
    await this.orphans(machines.filter((machine) => !claimed.has(machine.providerId)));
    await this.settle();
    await this.snapshots();
    this.report.durationMs = Math.round((performance.now() - started) * 100) / 100;
    return this.report;
  }

  /** Runs the follow-ups decided so far, then writes the planned changes in one transaction. */
  private async settle(): Promise<void> {
    const followUps = this.followUps.splice(0);
    // A follow-up that fails (a throttled get, a terminate that errors) is reported and retried next cycle; the rest still land.
    await forEachLimited(followUps, FOLLOW_UP_CONCURRENCY, async (followUp) => {
      try {
        await followUp();
      } catch (error) {
        const apiError = apiErrorFromProviderCall(error, this.entry.name);
        const retryAfterMs = isProviderError(error) ? error.retryAfterMs : undefined;
        this.report.errors.push({ code: apiError.code, message: apiError.message, ...(retryAfterMs !== undefined && { retryAfterMs }) });
      }
    });
    const { applied, events } = await this.ctx.instances.applyPlanned([...this.changes.values()]);
    this.changes.clear();
    if (this.interrupted.length > 0) this.ctx.spotInterrupted(this.interrupted.splice(0));
    this.report.updated += applied;
    this.report.rowsWritten += applied + events;
  }

  private decide(row: InstanceRecord, machine: ProviderInstance | null): void {
    switch (row.status) {
      case 'requested':
        if (machine && machine.status !== 'terminated' && machine.status !== 'terminating') {
          this.report.adopted += 1;
          this.plan(row, statusOf(machine), { ...this.attach(machine), error: null }, [
            { type: 'instance.adopted', message: `adopted ${machine.providerId}, found by its ownership marks` },
          ]);
        } else if (!machine && this.age(row.createdAt) >= this.policy.intentGraceMs) {
          this.plan(row, 'failed', { error: this.stored(502, 'SPAWN_NOT_CONFIRMED', 'no machine appeared for this spawn within the intent grace window') }, [
            { type: 'instance.intent-expired', message: `no machine carries this instance's marks ${this.policy.intentGraceMs} ms after the request` },
          ]);
        }
        return;
      case 'provisioning':
      case 'running':
      case 'lost':
        if (machine) this.observe(row, machine);
        else if (row.status !== 'lost' && row.providerId !== null && this.age(row.createdAt) >= this.policy.lostGraceMs) {
          this.followUps.push(() => this.confirmMissing(row, row.providerId as string));
        }
        return;
      case 'terminating':
        if (row.providerId === null) {
          if (machine && !gone(machine)) this.followUps.push(() => this.terminate(row, machine, 'instance.machine-found'));
          else if (this.age(row.terminateRequestedAt ?? row.updatedAt) >= this.policy.intentGraceMs) {
            this.plan(row, 'terminated', { terminatedAt: this.nowIso }, [
              { type: 'instance.terminated', message: 'no machine carries this instance’s marks; nothing to terminate' },
            ]);
          }
        } else if (!machine) {
          this.followUps.push(() => this.confirmGone(row, row.providerId as string));
        } else {
          this.terminating(row, machine);
        }
        return;
      default:
        return;
    }
  }

  /** A row whose machine the provider reports: status, boot deadline, spec drift. */
  private observe(row: InstanceRecord, machine: ProviderInstance): void {
    if (machine.status === 'terminated') {
      this.endedElsewhere(row, machine);
      return;
    }
    if (machine.status === 'terminating') return;
    // Some vendors stop a reclaimed spot machine instead of deleting it (RunPod keeps its disk, still billed).
    const reclaimedButKept = machine.status === 'stopped' && machine.stateReason?.code === 'SPOT_INTERRUPTED';
    if (machine.status === 'failed' || reclaimedButKept) {
      // A failed or reclaimed machine may still be billed: record why, then terminate it like any other.
      const error = reclaimedButKept
        ? this.stored(503, 'SPOT_INTERRUPTED', `${this.entry.name} reclaimed ${machine.providerId} from the spot market and stopped it`)
        : this.stored(502, 'MACHINE_FAILED', `${this.entry.name} reports ${machine.providerId} as failed`);
      const terminateRequestedAt = row.terminateRequestedAt ?? this.nowIso;
      if (reclaimedButKept) this.interrupted.push(row);
      this.plan(row, 'terminating', { terminateRequestedAt, error }, [
        { type: reclaimedButKept ? 'instance.spot-interrupted' : 'instance.machine-failed', message: `${error.message}; terminating it` },
      ]);
      this.followUps.push(() => this.terminate({ ...row, status: 'terminating', terminateRequestedAt, error }, machine, 'instance.terminate-requested'));
      return;
    }
    let to = row.status;
    const patch: InstancePatch = {};
    const events: EventSpec[] = [];
    if (row.status === 'lost') {
      to = statusOf(machine);
      events.push({ type: 'instance.found', message: `${machine.providerId} is listed again` });
    } else if (row.status === 'provisioning' && machine.status === 'running') {
      to = 'running';
      events.push({ type: 'instance.running', message: `${machine.providerId} is running` });
    } else if (
      row.status === 'provisioning' &&
      machine.status !== 'running' &&
      row.bootOverdueAt === null &&
      this.age(row.createdAt) >= bootDeadlineFor(this.policy, row.instanceType)
    ) {
      this.followUps.push(() => this.checkBoot(row, machine.providerId));
    }
    this.drift(row, machine, patch, events);
    if (to !== row.status || Object.keys(patch).length > 0) this.plan(row, to, patch, events);
  }

  private drift(row: InstanceRecord, machine: ProviderInstance, patch: InstancePatch, events: EventSpec[]): void {
    const hash = specHash(machine);
    // A stopped machine drifts from the running one the row stands for, even with the same spec.
    const observed = machine.status === 'stopped' ? `${hash}:stopped` : hash;
    if (row.specHash === null || row.specHashVersion !== SPEC_HASH_VERSION) {
      patch.specHash = hash;
      patch.specHashVersion = SPEC_HASH_VERSION;
      return;
    }
    if (observed !== row.specHash && row.drift?.observedHash !== observed) {
      const fields = [...driftedFields(row, machine), ...(machine.status === 'stopped' ? ['status'] : [])];
      patch.drift = { observedHash: observed, fields, detectedAt: this.nowIso };
      this.report.drifted += 1;
      events.push({ type: 'instance.drifted', message: `${machine.providerId} drifted: ${fields.join(', ') || 'spec'}`, data: { fields } });
    } else if (observed === row.specHash && row.drift !== null) {
      patch.drift = null;
      events.push({ type: 'instance.drift-resolved', message: `${machine.providerId} matches its spawned spec again` });
    }
  }

  /** The machine ended without our asking: a spot reclaim, or a termination by someone else. */
  private endedElsewhere(row: InstanceRecord, machine: ProviderInstance): void {
    const spot = machine.stateReason?.code === 'SPOT_INTERRUPTED';
    if (spot) this.interrupted.push(row);
    const error = spot
      ? this.stored(503, 'SPOT_INTERRUPTED', machine.stateReason?.message ?? 'reclaimed by the spot market')
      : this.stored(502, 'TERMINATED_EXTERNALLY', `${machine.providerId} was terminated outside Hangar`);
    this.plan(row, 'terminated', { terminatedAt: this.nowIso, error }, [
      { type: spot ? 'instance.spot-interrupted' : 'instance.terminated-externally', message: error.message },
    ]);
  }

  private terminating(row: InstanceRecord, machine: ProviderInstance): void {
    if (machine.status === 'terminated') {
      this.plan(row, 'terminated', { terminatedAt: this.nowIso, error: terminationReason(row) }, [
        { type: 'instance.terminated', message: 'the provider reports the machine terminated' },
      ]);
      return;
    }
    const requestedAt = row.terminateRequestedAt ?? row.updatedAt;
    if (row.terminateOverdueAt === null && this.age(requestedAt) >= this.policy.terminateBudgetMs) {
      this.plan(row, 'terminating', { terminateOverdueAt: this.nowIso }, [
        {
          type: 'instance.terminate-overdue',
          message: `termination unconfirmed ${this.policy.terminateBudgetMs} ms after it was requested; still retrying`,
          data: { attempts: row.terminateAttempts },
        },
      ]);
    }
    // "Still terminating" is the provider's own state: wait. Anything else means the terminate did not take.
    if (machine.status === 'terminating') return;
    if (row.lastTerminateAt === null || this.age(row.lastTerminateAt) >= this.policy.terminateRetryMs) {
      this.followUps.push(() => this.terminate(row, machine, 'instance.terminate-retried'));
    }
  }

  private async terminate(row: InstanceRecord, machine: ProviderInstance, type: string): Promise<void> {
    this.report.terminationsRetried += 1;
    const result = await this.call('terminate', () => this.entry.provider.terminate(machine.providerId));
    const patch: InstancePatch = {
      providerId: machine.providerId,
      zone: machine.zone,
      terminateAttempts: row.terminateAttempts + 1,
      lastTerminateAt: this.nowIso,
    };
    const message = `terminate of ${machine.providerId} (attempt ${row.terminateAttempts + 1}): ${result.status}`;
    if (result.status === 'terminated') this.plan(row, 'terminated', { ...patch, terminatedAt: this.nowIso, error: terminationReason(row) }, [{ type, message }]);
    else this.plan(row, 'terminating', patch, [{ type, message }]);
  }

  /** A live row whose machine is missing from the list past the grace window: `get` decides. */
  private async confirmMissing(row: InstanceRecord, providerId: string): Promise<void> {
    const machine = await this.call('get', () => this.entry.provider.get(providerId));
    if (machine === null) {
      this.report.lost += 1;
      this.plan(row, 'lost', {}, [{ type: 'instance.lost', message: `${providerId} is neither listed nor found by get` }]);
    } else {
      this.observe(row, machine);
    }
  }

  /** A terminating row whose machine is missing from the list: confirmed gone only by `get`. */
  private async confirmGone(row: InstanceRecord, providerId: string): Promise<void> {
    const machine = await this.call('get', () => this.entry.provider.get(providerId));
    if (gone(machine)) {
      this.plan(row, 'terminated', { terminatedAt: this.nowIso, error: terminationReason(row) }, [
        { type: 'instance.terminated', message: 'the provider confirms the machine is gone' },
      ]);
    } else if (machine) {
      this.terminating(row, machine);
    }
  }

  /** Past its boot deadline: look again, and terminate a machine that is still not running. */
  private async checkBoot(row: InstanceRecord, providerId: string): Promise<void> {
    const machine = await this.call('get', () => this.entry.provider.get(providerId));
    if (machine === null || machine.status === 'running' || machine.status === 'terminated') {
      if (machine) this.observe(row, machine);
      return;
    }
    const deadline = bootDeadlineFor(this.policy, row.instanceType);
    const result = await this.call('terminate', () => this.entry.provider.terminate(providerId));
    this.plan(
      row,
      result.status === 'terminated' ? 'terminated' : 'terminating',
      {
        bootOverdueAt: this.nowIso,
        terminateRequestedAt: this.nowIso,
        terminateAttempts: row.terminateAttempts + 1,
        lastTerminateAt: this.nowIso,
        error: this.stored(504, 'BOOT_DEADLINE_EXCEEDED', `${providerId} was not running ${deadline} ms after spawn`),
        ...(result.status === 'terminated' && { terminatedAt: this.nowIso }),
      },
      [{ type: 'instance.boot-overdue', message: `${providerId} still ${machine.status} past its ${deadline} ms boot deadline; terminated` }],
    );
  }

  /** Owned machines no open row claims: collected after their grace period, or only reported. */
  private async orphans(unclaimed: ProviderInstance[]): Promise<void> {
    const candidates = unclaimed.filter((machine) => machine.status !== 'terminated' && machine.status !== 'terminating');
    if (candidates.length === 0) return;
    const known = await this.ctx.orphans.forProvider(this.entry.name);
    const hangarIds = candidates.flatMap((machine) => (machine.hangarInstanceId === null ? [] : [machine.hangarInstanceId]));
    const rows = new Map((await this.ctx.instances.findByIds(hangarIds)).map((row) => [row.id, row]));
    for (const machine of candidates) {
      const row = machine.hangarInstanceId === null ? undefined : rows.get(machine.hangarInstanceId);
      // Another adapter of the same kind on the same account (`runpod-next` beside `runpod`) lists this
      // machine too: while that adapter's open row claims it, it is that adapter's to reconcile, never an orphan here.
      // A row of another kind is no claim: a placement chain that failed over from here left this machine behind.
      if (row !== undefined && row.provider !== this.entry.name && !TERMINAL_STATUSES.includes(row.status) && this.ctx.registry.get(row.provider)?.kind === this.entry.kind) continue;
      let seen = known.get(machine.providerId);
      if (!seen) {
        await this.ctx.orphans.firstSeen(this.entry.name, machine.providerId, machine.hangarInstanceId, this.nowIso);
        this.report.rowsWritten += 1;
        seen = { providerId: machine.providerId, hangarInstanceId: machine.hangarInstanceId, firstSeenAt: this.nowIso, reportedAt: null, collectedAt: null };
      }
      const about = row ? `its row ${row.id} is ${row.status}` : 'no row carries its id';
      if (this.age(seen.firstSeenAt) < this.policy.orphanGraceMs) continue;
      if (this.policy.orphanMode === 'report') {
        if (seen.reportedAt === null) {
          this.report.orphansReported += 1;
          await this.ctx.orphans.mark(this.entry.name, machine.providerId, 'reported_at', this.nowIso);
          await this.orphanEvent(row?.id ?? null, 'orphan.reported', `${machine.providerId} is ours but ${about}; reported only (report mode)`, machine);
        }
        continue;
      }
      if (seen.collectedAt !== null && this.age(seen.collectedAt) < this.policy.terminateRetryMs) continue;
      this.followUps.push(async () => {
        const result = await this.call('terminate', () => this.entry.provider.terminate(machine.providerId));
        this.report.orphansCollected += 1;
        await this.ctx.orphans.mark(this.entry.name, machine.providerId, 'collected_at', this.nowIso);
        await this.orphanEvent(row?.id ?? null, 'orphan.collected', `collected ${machine.providerId} (${about}): ${result.status}`, machine);
      });
    }
  }

  private async orphanEvent(instanceId: string | null, type: string, message: string, machine: ProviderInstance): Promise<void> {
    await recordEvent(this.ctx.db, {
      provider: this.entry.name,
      instanceId,
      type,
      fromStatus: null,
      toStatus: null,
      message,
      data: { providerId: machine.providerId, hangarInstanceId: machine.hangarInstanceId },
    });
    this.report.rowsWritten += 2;
  }

  /** Snapshots in transit for this provider: read each (there are few), move them on. */
  private async snapshots(): Promise<void> {
    const pending = await this.ctx.snapshots.list({ provider: this.entry.name, statuses: ['pending', 'deleting'], limit: 1000 });
    for (const snapshot of pending) {
      this.report.providerCalls.snapshot += 1;
      await refreshSnapshot(this.ctx, snapshot);
    }
  }

  private plan(record: InstanceRecord, to: InstanceStatus, patch: InstancePatch, events: EventSpec[]): void {
    const earlier = this.changes.get(record.id);
    // The first decision's record is the row as read: the write must compare against that status.
    this.changes.set(
      record.id,
      earlier
        ? { record: earlier.record, to, patch: { ...earlier.patch, ...patch }, events: [...earlier.events, ...events] }
        : { record, to, patch, events },
    );
  }

  private attach(machine: ProviderInstance): InstancePatch {
    return { providerId: machine.providerId, zone: machine.zone, specHash: specHash(machine), specHashVersion: SPEC_HASH_VERSION };
  }

  private stored(status: number, code: string, message: string): StoredError {
    return { status, code, message };
  }

  private age(iso: string): number {
    return this.now - Date.parse(iso);
  }

  private call<T>(kind: 'list' | 'get' | 'terminate', run: () => Promise<T>): Promise<T> {
    this.report.providerCalls[kind] += 1;
    return callProvider(this.entry.name, kind, this.ctx.settings.providerTimeoutMs, run);
  }
}

/** Runs reconciles; never two of one provider at once (a second request waits, then runs its own). */
export class Reconciler {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: ControlPlaneContext) {}

  run(entry: RegisteredProvider): Promise<ReconcileReport> {
    const previous = this.queues.get(entry.name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => new ReconcileRun(this.ctx, entry).run());
    this.queues.set(entry.name, next);
    const forget = () => {
      if (this.queues.get(entry.name) === next) this.queues.delete(entry.name);
    };
    next.then(forget, forget);
    return next.catch((error: unknown) => {
      throw isProviderError(error) ? error : apiErrorFromProviderCall(error, entry.name);
    });
  }
}
