import { Ec2Error } from './ec2-error.js';

const authFailure = (message: string): Ec2Error => new Ec2Error('AuthFailure', message, 401);

/**
 * Reads the region from a SigV4 `Authorization` header's credential scope. Signatures are not verified:
 * any well-formed header is accepted, a missing or unparseable one is refused.
 */
export function signingRegion(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw authFailure('AWS was not able to validate the provided access credentials');
  }
  const match = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request\s*,/.exec(authorization.trim());
  if (match?.[3] === undefined) throw authFailure('AWS was not able to validate the provided access credentials');
  return match[3];
}
