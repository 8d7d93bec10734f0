import type { TerminateResult } from '../../contracts/index.js';
import type { LambdaInstanceStatus } from './lambda-labs-wire.js';

/** Lambda statuses past which an instance never comes back, as the terminate result they mean. */
const ENDING: Readonly<Partial<Record<LambdaInstanceStatus, TerminateResult['status']>>> = {
  terminating: 'terminating',
  terminated: 'terminated',
  preempted: 'terminated',
};

/**
 * What this provider has seen of each instance: when it first saw it (Lambda reports no launch time)
 * and the last status it read. A machine seen terminating, terminated or preempted never returns, so
 * terminate need not ask Lambda again (Lambda answers `global/unknown` when it is asked).
 */
export class InstanceSightings {
  private readonly seen = new Map<string, { firstSeenAt: string; status: LambdaInstanceStatus }>();

  constructor(private readonly now: () => number) {}

  /** Records a status read from Lambda and returns when the instance was first seen. */
  note(id: string, status: LambdaInstanceStatus, firstSeenAt?: string): string {
    const known = this.seen.get(id);
    const first = known?.firstSeenAt ?? firstSeenAt ?? new Date(this.now()).toISOString();
    // An ending status is final; a stale read (a list answered before the terminate) does not undo it.
    const kept = known !== undefined && ENDING[known.status] !== undefined && ENDING[status] === undefined ? known.status : status;
    this.seen.set(id, { firstSeenAt: first, status: kept });
    return first;
  }

  /** `terminating` / `terminated` when the instance was last seen ending, else null (Lambda must be asked). */
  ending(id: string): TerminateResult['status'] | null {
    const known = this.seen.get(id);
    return known === undefined ? null : (ENDING[known.status] ?? null);
  }

  /** Lambda no longer lists the instance: gone, or never there. */
  forget(id: string): void {
    this.seen.delete(id);
  }

  /** Keeps only the instances a full list answered (by id, readable or not). */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
  }
}
