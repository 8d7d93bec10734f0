import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ProviderError, type ProviderErrorCode } from '../../contracts/index.js';
import { isMissingCredentials, MISSING_CREDENTIALS } from './ec2-clients.js';

export interface Ec2ErrorRow {
  /** An exact EC2 error code, or a prefix ending in `.` that matches a family (`InvalidAMIID.`). */
  readonly ec2Code: string;
  readonly outcome: ProviderErrorCode;
  readonly explain: string;
}

/**
 * Every EC2 error code Hangar gives a meaning; the first matching row wins. EC2 does not model its
 * errors, so the code string in `<Code>` is all there is to match. Codes absent here (InternalError,
 * Unavailable, network failures) leave the outcome unknown and stay outside the taxonomy.
 */
export const EC2_ERROR_TABLE: readonly Ec2ErrorRow[] = [
  { ec2Code: 'InsufficientInstanceCapacity', outcome: 'CAPACITY_ERROR', explain: 'EC2 has no capacity for this instance type in this zone' },
  { ec2Code: 'InsufficientCapacity', outcome: 'CAPACITY_ERROR', explain: 'EC2 has not enough capacity for the request' },
  { ec2Code: 'InsufficientFreeAddressesInSubnet', outcome: 'CAPACITY_ERROR', explain: 'the subnet has no free IP address' },
  { ec2Code: 'InsufficientAddressCapacity', outcome: 'CAPACITY_ERROR', explain: 'EC2 has no public address capacity' },
  { ec2Code: 'InsufficientVolumeCapacity', outcome: 'CAPACITY_ERROR', explain: 'EC2 has no capacity for the requested volume' },
  { ec2Code: 'UnfulfillableCapacity', outcome: 'CAPACITY_ERROR', explain: 'not enough spare capacity for the spot request' },
  // The type is not offered in this zone; another zone or type may work, which is how placement treats capacity.
  { ec2Code: 'Unsupported', outcome: 'CAPACITY_ERROR', explain: 'the instance type is not offered in this zone' },
  // The market is above the caller's ceiling: placement escalates (on-demand, another zone) as for capacity.
  { ec2Code: 'SpotMaxPriceTooLow', outcome: 'CAPACITY_ERROR', explain: 'the spot price is above the maximum price' },
  { ec2Code: 'MaxSpotInstanceCountExceeded', outcome: 'QUOTA_EXCEEDED', explain: 'the account’s spot instance limit is reached' },
  { ec2Code: 'VcpuLimitExceeded', outcome: 'QUOTA_EXCEEDED', explain: 'the account’s vCPU limit for this instance family is reached' },
  { ec2Code: 'InstanceLimitExceeded', outcome: 'QUOTA_EXCEEDED', explain: 'the account’s instance limit is reached' },
  { ec2Code: 'VolumeLimitExceeded', outcome: 'QUOTA_EXCEEDED', explain: 'the account’s volume limit is reached' },
  // The fleet quota counts fleets, not machines: only deleting fleets or a quota increase helps, never a retry.
  { ec2Code: 'MaxFleetCountExceeded', outcome: 'QUOTA_EXCEEDED', explain: 'the account’s EC2 Fleet limit is reached' },
  { ec2Code: 'RequestLimitExceeded', outcome: 'RATE_LIMIT_ERROR', explain: 'EC2 is throttling this account' },
  // EC2 answers an unknown access key and a wrong secret alike with AuthFailure.
  { ec2Code: 'AuthFailure', outcome: 'AUTH_ERROR', explain: 'EC2 could not validate the credentials' },
  // The family (e.g. AuthFailure.ServiceLinkedRoleCreationNotPermitted on a first spot launch): the credentials may not do something the request needs.
  { ec2Code: 'AuthFailure.', outcome: 'AUTH_ERROR', explain: 'the credentials may not do something this request needs' },
  // The other spellings of credentials AWS does not accept (EC2's common client errors; IAM and STS use them too).
  { ec2Code: 'InvalidClientTokenId', outcome: 'AUTH_ERROR', explain: 'AWS does not know the access key id' },
  { ec2Code: 'SignatureDoesNotMatch', outcome: 'AUTH_ERROR', explain: 'the request signature does not match (wrong secret access key?)' },
  { ec2Code: 'IncompleteSignature', outcome: 'AUTH_ERROR', explain: 'the request signature is incomplete' },
  { ec2Code: 'MissingAuthenticationToken', outcome: 'AUTH_ERROR', explain: 'the request carried no credentials' },
  { ec2Code: 'UnauthorizedOperation', outcome: 'AUTH_ERROR', explain: 'the credentials are not allowed to do this' },
  // "You are not authorized to use the requested service": not subscribed to EC2 (a new account still being
  // activated), or to a Marketplace AMI. No retry helps; an operator must subscribe. AUTH_ERROR, as before.
  { ec2Code: 'OptInRequired', outcome: 'AUTH_ERROR', explain: 'the account has not subscribed to this service (or this Marketplace image)' },
  // AWS: "Until the verification process is complete, you may not be able to carry out requests with this
  // account … contact Support". Not QUOTA_EXCEEDED: no limit is reached, and the launch troubleshooting's
  // remedies (a smaller request, a limit increase, waiting minutes) do nothing; the account may not act at all
  // until AWS finishes, like Blocked. AUTH_ERROR is the code that stops retries and warns at start-up.
  { ec2Code: 'PendingVerification', outcome: 'AUTH_ERROR', explain: 'the account is pending verification by AWS' },
  { ec2Code: 'Blocked', outcome: 'AUTH_ERROR', explain: 'the account is blocked (contact AWS Support)' },
  { ec2Code: 'InvalidParameterValue', outcome: 'INVALID_SPEC', explain: 'EC2 rejected a parameter value' },
  { ec2Code: 'InvalidParameter', outcome: 'INVALID_SPEC', explain: 'EC2 rejected a parameter' },
  { ec2Code: 'InvalidParameterCombination', outcome: 'INVALID_SPEC', explain: 'EC2 rejected a combination of parameters' },
  { ec2Code: 'MissingParameter', outcome: 'INVALID_SPEC', explain: 'a required parameter is missing' },
  // The same idempotency token arrived with a different spawn: retrying cannot help.
  { ec2Code: 'IdempotentParameterMismatch', outcome: 'INVALID_SPEC', explain: 'the idempotency token was used for a different request' },
  { ec2Code: 'InvalidAMIID.', outcome: 'INVALID_SPEC', explain: 'no such AMI (or not usable by this account)' },
  { ec2Code: 'InvalidSubnetID.', outcome: 'INVALID_SPEC', explain: 'the configured subnet does not exist' },
  { ec2Code: 'InvalidKeyPair.', outcome: 'INVALID_SPEC', explain: 'the configured key pair does not exist' },
  // A launch without a subnet goes to the default VPC; without one, only configuring subnetId helps.
  { ec2Code: 'VPCIdNotSpecified', outcome: 'INVALID_SPEC', explain: 'the account has no default VPC: configure providers.aws subnets, subnetSelector or subnetId' },
  { ec2Code: 'InvalidInstanceID.NotFound', outcome: 'NOT_FOUND', explain: 'no such instance' },
  // An id EC2 could never have issued names no instance.
  { ec2Code: 'InvalidInstanceID.Malformed', outcome: 'NOT_FOUND', explain: 'no such instance (malformed id)' },
  { ec2Code: 'InvalidSnapshot.NotFound', outcome: 'NOT_FOUND', explain: 'no such snapshot' },
  { ec2Code: 'InvalidSnapshotID.Malformed', outcome: 'NOT_FOUND', explain: 'no such snapshot (malformed id)' },
  { ec2Code: 'InvalidVolume.NotFound', outcome: 'NOT_FOUND', explain: 'no such volume' },
  { ec2Code: 'InvalidVolumeID.Malformed', outcome: 'NOT_FOUND', explain: 'no such volume (malformed id)' },
  { ec2Code: 'InvalidAttachment.NotFound', outcome: 'NOT_FOUND', explain: 'the volume is not attached there' },
  // Volume states: a caller's request that cannot apply to the volume as it is; retrying the same call will not help.
  { ec2Code: 'VolumeInUse', outcome: 'INVALID_SPEC', explain: 'the volume is attached to an instance' },
  { ec2Code: 'InvalidVolume.ZoneMismatch', outcome: 'INVALID_SPEC', explain: 'the volume and the instance are in different availability zones' },
  { ec2Code: 'IncorrectState', outcome: 'INVALID_SPEC', explain: 'the volume is not in a state that allows this' },
  { ec2Code: 'InvalidSpotInstanceRequestID.NotFound', outcome: 'NOT_FOUND', explain: 'no such spot request (or deleted hours after it ended)' },
  { ec2Code: 'InvalidSpotInstanceRequestID.Malformed', outcome: 'NOT_FOUND', explain: 'no such spot request (malformed id)' },
  // The same request names the same missing template, so it is not retryable as is; the spot fleet
  // forgets the template on this answer and its next run creates it again.
  { ec2Code: 'InvalidLaunchTemplateName.NotFoundException', outcome: 'NOT_FOUND', explain: 'the launch template does not exist (deleted outside Hangar?)' },
];

export function ec2ErrorRow(ec2Code: string): Ec2ErrorRow | undefined {
  return EC2_ERROR_TABLE.find((row) => (row.ec2Code.endsWith('.') ? ec2Code.startsWith(row.ec2Code) : ec2Code === row.ec2Code));
}

/** The `<Code>` of an error EC2 answered with, or null for anything else (network, timeout, a bug). */
export function ec2CodeOf(error: unknown): string | null {
  return error instanceof EC2ServiceException ? error.name : null;
}

export function isEc2Outcome(error: unknown, outcome: ProviderErrorCode): boolean {
  const code = ec2CodeOf(error);
  return code !== null && ec2ErrorRow(code)?.outcome === outcome;
}

/** A failed EC2 call whose outcome is unknown: the control plane must look before it assumes anything. */
export class Ec2CallError extends Error {
  constructor(
    readonly operation: string,
    readonly region: string,
    readonly ec2Code: string | null,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'Ec2CallError';
  }
}

/**
 * The part of a vendor's error message that may be shown: its first line, at most 300 characters.
 * AWS appends to a signature refusal the canonical request it computed, and that names the value of
 * every signed header, a session token included.
 */
export function vendorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = (message.split('\n')[0] ?? '').trim();
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/**
 * What of a failed call may travel on as `cause`: the SDK's error holds the raw HTTP exchange,
 * signed request headers included, which must never reach a log.
 */
export function safeCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(vendorDetail(error));
  const cause = new Error(vendorDetail(error));
  cause.name = error.name;
  if (error instanceof EC2ServiceException) {
    Object.assign(cause, { httpStatusCode: error.$metadata.httpStatusCode, requestId: error.$metadata.requestId });
  }
  return cause;
}

/** The EC2 code behind a provider error this table raised (its cause keeps the name), or null. */
export function ec2CodeBehind(error: ProviderError): string | null {
  return error.cause instanceof Error && error.cause.name !== 'Error' ? error.cause.name : null;
}

/** The error an EC2 call raises, by the table. */
export function ec2Error(operation: string, region: string, error: unknown): Error {
  if (error instanceof ProviderError || error instanceof Ec2CallError) return error;
  const code = ec2CodeOf(error);
  const detail = vendorDetail(error);
  if (code === null && isMissingCredentials(error)) {
    const name = (error as Error).name;
    return new ProviderError({ code: 'AUTH_ERROR', provider: 'aws', message: `aws: ${operation} in ${region}: ${MISSING_CREDENTIALS} (${name}: ${detail})`, cause: safeCause(error) });
  }
  const row = code === null ? undefined : ec2ErrorRow(code);
  if (row === undefined) {
    return new Ec2CallError(operation, region, code, `aws: ${operation} in ${region} failed (${code ?? 'no EC2 answer'}: ${detail})`, safeCause(error));
  }
  return new ProviderError({
    code: row.outcome,
    provider: 'aws',
    message: `aws: ${operation} in ${region}: ${row.explain} (${code}: ${detail})`,
    cause: safeCause(error),
  });
}
