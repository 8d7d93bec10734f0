import { type Filter, paginateGetProducts, PricingClient, type PricingClientConfig } from '@aws-sdk/client-pricing';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { z } from 'zod';
import { type ProviderErrorCode, readEach, type SkippedEntryLog } from '../../contracts/index.js';
import type { OnDemandPriceTable } from './aws-pricing.js';
import { isMissingCredentials, MISSING_CREDENTIALS } from './ec2-clients.js';
import { vendorDetail } from './ec2-errors.js';

/** The Price List API answers only in a few regions; us-east-1 is one of them. */
export const PRICE_LIST_REGION = 'us-east-1';

/** What every product Hangar prices shares: Linux, no pre-installed software, ordinary (not reserved) capacity, sold on demand. */
const LINUX_ON_DEMAND: readonly Filter[] = [
  { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
  { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
  { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
  { Type: 'TERM_MATCH', Field: 'licenseModel', Value: 'No License required' },
  // Capacity Blocks for ML are listed as Linux/Shared/Used products too, at $0 (their price is set when bought).
  { Type: 'TERM_MATCH', Field: 'marketoption', Value: 'OnDemand' },
];

/**
 * The two kinds of product an instance type's on-demand price is in. A virtualized type runs on
 * shared hosts. Bare metal (`*.metal`) is a whole host: the Price List lists it under its own
 * product family with dedicated tenancy and has no shared product for it (as Karpenter's AWS
 * pricing reads it). Each query names its family, so the dearer dedicated-instance products of
 * virtualized types never mix into their prices.
 */
const PRODUCT_QUERIES: readonly (readonly Filter[])[] = [
  [{ Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Compute Instance' }, { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' }, ...LINUX_ON_DEMAND],
  [{ Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Compute Instance (bare metal)' }, { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Dedicated' }, ...LINUX_ON_DEMAND],
];

/** The parts of a `PriceList` item Hangar reads (the item is a JSON document in a string): one hourly, positive USD on-demand price. */
const PriceListItemSchema = z
  .object({
    product: z.object({ attributes: z.object({ instanceType: z.string().min(1), regionCode: z.string().min(1) }) }),
    terms: z.object({
      OnDemand: z.record(
        z.string(),
        z.object({ priceDimensions: z.record(z.string(), z.object({ unit: z.string(), pricePerUnit: z.object({ USD: z.string() }) })) }),
      ),
    }),
  })
  .transform((item, context) => {
    const dimensions = Object.values(item.terms.OnDemand).flatMap((term) => Object.values(term.priceDimensions));
    const usd = dimensions.filter((dimension) => dimension.unit === 'Hrs').map((dimension) => Number(dimension.pricePerUnit.USD)).find((price) => Number.isFinite(price) && price > 0);
    if (usd === undefined) {
      context.addIssue({ code: 'custom', path: ['terms', 'OnDemand'], message: 'no positive hourly USD price' });
      return z.NEVER;
    }
    return { region: item.product.attributes.regionCode, instanceType: item.product.attributes.instanceType, usd };
  });

/**
 * What a Price List refusal means. The API is JSON 1.1: AWS's front end answers credentials it
 * does not accept with UnrecognizedClientException (unknown key) or InvalidSignatureException
 * (wrong secret); the model adds AccessDeniedException and ThrottlingException (which the client's
 * retry strategy has already retried before it lands here).
 */
const PRICE_LIST_ERRORS: Readonly<Record<string, { code: ProviderErrorCode; explain: string }>> = {
  UnrecognizedClientException: { code: 'AUTH_ERROR', explain: 'the Price List API does not know the access key id' },
  InvalidSignatureException: { code: 'AUTH_ERROR', explain: 'the request signature does not match (wrong secret access key?)' },
  MissingAuthenticationTokenException: { code: 'AUTH_ERROR', explain: 'the request carried no credentials' },
  ExpiredTokenException: { code: 'AUTH_ERROR', explain: 'the session token has expired' },
  AccessDeniedException: { code: 'AUTH_ERROR', explain: 'the credentials may not call pricing:GetProducts' },
  ThrottlingException: { code: 'RATE_LIMIT_ERROR', explain: 'the Price List API is throttling this account' },
};

export interface PriceRefreshStatus {
  /** When prices were last read from the Price List API; null while only the bundled table is known. */
  refreshedAt: string | null;
  /** Why the last refresh failed (never a secret); null after a success. Never fatal: the previous prices stay. */
  lastError: string | null;
  /** The failure's taxonomy code when it has one (AUTH_ERROR: credentials the API does not accept). */
  lastErrorCode: ProviderErrorCode | null;
  /** Prices read from the API in the last refresh. */
  pricesRead: number;
  /** Refreshes failed in a row since the last success. */
  failures: number;
  /** After a failure: no refresh is attempted before this time (ISO). */
  nextAttemptAt: string | null;
}

export interface PriceBookOptions {
  /** Where Price List products Hangar cannot read are recorded (kind `price`); they are skipped either way. */
  skipped?: SkippedEntryLog;
  /** The wait after the first failed refresh; it doubles with each further failure. Default 60 s. */
  retryBaseMs?: number;
  /** The longest wait between failed refreshes. Default 1 h. */
  retryCapMs?: number;
}

/**
 * On-demand prices, static first: the bundled table answers from the start, and a refresh from the
 * Price List API's GetProducts (when reachable) overlays what it reads. A failed refresh keeps the
 * prices it had, says why, and backs off exponentially (with a cap) before the next attempt; it
 * never fails a caller.
 */
export class OnDemandPriceBook {
  private current: Record<string, Record<string, number>>;
  private status: PriceRefreshStatus = { refreshedAt: null, lastError: null, lastErrorCode: null, pricesRead: 0, failures: 0, nextAttemptAt: null };
  private inflight: Promise<PriceRefreshStatus> | null = null;

  constructor(
    bundled: OnDemandPriceTable,
    private readonly client: PricingClient | null,
    private readonly now: () => number = Date.now,
    private readonly options: PriceBookOptions = {},
  ) {
    this.current = Object.fromEntries(Object.entries(bundled).map(([region, prices]) => [region, { ...prices }]));
  }

  table(): OnDemandPriceTable {
    return this.current;
  }

  destroy(): void {
    this.client?.destroy();
  }

  refreshStatus(): PriceRefreshStatus {
    return { ...this.status };
  }

  /** True when no refresh has succeeded within `maxAgeMs`. */
  isStale(maxAgeMs: number): boolean {
    return this.status.refreshedAt === null || this.now() - Date.parse(this.status.refreshedAt) >= maxAgeMs;
  }

  /** True when the prices are stale and no failed refresh is backing off. */
  refreshDue(maxAgeMs: number): boolean {
    return this.isStale(maxAgeMs) && (this.status.nextAttemptAt === null || this.now() >= Date.parse(this.status.nextAttemptAt));
  }

  /** Reads every Linux on-demand price of `regions`; concurrent callers share one refresh. */
  refresh(regions: readonly string[]): Promise<PriceRefreshStatus> {
    this.inflight ??= this.read(regions).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async read(regions: readonly string[]): Promise<PriceRefreshStatus> {
    if (this.client === null) {
      this.status = { ...this.status, lastError: 'the Price List API is disabled in the configuration', lastErrorCode: null };
      return this.refreshStatus();
    }
    try {
      const read: Record<string, Record<string, number>> = {};
      let count = 0;
      for (const region of regions) {
        for (const filters of PRODUCT_QUERIES) {
          for (const price of await this.prices(this.client, region, filters)) {
            (read[price.region] ??= {})[price.instanceType] = price.usd;
            count += 1;
          }
        }
      }
      for (const [region, prices] of Object.entries(read)) this.current[region] = { ...this.current[region], ...prices };
      this.status = { refreshedAt: new Date(this.now()).toISOString(), lastError: null, lastErrorCode: null, pricesRead: count, failures: 0, nextAttemptAt: null };
    } catch (error) {
      const failures = this.status.failures + 1;
      const waitMs = Math.min(this.options.retryCapMs ?? 3_600_000, (this.options.retryBaseMs ?? 60_000) * 2 ** (failures - 1));
      this.status = { ...this.status, ...describeFailure(error), failures, nextAttemptAt: new Date(this.now() + waitMs).toISOString() };
    }
    return this.refreshStatus();
  }

  /** Every page of one query (the SDK's paginator); each product read on its own, the unreadable ones skipped and logged. */
  private async prices(client: PricingClient, region: string, filters: readonly Filter[]) {
    const prices = [];
    const pages = paginateGetProducts(
      { client, pageSize: 100 },
      { ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }, ...filters] },
    );
    for await (const page of pages) {
      prices.push(...readEach(PriceListItemSchema, (page.PriceList ?? []).map(parseDocument), { kind: 'price', log: this.options.skipped, idOf: productId }));
    }
    return prices;
  }
}

function describeFailure(error: unknown): Pick<PriceRefreshStatus, 'lastError' | 'lastErrorCode'> {
  const name = error instanceof Error ? error.name : 'Error';
  if (isMissingCredentials(error)) return { lastError: `${MISSING_CREDENTIALS} (${name}: ${vendorDetail(error)})`, lastErrorCode: 'AUTH_ERROR' };
  const known = PRICE_LIST_ERRORS[name];
  return { lastError: `${known === undefined ? '' : `${known.explain} `}(${name}: ${vendorDetail(error)})`.trimStart(), lastErrorCode: known?.code ?? null };
}

function parseDocument(document: unknown): unknown {
  // The SDK hands items over as strings (`__LazyJsonString`); one that is not JSON is an entry Hangar cannot read.
  try {
    return JSON.parse(String(document));
  } catch {
    return null;
  }
}

/** A product's name in the skipped-entry log: `<region>/<instance type>`, when the raw item says. */
function productId(raw: unknown): string | null {
  const attributes = (raw as { product?: { attributes?: { instanceType?: unknown; regionCode?: unknown } } } | null)?.product?.attributes;
  return typeof attributes?.instanceType === 'string' ? `${String(attributes.regionCode)}/${attributes.instanceType}` : null;
}

/** GetProducts retries: a throttled (or transiently failed) page is retried up to this often, waiting this long, doubling. */
export const PRICE_LIST_RETRY = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 } as const;

/**
 * A Price List client (the endpoint follows config, then the SDK's own settings). Unlike the EC2
 * clients it retries: the refresh runs in the background, and one throttled page of a long query
 * must not throw the whole refresh away. The SDK's retry strategy decides what is retryable
 * (throttling, transient errors) with a bounded, deterministic exponential backoff.
 */
export function pricingClient(endpoint: string | undefined, credentials?: PricingClientConfig['credentials']): PricingClient {
  const { maxAttempts, baseDelayMs, maxDelayMs } = PRICE_LIST_RETRY;
  return new PricingClient({
    region: PRICE_LIST_REGION,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, (attempt) => Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))),
    ...(endpoint !== undefined && { endpoint }),
    ...(credentials !== undefined && { credentials }),
  });
}
