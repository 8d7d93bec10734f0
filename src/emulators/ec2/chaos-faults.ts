import type { ChaosCall } from '../../chaos/chaos-engine.js';
import type { ChaosOperation } from '../../chaos/chaos-scenario.js';
import type { ProviderErrorCode } from '../../contracts/index.js';
import { Ec2Error } from './ec2-error.js';
import type { QueryParams } from './query-params.js';

/**
 * The chaos call an EC2 request is: its operation, region and, for launches, the placement and
 * market rules can match on. Null for Actions outside the chaos vocabulary (they see no faults).
 */
export function chaosCallOf(action: string, params: QueryParams, region: string): ChaosCall | null {
  const operation = chaosOperationOf(action, params.strings('InstanceId').length);
  if (operation === null) return null;
  // A fleet's market is its default target capacity type: a rule on spot launches hits spot fleets too.
  if (action === 'CreateFleet') return { operation, region, spot: params.struct('TargetCapacitySpecification').string('DefaultTargetCapacityType') === 'spot' };
  if (action !== 'RunInstances') return { operation, region };
  const instanceType = params.string('InstanceType');
  const zone = params.struct('Placement').string('AvailabilityZone');
  return {
    operation,
    region,
    spot: params.struct('InstanceMarketOptions').string('MarketType') === 'spot',
    ...(instanceType !== undefined && { instanceType }),
    ...(zone !== undefined && { zone }),
  };
}

/** Which chaos operation an EC2 Action is. */
function chaosOperationOf(action: string, instanceIds: number): ChaosOperation | null {
  switch (action) {
    case 'RunInstances':
    case 'CreateFleet':
      return 'spawn';
    case 'TerminateInstances':
      return 'terminate';
    case 'DescribeInstances':
      // A describe by ids is how a provider reads known machines (batched gets); by filters, how it lists.
      return instanceIds > 0 ? 'get' : 'list';
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
