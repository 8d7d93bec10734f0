import { GetProductsCommand, type GetProductsCommandOutput, PricingClient, type PricingClientConfig } from '@aws-sdk/client-pricing';
import { z } from 'zod';
import type { OnDemandPriceTable } from './aws-pricing.js';

/** The Price List API answers only in a few regions; us-east-1 is one of them. */
export const PRICE_LIST_REGION = 'us-east-1';

/** The product Hangar runs: Linux, shared tenancy, no pre-installed software, ordinary (not reserved) capacity. */
const LINUX_SHARED_FILTERS = [
  { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
  { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
  { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
  { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
  { Type: 'TERM_MATCH', Field: 'licenseModel', Value: 'No License required' },
] as const;

/** The parts of a `PriceList` item Hangar reads (the item is a JSON document in a string). */
const PriceListItemSchema = z.object({
  product: z.object({ attributes: z.object({ instanceType: z.string().min(1), regionCode: z.string().min(1) }) }),
  terms: z.object({
    OnDemand: z.record(
      z.string(),
      z.object({ priceDimensions: z.record(z.string(), z.object({ unit: z.string(), pricePerUnit: z.object({ USD: z.string() }) })) }),
    ),
  }),
});

export interface PriceRefreshStatus {
  /** When prices were last read from the Price List API; null while only the bundled table is known. */
  refreshedAt: string | null;
  /** Why the last refresh failed; null after a success. Never fatal: the previous prices stay. */
  lastError: string | null;
  /** Prices read from the API in the last refresh. */
  pricesRead: number;
}

/**
 * On-demand prices, static first: the bundled table answers from the start, and a refresh from the
 * Price List API's GetProducts (when reachable) overlays what it reads. A failed refresh keeps the
 * prices it had and says why; it never fails a caller.
 */
export class OnDemandPriceBook {
  private current: Record<string, Record<string, number>>;
  private status: PriceRefreshStatus = { refreshedAt: null, lastError: null, pricesRead: 0 };
  private inflight: Promise<PriceRefreshStatus> | null = null;

  constructor(
    bundled: OnDemandPriceTable,
    private readonly client: PricingClient | null,
    private readonly now: () => number = Date.now,
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

  /** Reads every Linux on-demand price of `regions`; concurrent callers share one refresh. */
  refresh(regions: readonly string[]): Promise<PriceRefreshStatus> {
    this.inflight ??= this.read(regions).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async read(regions: readonly string[]): Promise<PriceRefreshStatus> {
    if (this.client === null) {
      this.status = { ...this.status, lastError: 'the Price List API is disabled in the configuration' };
      return this.refreshStatus();
    }
    try {
      const read: Record<string, Record<string, number>> = {};
      let count = 0;
      for (const region of regions) {
        for await (const item of this.items(this.client, region)) {
          const price = hourlyUsd(item);
          if (price === null) continue;
          (read[price.region] ??= {})[price.instanceType] = price.usd;
          count += 1;
        }
      }
      for (const [region, prices] of Object.entries(read)) this.current[region] = { ...this.current[region], ...prices };
      this.status = { refreshedAt: new Date(this.now()).toISOString(), lastError: null, pricesRead: count };
    } catch (error) {
      this.status = { ...this.status, lastError: `${error instanceof Error ? error.name : 'Error'}: ${error instanceof Error ? error.message : String(error)}` };
    }
    return this.refreshStatus();
  }

  private async *items(client: PricingClient, region: string): AsyncGenerator<unknown> {
    let nextToken: string | undefined;
    do {
      const page: GetProductsCommandOutput = await client.send(
        new GetProductsCommand({
          ServiceCode: 'AmazonEC2',
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }, ...LINUX_SHARED_FILTERS],
          ...(nextToken !== undefined && { NextToken: nextToken }),
        }),
      );
      for (const document of page.PriceList ?? []) yield parseDocument(document);
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
  }
}

function parseDocument(document: unknown): unknown {
  // The SDK hands items over as strings (`__LazyJsonString`); anything unreadable is skipped, not fatal.
  try {
    return JSON.parse(String(document));
  } catch {
    return null;
  }
}

/** The hourly USD price of one product, or null when the item is not one Hangar can read. */
function hourlyUsd(item: unknown): { region: string; instanceType: string; usd: number } | null {
  const parsed = PriceListItemSchema.safeParse(item);
  if (!parsed.success) return null;
  const { instanceType, regionCode } = parsed.data.product.attributes;
  for (const term of Object.values(parsed.data.terms.OnDemand)) {
    for (const dimension of Object.values(term.priceDimensions)) {
      const usd = Number(dimension.pricePerUnit.USD);
      if (dimension.unit === 'Hrs' && Number.isFinite(usd) && usd > 0) return { region: regionCode, instanceType, usd };
    }
  }
  return null;
}

/** A Price List client with SDK retries off (the caller owns retries); the endpoint follows config, then the SDK's own settings. */
export function pricingClient(endpoint: string | undefined, credentials?: PricingClientConfig['credentials']): PricingClient {
  return new PricingClient({
    region: PRICE_LIST_REGION,
    maxAttempts: 1,
    ...(endpoint !== undefined && { endpoint }),
    ...(credentials !== undefined && { credentials }),
  });
}
