import type { Provider, ProviderCallOptions, SnapshotOptions } from '../../contracts/index.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';
import { type OrbStackInstance, type OrbStackSnapshot, toOrbStackSnapshot } from './orbstack-instance.js';
import type { OrbStackMachineDriver, OrbStackSnapshotDriver } from './orbstack-machine.js';
import { ORBSTACK_CAPABILITIES, OrbStackProvider } from './orbstack-provider.js';

/** OrbStack on the local driver: every OrbStack capability plus disk snapshots. */
export const LOCAL_ORBSTACK_CAPABILITIES = { ...ORBSTACK_CAPABILITIES, snapshots: true } as const;

export interface SnapshottingOrbStackProviderOptions {
  driver: OrbStackMachineDriver;
  snapshots: OrbStackSnapshotDriver;
  seed: number;
  now?: () => number;
}

export class SnapshottingOrbStackProvider
  extends OrbStackProvider<typeof LOCAL_ORBSTACK_CAPABILITIES>
  implements Provider<OrbStackInstance, OrbStackSnapshot, typeof LOCAL_ORBSTACK_CAPABILITIES>
{
  private readonly snapshots: OrbStackSnapshotDriver;

  constructor(options: SnapshottingOrbStackProviderOptions) {
    super(LOCAL_ORBSTACK_CAPABILITIES, options);
    this.snapshots = options.snapshots;
  }

  async createSnapshot(providerInstanceId: string, options?: SnapshotOptions, call?: ProviderCallOptions): Promise<OrbStackSnapshot> {
    throwIfAborted(call?.signal);
    const name = `${providerInstanceId}-snap-${this.now().toString(36)}${this.random.int(0, 36 ** 4 - 1).toString(36)}`;
    return toOrbStackSnapshot(await this.snapshots.createSnapshot(providerInstanceId, name, options?.description ?? null, call?.signal));
  }

  async getSnapshotStatus(providerSnapshotId: string, call?: ProviderCallOptions): Promise<OrbStackSnapshot | null> {
    throwIfAborted(call?.signal);
    const snapshot = await this.snapshots.getSnapshot(providerSnapshotId, call?.signal);
    return snapshot === null ? null : toOrbStackSnapshot(snapshot);
  }

  async deleteSnapshot(providerSnapshotId: string, call?: ProviderCallOptions): Promise<void> {
    throwIfAborted(call?.signal);
    await this.snapshots.deleteSnapshot(providerSnapshotId, call?.signal);
  }
}
