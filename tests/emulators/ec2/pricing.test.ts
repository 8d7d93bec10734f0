import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(async () => {
  const bed = await startEc2TestBed();
  const pricing = new PricingClient({
    endpoint: bed.emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' },
    maxAttempts: 1,
  });
  const closeEmulator = bed.close;
  return Object.assign(bed, {
    pricing,
    close: async () => {
      pricing.destroy();
      await closeEmulator();
    },
  });
});

const LINUX = [
  { Type: 'TERM_MATCH' as const, Field: 'operatingSystem', Value: 'Linux' },
  { Type: 'TERM_MATCH' as const, Field: 'tenancy', Value: 'Shared' },
  { Type: 'TERM_MATCH' as const, Field: 'preInstalledSw', Value: 'NA' },
  { Type: 'TERM_MATCH' as const, Field: 'capacitystatus', Value: 'Used' },
];

function parsed(items: readonly unknown[] | undefined): { attributes: Record<string, string>; usd: string }[] {
  return (items ?? []).map((item) => {
    const document = JSON.parse(String(item)) as {
      product: { attributes: Record<string, string> };
      terms: { OnDemand: Record<string, { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> }> };
    };
    const [term] = Object.values(document.terms.OnDemand);
    const [dimension] = Object.values(term?.priceDimensions ?? {});
    return { attributes: document.product.attributes, usd: dimension?.pricePerUnit.USD ?? '' };
  });
}

describe('the Price List API (GetProducts) on the EC2 emulator', () => {
  it('answers the real SDK with PriceList documents as strings, filtered by every filter', async () => {
    const bed = await open();
    const answer = await bed.pricing.send(
      new GetProductsCommand({
        ServiceCode: 'AmazonEC2',
        FormatVersion: 'aws_v1',
        Filters: [...LINUX, { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH', Field: 'instanceType', Value: 'g5.xlarge' }],
      }),
    );
    expect(answer.FormatVersion).toBe('aws_v1');
    const products = parsed(answer.PriceList);
    expect(products).toHaveLength(1);
    expect(products[0]?.attributes).toMatchObject({ instanceType: 'g5.xlarge', regionCode: 'us-east-1', location: 'US East (N. Virginia)', operatingSystem: 'Linux' });
    expect(Number(products[0]?.usd)).toBeCloseTo(1.006, 6);
  });

  it('lists the variants a careless filter would pick up (Windows, reserved capacity)', async () => {
    const bed = await open();
    const answer = await bed.pricing.send(
      new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [{ Type: 'TERM_MATCH', Field: 'instanceType', Value: 't3.micro' }, { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }] }),
    );
    const variants = parsed(answer.PriceList).map((product) => `${product.attributes.operatingSystem}/${product.attributes.capacitystatus}`);
    expect(variants.sort()).toEqual(['Linux/UnusedCapacityReservation', 'Linux/Used', 'Windows/Used']);
  });

  it('supports ANY_OF, NONE_OF and CONTAINS', async () => {
    const bed = await open();
    const anyOf = await bed.pricing.send(
      new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [...LINUX, { Type: 'ANY_OF', Field: 'instanceType', Value: 'g5.xlarge,p5.48xlarge' }, { Type: 'EQUALS', Field: 'regionCode', Value: 'us-west-2' }] }),
    );
    expect(parsed(anyOf.PriceList).map((product) => product.attributes.instanceType).sort()).toEqual(['g5.xlarge', 'p5.48xlarge']);
    const noneOf = await bed.pricing.send(
      new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [...LINUX, { Type: 'NONE_OF', Field: 'regionCode', Value: 'us-east-1' }, { Type: 'CONTAINS', Field: 'instanceType', Value: 'xlarge' }] }),
    );
    expect(new Set(parsed(noneOf.PriceList).map((product) => product.attributes.regionCode))).toEqual(new Set(['us-west-2']));
  });

  it('pages with NextToken and refuses a token from another query', async () => {
    const bed = await open();
    const filters = [...LINUX];
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: filters, MaxResults: 5, NextToken: nextToken }));
      seen.push(...parsed(page.PriceList).map((product) => `${product.attributes.regionCode}/${product.attributes.instanceType}`));
      nextToken = page.NextToken;
      pages += 1;
    } while (nextToken !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(12);
    expect(pages).toBe(3);

    const first = await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: filters, MaxResults: 5 }));
    const misuse = await rejectionOf(bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 5, NextToken: first.NextToken })));
    expect(misuse.name).toBe('InvalidNextTokenException');
  });

  it('answers bad requests with the modelled exceptions', async () => {
    const bed = await open();
    expect((await rejectionOf(bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 101 })))).name).toBe('InvalidParameterException');
    expect((await rejectionOf(bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonS4' })))).name).toBe('NotFoundException');
  });
});
