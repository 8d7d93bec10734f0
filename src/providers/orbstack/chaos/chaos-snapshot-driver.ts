import type { OrbStackSnapshotDriver, SnapshotRecord } from '../orbstack-machine.js';
import { runWithChaos } from '../../../chaos/chaos-call.js';
import type { ChaosEngine } from '../../../chaos/chaos-engine.js';

function corruptSnapshot(record: SnapshotRecord | null): SnapshotRecord | null {
  return record === null ? null : { ...record, state: 'chaos:unreadable' as SnapshotRecord['state'] };
}

/** Faults and latency on the snapshot calls; no scenario, no change. */
export class ChaosSnapshotDriver implements OrbStackSnapshotDriver {
  constructor(
    private readonly inner: OrbStackSnapshotDriver,
    private readonly engine: () => ChaosEngine | null,
  ) {}

  createSnapshot(machineName: string, snapshotName: string, description: string | null, signal?: AbortSignal): Promise<SnapshotRecord> {
    return runWithChaos(
      this.engine(),
      { operation: 'createSnapshot', target: machineName },
      () => this.inner.createSnapshot(machineName, snapshotName, description, signal),
      (record) => corruptSnapshot(record) ?? record,
      signal,
    );
  }

  getSnapshot(name: string, signal?: AbortSignal): Promise<SnapshotRecord | null> {
    return runWithChaos(this.engine(), { operation: 'getSnapshot', target: name }, () => this.inner.getSnapshot(name, signal), corruptSnapshot, signal);
  }

  deleteSnapshot(name: string, signal?: AbortSignal): Promise<SnapshotRecord | null> {
    return runWithChaos(this.engine(), { operation: 'deleteSnapshot', target: name }, () => this.inner.deleteSnapshot(name, signal), corruptSnapshot, signal);
  }
}
