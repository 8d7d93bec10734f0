import { OWNERSHIP_TAGS } from '../../contracts/index.js';
import { apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import type { InstanceRecord, InstanceStatus } from '../instance-record.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { refreshSnapshot } from './snapshot-lifecycle.js';
import { confirmTerminated, requestTermination } from './terminate-instance.js';

const WATCHED: readonly InstanceStatus[] = ['requested', 'provisioning', 'terminating'];

export interface StatusRefresherOptions {
  intervalMs: number;
  /** Rows looked at per tick; the refresher walks all watched rows in id order across ticks. */
  batchSize: number;
  concurrency: number;
}

/**
 * The minimal status refresh: `get` on each row in transit, moving provisioning -> running and
 * terminating -> terminated. It reads in id order with a cursor, so a steady pass writes nothing.
 * Full list-based reconciliation (lost machines, orphans, drift) is the reconciler's job.
 */
export class StatusRefresher {
  private timer: NodeJS.Timeout | undefined;
  private instanceCursor: string | undefined;
  private snapshotCursor: string | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ctx: ControlPlaneContext,
    private readonly options: StatusRefresherOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.ctx.logger.error('status refresh failed', { error: String(error) }))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One batch of instances and one of snapshots. */
  async runOnce(): Promise<void> {
    const rows = await this.ctx.instances.list({
      statuses: WATCHED,
      afterId: this.instanceCursor,
      limit: this.options.batchSize,
    });
    this.instanceCursor = rows.length < this.options.batchSize ? undefined : rows.at(-1)?.id;
    await forEachLimited(rows, this.options.concurrency, (row) => this.refreshInstance(row));

    const snapshots = await this.ctx.snapshots.list({
      statuses: ['pending', 'deleting'],
      afterId: this.snapshotCursor,
      limit: this.options.batchSize,
    });
    this.snapshotCursor = snapshots.length < this.options.batchSize ? undefined : snapshots.at(-1)?.id;
    await forEachLimited(snapshots, this.options.concurrency, (snapshot) => refreshSnapshot(this.ctx, snapshot));
  }

  private async refreshInstance(row: InstanceRecord): Promise<void> {
    const entry = this.ctx.registry.get(row.provider);
    if (!entry || this.ctx.inflightSpawns.has(row.id)) return;
    try {
      if (row.providerId !== null) await this.refreshFromProvider(entry, row, row.providerId);
      else if (row.status === 'terminating') await this.findMachineToTerminate(entry, row);
      else if (row.status === 'requested') await this.adoptMachine(entry, row);
    } catch (error) {
      const apiError = apiErrorFromProviderCall(error, entry.name);
      this.ctx.logger.warn('refresh of instance failed', { instanceId: row.id, code: apiError.code });
    }
  }

  private async refreshFromProvider(entry: RegisteredProvider, row: InstanceRecord, providerId: string): Promise<void> {
    const machine = await callProvider(entry.name, 'get', this.ctx.settings.providerTimeoutMs, () =>
      entry.provider.get(providerId),
    );
    if (row.status === 'terminating') {
      if (machine === null || machine.status === 'terminated') {
        await confirmTerminated(this.ctx, row, 'the provider no longer reports the machine');
      } else if (machine.status !== 'terminating') {
        await requestTermination(this.ctx, entry, row);
      }
      return;
    }
    if (machine?.status === 'running') {
      await this.ctx.instances.transition(row.id, {
        from: ['provisioning'],
        to: 'running',
        event: { type: 'instance.running', message: `${providerId} is running` },
      });
    } else if (machine?.status === 'failed') {
      await this.ctx.instances.transition(row.id, {
        from: ['provisioning'],
        to: 'failed',
        event: { type: 'instance.failed', message: `${entry.name} reports ${providerId} as failed` },
      });
    }
  }

  /** The machine carrying this row's ownership marks, for a row whose spawn never told us its id. */
  private async machineFor(entry: RegisteredProvider, row: InstanceRecord) {
    const machines = await callProvider(entry.name, 'list', this.ctx.settings.providerTimeoutMs, () =>
      entry.provider.list({ owner: this.ctx.settings.owner, hangarInstanceId: row.id }),
    );
    return machines.find((candidate) => candidate.tags[OWNERSHIP_TAGS.instanceId] === row.id) ?? machines[0];
  }

  /**
   * A requested row whose spawn call timed out or died with the process: if the provider made the
   * machine after all, adopt it. Rows with no machine are left for reconciliation's intent grace window.
   */
  private async adoptMachine(entry: RegisteredProvider, row: InstanceRecord): Promise<void> {
    if (Date.now() - Date.parse(row.createdAt) < this.ctx.settings.providerTimeoutMs) return;
    const machine = await this.machineFor(entry, row);
    if (!machine || machine.status === 'terminating' || machine.status === 'terminated') return;
    await this.ctx.instances.transition(row.id, {
      from: ['requested'],
      to: machine.status === 'running' ? 'running' : 'provisioning',
      patch: { providerId: machine.providerId, zone: machine.zone, error: null },
      event: { type: 'instance.adopted', message: `adopted ${machine.providerId}, found by its ownership marks` },
    });
  }

  /** A terminating row whose spawn outcome is unknown: find the machine by its ownership marks. */
  private async findMachineToTerminate(entry: RegisteredProvider, row: InstanceRecord): Promise<void> {
    const machine = await this.machineFor(entry, row);
    if (machine) {
      const attached = await this.ctx.instances.transition(row.id, {
        from: ['terminating'],
        to: 'terminating',
        patch: { providerId: machine.providerId, zone: machine.zone },
        event: { type: 'instance.machine-found', message: `found ${machine.providerId} by its ownership marks` },
      });
      if (attached) await requestTermination(this.ctx, entry, attached);
      return;
    }
    const requestedAt = Date.parse(row.terminateRequestedAt ?? row.updatedAt);
    if (Date.now() - requestedAt >= this.ctx.settings.orphanGraceMs) {
      await confirmTerminated(
        this.ctx,
        row,
        `no machine carries this instance's ownership marks ${this.ctx.settings.orphanGraceMs} ms after termination was requested`,
      );
    }
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}
