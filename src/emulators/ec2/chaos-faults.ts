import type { ChaosOperation } from '../../chaos/chaos-scenario.js';
import type { ProviderErrorCode } from '../../contracts/index.js';
import { Ec2Error } from './ec2-error.js';

/** Which chaos operation an EC2 Action is; Actions outside the vocabulary see no faults. */
export function chaosOperationOf(action: string, instanceIds: number): ChaosOperation | null {
  switch (action) {
    case 'RunInstances':
    case 'CreateFleet':
      return 'spawn';
    case 'TerminateInstances':
      return 'terminate';
    case 'DescribeInstances':
      // A describe of one id is how a provider reads one machine.
      return instanceIds === 1 ? 'get' : 'list';
    case 'CreateSnapshot':
      return 'createSnapshot';
    case 'DescribeSnapshots':
      return 'getSnapshot';
    case 'DeleteSnapshot':
      return 'deleteSnapshot';
    default:
      return null;
  }
}

/** The EC2 error a fault rule's taxonomy code becomes on the wire. */
export function ec2ErrorFor(code: ProviderErrorCode | null, message: string): Ec2Error {
  switch (code) {
    case 'CAPACITY_ERROR':
      return new Ec2Error('InsufficientInstanceCapacity', message, 500);
    case 'AUTH_ERROR':
      return new Ec2Error('AuthFailure', message, 401);
    case 'RATE_LIMIT_ERROR':
      return new Ec2Error('RequestLimitExceeded', message, 503);
    case 'QUOTA_EXCEEDED':
      return new Ec2Error('InstanceLimitExceeded', message);
    case 'INVALID_SPEC':
      return new Ec2Error('InvalidParameterValue', message);
    case 'NOT_FOUND':
      return new Ec2Error('InvalidInstanceID.NotFound', message);
    case 'SPOT_INTERRUPTED':
      // No EC2 request error means "interrupted"; the closest wire answer is spot capacity being gone.
      return new Ec2Error('UnfulfillableCapacity', message, 500);
    case null:
      return new Ec2Error('InternalError', 'An internal error has occurred', 500);
  }
}
