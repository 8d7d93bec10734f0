import { type Ec2AccessKey, type SignedRequestParts, verifySignature } from '../request-signature.js';
import type { RequestThrottle } from '../request-throttle.js';
import { parseAuthorization } from '../sigv4-scope.js';
import { PricingError } from './get-products.js';

/**
 * What a Price List request passes before GetProducts reads it, answered the way AWS's JSON 1.1
 * front end answers: no signature, `MissingAuthenticationTokenException`; an access key the account
 * does not know, `UnrecognizedClientException`; a wrong signature, `InvalidSignatureException`
 * whose message carries the canonical request and string to sign AWS computed (so it names every
 * signed header's value, a session token included). Then the request rate (below).
 */
export function authenticatePriceListRequest(request: SignedRequestParts & { readonly authorization: string | undefined }, keys: readonly Ec2AccessKey[] | null): void {
  const authorization = parseAuthorization(request.authorization);
  if (authorization === null) throw new PricingError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  const verdict = verifySignature(authorization, request, keys);
  if (verdict.outcome === 'unknown-access-key') throw new PricingError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (verdict.outcome === 'signature-mismatch') {
    throw new PricingError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n' +
        `The Canonical String for this request should have been\n'${verdict.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${verdict.stringToSign}'\n`,
    );
  }
}

/** One token of the Price List API's request rate per call; an empty bucket is `ThrottlingException` (HTTP 429, as the Price List model says). */
export function throttlePriceList(throttle: RequestThrottle | null, now: number): void {
  try {
    throttle?.take('pricing', now);
  } catch {
    throw new PricingError('ThrottlingException', 'Rate exceeded', 429);
  }
}
