import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2InstanceRecord } from './ec2-state.js';

export type Ec2InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

/** The low byte of `InstanceState.Code`. */
export const INSTANCE_STATE_CODES: Readonly<Record<Ec2InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

type Delays = Pick<ResolvedEc2Options, 'bootDelayMs' | 'terminateDelayMs' | 'terminatedRetentionMs'>;

/** When the instance started shutting down: asked by its owner, or reclaimed by the spot market (whichever came first). */
export function terminationStartedAt(instance: Ec2InstanceRecord, now: number): number | undefined {
  const reclaimedAt = instance.interruptAt !== undefined && instance.interruptAt <= now ? instance.interruptAt : undefined;
  if (instance.terminateRequestedAt === undefined) return reclaimedAt;
  return reclaimedAt === undefined ? instance.terminateRequestedAt : Math.min(reclaimedAt, instance.terminateRequestedAt);
}

/** Whether the spot market, not the owner, ended this instance. */
export function wasSpotInterruptedAt(instance: Ec2InstanceRecord, now: number): boolean {
  const startedAt = terminationStartedAt(instance, now);
  return startedAt !== undefined && startedAt === instance.interruptAt;
}

/** Derived from the clock on every read, so no timers run and an injected clock drives everything. */
export function instanceStateAt(instance: Ec2InstanceRecord, now: number, delays: Delays): Ec2InstanceStateName {
  const startedAt = terminationStartedAt(instance, now);
  if (startedAt === undefined) return now < instance.launchedAt + delays.bootDelayMs ? 'pending' : 'running';
  return now < startedAt + delays.terminateDelayMs ? 'shutting-down' : 'terminated';
}

export function isVisibleAt(instance: Ec2InstanceRecord, now: number, delays: Delays): boolean {
  const startedAt = terminationStartedAt(instance, now);
  if (startedAt === undefined) return true;
  return now < startedAt + delays.terminateDelayMs + delays.terminatedRetentionMs;
}

/** Capacity is held until the instance is fully terminated. */
export function holdsCapacityAt(instance: Ec2InstanceRecord, now: number, delays: Delays): boolean {
  return instanceStateAt(instance, now, delays) !== 'terminated';
}
