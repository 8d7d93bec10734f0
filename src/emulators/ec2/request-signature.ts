import { createHash, createHmac } from 'node:crypto';
import type { SigV4Authorization } from './sigv4-scope.js';

/** A key pair the emulated account knows. */
export interface Ec2AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the server needs of a request to recompute its signature. */
export interface SignedRequestParts {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: string;
}

export type SignatureVerdict =
  | { readonly outcome: 'accepted' }
  | { readonly outcome: 'unknown-access-key' }
  /** The canonical request and string to sign the server computed: AWS's JSON services print both in the refusal. */
  | { readonly outcome: 'signature-mismatch'; readonly canonicalRequest: string; readonly stringToSign: string };

/**
 * Checks a SigV4 signature the way AWS does: the access key must be one the account knows, and the
 * signature must be the one its secret gives over the canonical request (AWS "Create a signed AWS
 * API request": canonical request, string to sign, signing key derived from date, region and
 * service). `keys` null: every well-formed signature is accepted (the emulator's default). Clock
 * skew is not checked: the emulator's clock is injected and need not be the signer's.
 */
export function verifySignature(authorization: SigV4Authorization, request: SignedRequestParts, keys: readonly Ec2AccessKey[] | null): SignatureVerdict {
  if (keys === null) return { outcome: 'accepted' };
  const key = keys.find((candidate) => candidate.accessKeyId === authorization.accessKeyId);
  if (key === undefined) return { outcome: 'unknown-access-key' };
  const canonicalRequest = canonicalRequestOf(authorization, request);
  const scope = `${authorization.date}/${authorization.region}/${authorization.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', request.headers.get('x-amz-date') ?? '', scope, sha256Hex(canonicalRequest)].join('\n');
  const dateKey = hmac(`AWS4${key.secretAccessKey}`, authorization.date);
  const signingKey = hmac(hmac(hmac(dateKey, authorization.region), authorization.service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return expected === authorization.signature ? { outcome: 'accepted' } : { outcome: 'signature-mismatch', canonicalRequest, stringToSign };
}

function canonicalRequestOf(authorization: SigV4Authorization, request: SignedRequestParts): string {
  const headers = authorization.signedHeaders.map((name) => `${name}:${(request.headers.get(name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  // Only S3 takes the payload hash from x-amz-content-sha256; every other service hashes the body it received.
  const payloadHash = sha256Hex(request.body);
  return [request.method.toUpperCase(), canonicalPath(request.url.pathname), canonicalQuery(request.url.searchParams), headers, authorization.signedHeaders.join(';'), payloadHash].join('\n');
}

/** Every service but S3 signs the path with each segment URI-encoded once more. */
function canonicalPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => (nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** encodeURIComponent plus the characters RFC 3986 reserves that it leaves alone. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value, 'utf8').digest();
}
