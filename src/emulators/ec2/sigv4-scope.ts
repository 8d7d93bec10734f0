import { Ec2Error } from './ec2-error.js';

const authFailure = (message: string): Ec2Error => new Ec2Error('AuthFailure', message, 401);

/** The parts of a SigV4 `Authorization` header. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** Lower-case header names, in the order the header lists them. */
  readonly signedHeaders: readonly string[];
  /** Hex. */
  readonly signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;_.-]+)\s*,\s*Signature=([0-9a-f]+)\s*$/;

/** The header's parts, or null when it is missing or not a SigV4 header. */
export function parseAuthorization(authorization: string | undefined): SigV4Authorization | null {
  const match = AUTHORIZATION.exec(authorization?.trim() ?? '');
  if (match === null) return null;
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/**
 * Reads the region from a SigV4 `Authorization` header's credential scope; a missing or unparseable
 * header is refused. Whether the signature is right is `request-signature.ts`'s business.
 */
export function signingRegion(authorization: string | undefined): string {
  const parsed = parseAuthorization(authorization);
  if (parsed === null) throw authFailure('AWS was not able to validate the provided access credentials');
  return parsed.region;
}
