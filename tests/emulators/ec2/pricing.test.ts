import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EC2_INSTANCE_TYPES } from '../../../src/emulators/ec2/ec2-catalog.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { CAPACITY_BLOCK_TYPES } from '../../../src/emulators/ec2/pricing/price-list-products.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(async (options: Ec2EmulatorOptions = {}) => {
  const bed = await startEc2TestBed(options);
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

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const LINUX = [
  { Type: 'TERM_MATCH' as const, Field: 'operatingSystem', Value: 'Linux' },
  { Type: 'TERM_MATCH' as const, Field: 'tenancy', Value: 'Shared' },
  { Type: 'TERM_MATCH' as const, Field: 'preInstalledSw', Value: 'NA' },
  { Type: 'TERM_MATCH' as const, Field: 'capacitystatus', Value: 'Used' },
];

function parsed(items: readonly unknown[] | undefined): { productFamily: string; attributes: Record<string, string>; usd: string }[] {
  return (items ?? []).map((item) => {
    const document = JSON.parse(String(item)) as {
      product: { productFamily: string; attributes: Record<string, string> };
      terms: { OnDemand: Record<string, { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> }> };
    };
    const [term] = Object.values(document.terms.OnDemand);
    const [dimension] = Object.values(term?.priceDimensions ?? {});
    return { productFamily: document.product.productFamily, attributes: document.product.attributes, usd: dimension?.pricePerUnit.USD ?? '' };
  });
}

const variantOf = (product: { attributes: Record<string, string> }): string =>
  ['operatingSystem', 'tenancy', 'capacitystatus', 'marketoption'].map((name) => product.attributes[name]).join('/');

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

  it('lists the variants a careless filter would pick up (Windows, reserved capacity, dedicated instances)', async () => {
    const bed = await open();
    const answer = await bed.pricing.send(
      new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [{ Type: 'TERM_MATCH', Field: 'instanceType', Value: 't3.micro' }, { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' }] }),
    );
    expect(parsed(answer.PriceList).map(variantOf).sort()).toEqual([
      'Linux/Dedicated/Used/OnDemand',
      'Linux/Shared/UnusedCapacityReservation/OnDemand',
      'Linux/Shared/Used/OnDemand',
      'Windows/Shared/Used/OnDemand',
    ]);
    // A dedicated instance costs more than a shared one: a query that mixes them picks the wrong price.
    const byVariant = new Map(parsed(answer.PriceList).map((product) => [variantOf(product), Number(product.usd)]));
    expect(byVariant.get('Linux/Dedicated/Used/OnDemand')).toBeGreaterThan(byVariant.get('Linux/Shared/Used/OnDemand') ?? Infinity);
  });

  it('carries the $0 Capacity Block products of the types sold as Capacity Blocks, which only marketoption=OnDemand leaves out', async () => {
    const bed = await open();
    const filters = [...LINUX, { Type: 'TERM_MATCH' as const, Field: 'regionCode', Value: 'us-east-1' }, { Type: 'TERM_MATCH' as const, Field: 'instanceType', Value: 'p5.48xlarge' }];
    const careless = parsed((await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: filters }))).PriceList);
    expect(careless.map((product) => `${product.attributes.marketoption}:${Number(product.usd)}`).sort()).toEqual(['CapacityBlock:0', 'OnDemand:98.32']);
    const onDemand = parsed(
      (await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [...filters, { Type: 'TERM_MATCH', Field: 'marketoption', Value: 'OnDemand' }] }))).PriceList,
    );
    expect(onDemand.map((product) => Number(product.usd))).toEqual([98.32]);
    // A type not sold as Capacity Blocks has none.
    const micro = parsed((await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [...LINUX, { Type: 'TERM_MATCH', Field: 'instanceType', Value: 't3.micro' }] }))).PriceList);
    expect(micro.every((product) => product.attributes.marketoption === 'OnDemand')).toBe(true);
  });

  it('lists bare metal as the real catalog does: product family "Compute Instance (bare metal)", dedicated tenancy, no shared product', async () => {
    const bed = await open();
    const metal = [{ Type: 'TERM_MATCH' as const, Field: 'instanceType', Value: 'm5.metal' }, { Type: 'TERM_MATCH' as const, Field: 'regionCode', Value: 'us-east-1' }];
    const shared = await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [...LINUX, ...metal] }));
    expect(shared.PriceList).toEqual([]);
    const dedicated = parsed(
      (
        await bed.pricing.send(
          new GetProductsCommand({
            ServiceCode: 'AmazonEC2',
            Filters: [
              ...metal,
              { Type: 'TERM_MATCH', Field: 'productFamily', Value: 'Compute Instance (bare metal)' },
              { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Dedicated' },
              { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
              { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
            ],
          }),
        )
      ).PriceList,
    );
    expect(dedicated).toHaveLength(1);
    expect(dedicated[0]?.productFamily).toBe('Compute Instance (bare metal)');
    expect(dedicated[0]?.attributes).not.toHaveProperty('productFamily');
    expect(Number(dedicated[0]?.usd)).toBeCloseTo(4.608, 6);
    // Ordinary types are "Compute Instance"; a product-family filter tells the two apart.
    const ordinary = parsed((await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: [...LINUX, { Type: 'TERM_MATCH', Field: 'instanceType', Value: 'm5.large' }] }))).PriceList);
    expect(new Set(ordinary.map((product) => product.productFamily))).toEqual(new Set(['Compute Instance']));
  });

  it('supports ANY_OF, NONE_OF and CONTAINS', async () => {
    const bed = await open();
    const anyOf = await bed.pricing.send(
      new GetProductsCommand({
        ServiceCode: 'AmazonEC2',
        Filters: [...LINUX, { Type: 'TERM_MATCH', Field: 'marketoption', Value: 'OnDemand' }, { Type: 'ANY_OF', Field: 'instanceType', Value: 'g5.xlarge,p5.48xlarge' }, { Type: 'EQUALS', Field: 'regionCode', Value: 'us-west-2' }],
      }),
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
      seen.push(...parsed(page.PriceList).map((product) => `${product.attributes.regionCode}/${product.attributes.instanceType}/${product.attributes.marketoption}`));
      nextToken = page.NextToken;
      pages += 1;
    } while (nextToken !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    // Every non-metal type once per region, plus the Capacity Block products (no marketoption filter here).
    const expected = EC2_INSTANCE_TYPES.filter((type) => type.bareMetal !== true).length * 2 + CAPACITY_BLOCK_TYPES.length * 2;
    expect(seen).toHaveLength(expected);
    expect(pages).toBe(Math.ceil(expected / 5));

    const first = await bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: filters, MaxResults: 5 }));
    const misuse = await rejectionOf(bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 5, NextToken: first.NextToken })));
    expect(misuse.name).toBe('InvalidNextTokenException');
  });

  it('throttles GetProducts with the modelled ThrottlingException (HTTP 429), and recovers as its bucket refills', async () => {
    const bed = await open({ pricingThrottle: { bucket: 2, refillPerSecond: 1 } });
    const request = new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 1 });
    await bed.pricing.send(request);
    await bed.pricing.send(request);
    const throttled = await rejectionOf(bed.pricing.send(request));
    expect(throttled.name).toBe('ThrottlingException');
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    bed.clock += 1_000;
    await expect(bed.pricing.send(request)).resolves.toBeDefined();
  });

  it('answers bad requests with the modelled exceptions', async () => {
    const bed = await open();
    expect((await rejectionOf(bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 101 })))).name).toBe('InvalidParameterException');
    expect((await rejectionOf(bed.pricing.send(new GetProductsCommand({ ServiceCode: 'AmazonS4' })))).name).toBe('NotFoundException');
  });
});
