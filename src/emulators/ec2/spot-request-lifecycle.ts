import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2InstanceRecord, Ec2SpotRequestRecord } from './ec2-state.js';
import { terminationStartedAt, wasSpotInterruptedAt } from './instance-lifecycle.js';

export type Ec2SpotRequestState = 'open' | 'active' | 'closed' | 'cancelled';

export interface Ec2SpotRequestStatus {
  readonly state: Ec2SpotRequestState;
  /** A code from EC2's spot request status table. */
  readonly code: string;
  readonly message: string;
  readonly updatedAt: number;
}

/** DescribeSpotInstanceRequests: requests are deleted four hours after they are cancelled (or closed) and their instances are terminated. */
export const SPOT_REQUEST_RETENTION_MS = 4 * 60 * 60 * 1000;

const TERMINATED_BY_USER = 'Spot Instance terminated due to user-initiated termination.';
const TERMINATED_BY_SERVICE = 'Spot Instance terminated by the Spot service (capacity or price).';

type Delays = Pick<ResolvedEc2Options, 'terminateDelayMs'>;

/** Derived from the request and its instance on every read, like the instance lifecycle. */
export function spotRequestStatusAt(request: Ec2SpotRequestRecord, instance: Ec2InstanceRecord, now: number, delays: Delays): Ec2SpotRequestStatus {
  const startedAt = terminationStartedAt(instance, now);
  const terminatedAt = startedAt === undefined ? undefined : startedAt + delays.terminateDelayMs;
  const gone = terminatedAt !== undefined && now >= terminatedAt;
  const ended = wasSpotInterruptedAt(instance, now)
    ? { code: 'instance-terminated-by-service', message: TERMINATED_BY_SERVICE }
    : { code: 'instance-terminated-by-user', message: TERMINATED_BY_USER };
  if (request.cancelledAt !== undefined) {
    if (gone) return { state: 'cancelled', ...ended, updatedAt: Math.max(terminatedAt, request.cancelledAt) };
    return {
      state: 'cancelled',
      code: 'request-canceled-and-instance-running',
      message: 'Your Spot request is canceled, but the instance is still running.',
      updatedAt: request.cancelledAt,
    };
  }
  if (gone) {
    // A persistent request reopens to replace its instance; the emulator never launches the replacement.
    if (request.type === 'persistent') {
      return { state: 'open', code: 'pending-evaluation', message: 'Your Spot request has been submitted for review, and is pending evaluation.', updatedAt: terminatedAt };
    }
    return { state: 'closed', ...ended, updatedAt: terminatedAt };
  }
  return { state: 'active', code: 'fulfilled', message: 'Your spot request is fulfilled.', updatedAt: request.createdAt };
}

export function isSpotRequestVisibleAt(request: Ec2SpotRequestRecord, instance: Ec2InstanceRecord, now: number, delays: Delays): boolean {
  const status = spotRequestStatusAt(request, instance, now, delays);
  const settled = (status.state === 'closed' || status.state === 'cancelled') && status.code.startsWith('instance-terminated-by-');
  return !settled || now < status.updatedAt + SPOT_REQUEST_RETENTION_MS;
}
