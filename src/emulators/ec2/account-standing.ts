import { Ec2Error } from './ec2-error.js';
import type { QueryParams } from './query-params.js';

/**
 * What the account may do before any IAM policy is consulted: its standing with AWS, and the
 * service-linked role spot launches need. Both answer with the codes AWS's "Error codes for the
 * Amazon EC2 API" page lists (common client errors and AuthFailure.ServiceLinkedRoleCreationNotPermitted);
 * the page gives no HTTP status for them, so the emulator uses EC2's 400 for a client error, 401
 * for OptInRequired as SDK logs of real answers show, and 403 for the service-linked role (an IAM refusal).
 */

export const EC2_ACCOUNT_STATUSES = ['active', 'pending-verification', 'blocked', 'not-subscribed'] as const;
export type Ec2AccountStatus = (typeof EC2_ACCOUNT_STATUSES)[number];

/** The answer to every request of an account that is not active, or null for an active one. */
export function accountRefusal(status: Ec2AccountStatus): Ec2Error | null {
  switch (status) {
    case 'active':
      return null;
    case 'pending-verification':
      return new Ec2Error(
        'PendingVerification',
        'Your account is pending verification. Until the verification process is complete, you may not be able to carry out requests with this account. If you have questions, contact AWS Support.',
      );
    case 'blocked':
      return new Ec2Error('Blocked', 'Your account is currently blocked. Contact AWS Support if you have questions.');
    case 'not-subscribed':
      return new Ec2Error(
        'OptInRequired',
        'You are not authorized to use the requested service. Ensure that you have subscribed to the service you are trying to use. If you are new to AWS, your account might take some time to be activated while your credit card details are being verified.',
        401,
      );
  }
}

/**
 * AWSServiceRoleForEC2Spot: EC2 creates it, with the caller's permissions, the first time the
 * account launches spot capacity. A caller IAM does not allow `iam:CreateServiceLinkedRole` gets
 * AuthFailure.ServiceLinkedRoleCreationNotPermitted until someone with the permission launches
 * spot once (or creates the role); once it exists the permission is no longer needed.
 */
export class SpotServiceLinkedRole {
  constructor(
    private present: boolean,
    private readonly creationDenied: () => boolean,
  ) {}

  /** Before a launch: creates the role on the first spot launch, or refuses the launch. */
  beforeLaunch(action: string, params: QueryParams): void {
    if (this.present || !launchesSpot(action, params)) return;
    if (this.creationDenied()) {
      throw new Ec2Error(
        'AuthFailure.ServiceLinkedRoleCreationNotPermitted',
        'The provided credentials do not have permission to create the service-linked role for EC2 Spot Instances.',
        403,
      );
    }
    // A dry run creates nothing.
    if (params.boolean('DryRun') !== true) this.present = true;
  }
}

function launchesSpot(action: string, params: QueryParams): boolean {
  if (action === 'RunInstances') return params.struct('InstanceMarketOptions').string('MarketType') === 'spot';
  if (action === 'CreateFleet') {
    const target = params.struct('TargetCapacitySpecification');
    return target.string('DefaultTargetCapacityType') === 'spot' || (target.integer('SpotTargetCapacity') ?? 0) > 0;
  }
  return false;
}
