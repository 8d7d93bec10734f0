import { Ec2Error, invalidParameterValue } from './ec2-error.js';

export interface PageRequest {
  readonly maxResults: number | undefined;
  readonly nextToken: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/**
 * Pages `items` (sorted by `seq`). The token names the last `seq` served and the listing it belongs to,
 * so items created or purged between pages neither repeat nor shift the next page.
 */
export function paginate<T>(
  items: readonly T[],
  seqOf: (item: T) => number,
  request: PageRequest,
  listing: string,
  limits: { readonly min: number; readonly max: number },
): Page<T> {
  const { maxResults, nextToken } = request;
  if (maxResults !== undefined && (maxResults < limits.min || maxResults > limits.max)) {
    throw invalidParameterValue(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`);
  }
  const after = nextToken === undefined || nextToken === '' ? 0 : decodeToken(nextToken, listing);
  const remaining = items.filter((item) => seqOf(item) > after);
  if (maxResults === undefined || remaining.length <= maxResults) return { items: remaining, nextToken: undefined };
  const page = remaining.slice(0, maxResults);
  const last = page[page.length - 1];
  return { items: page, nextToken: last === undefined ? undefined : encodeToken(listing, seqOf(last)) };
}

function encodeToken(listing: string, seq: number): string {
  return Buffer.from(JSON.stringify({ l: listing, s: seq }), 'utf8').toString('base64url');
}

function decodeToken(token: string, listing: string): number {
  const invalid = new Ec2Error('InvalidPaginationToken', `Invalid pagination token: ${token}`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof decoded !== 'object' || decoded === null || !('l' in decoded) || !('s' in decoded)) throw invalid;
  if (decoded.l !== listing || typeof decoded.s !== 'number' || !Number.isInteger(decoded.s)) throw invalid;
  return decoded.s;
}
