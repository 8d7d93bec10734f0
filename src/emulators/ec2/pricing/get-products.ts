import type { PriceListProduct } from './price-list-products.js';

/** A Price List API error in the JSON protocol: `{"__type", "Message"}` with its HTTP status. */
export class PricingError extends Error {
  constructor(
    readonly type:
      | 'InvalidParameterException'
      | 'NotFoundException'
      | 'InvalidNextTokenException'
      | 'ThrottlingException'
      // Not in the Price List model: AWS's request front end answers these for every JSON service.
      | 'UnrecognizedClientException'
      | 'InvalidSignatureException'
      | 'MissingAuthenticationTokenException',
    message: string,
    readonly status: 400 | 403 | 404 | 429 = 400,
  ) {
    super(message);
  }
}

const FILTER_TYPES = ['TERM_MATCH', 'EQUALS', 'CONTAINS', 'ANY_OF', 'NONE_OF'] as const;
type FilterType = (typeof FILTER_TYPES)[number];

interface Filter {
  type: FilterType;
  field: string;
  value: string;
}

/**
 * GetProducts (AWS Price List Service, JSON 1.1 protocol): the products of `ServiceCode` matching
 * every filter, 1–100 per page (default 100), with an opaque NextToken.
 */
export function getProducts(body: unknown, products: readonly PriceListProduct[]): { FormatVersion: string; PriceList: string[]; NextToken?: string } {
  const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const serviceCode = request.ServiceCode;
  if (typeof serviceCode !== 'string' || serviceCode === '') throw new PricingError('InvalidParameterException', '1 validation error detected: ServiceCode must not be null');
  if (serviceCode !== 'AmazonEC2') throw new PricingError('NotFoundException', `Service ${serviceCode} was not found (this emulator prices AmazonEC2 only)`);
  const formatVersion = request.FormatVersion ?? 'aws_v1';
  if (formatVersion !== 'aws_v1') throw new PricingError('InvalidParameterException', `Invalid FormatVersion: ${String(formatVersion)}`);
  const maxResults = request.MaxResults ?? 100;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw new PricingError('InvalidParameterException', 'MaxResults must be between 1 and 100');
  }
  const filters = parseFilters(request.Filters);
  const fingerprint = JSON.stringify(filters);
  const matching = products.filter((product) => filters.every((filter) => matches(product, filter)));
  const start = decodeToken(request.NextToken, fingerprint);
  const end = start + maxResults;
  return {
    FormatVersion: 'aws_v1',
    PriceList: matching.slice(start, end).map((product) => product.document),
    ...(end < matching.length && { NextToken: Buffer.from(`${end}|${fingerprint}`).toString('base64') }),
  };
}

function parseFilters(raw: unknown): Filter[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new PricingError('InvalidParameterException', 'Filters must be a list');
  return raw.map((entry: unknown, index) => {
    const filter = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const { Type: type, Field: field, Value: value } = filter;
    if (typeof type !== 'string' || !(FILTER_TYPES as readonly string[]).includes(type)) {
      throw new PricingError('InvalidParameterException', `Filters.${index + 1}.Type must be one of ${FILTER_TYPES.join(', ')}`);
    }
    if (typeof field !== 'string' || field === '' || typeof value !== 'string') {
      throw new PricingError('InvalidParameterException', `Filters.${index + 1} needs a Field and a Value`);
    }
    return { type: type as FilterType, field, value };
  });
}

function matches(product: PriceListProduct, filter: Filter): boolean {
  // Field names are attribute names (and productFamily); AWS matches them regardless of case (ServiceCode = servicecode).
  const key = Object.keys(product.fields).find((name) => name.toLowerCase() === filter.field.toLowerCase());
  const actual = key === undefined ? undefined : product.fields[key];
  if (actual === undefined) return filter.type === 'NONE_OF';
  const values = filter.value.split(',').map((value) => value.trim());
  switch (filter.type) {
    case 'TERM_MATCH':
    case 'EQUALS':
      return actual === filter.value;
    case 'CONTAINS':
      return actual.includes(filter.value);
    case 'ANY_OF':
      return values.includes(actual);
    case 'NONE_OF':
      return !values.includes(actual);
  }
}

function decodeToken(token: unknown, fingerprint: string): number {
  if (token === undefined || token === null || token === '') return 0;
  const decoded = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
  const separator = decoded.indexOf('|');
  const offset = Number(decoded.slice(0, separator));
  if (separator < 0 || decoded.slice(separator + 1) !== fingerprint || !Number.isInteger(offset) || offset < 0) {
    throw new PricingError('InvalidNextTokenException', 'The pagination token is invalid for this request');
  }
  return offset;
}
