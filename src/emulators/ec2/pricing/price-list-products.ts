import { EC2_INSTANCE_TYPES, type Ec2InstanceTypeInfo } from '../ec2-catalog.js';
import { hashToUnit } from '../seeded-ids.js';

/** The Price List's long location names, as its `location` attribute spells them. */
const LOCATION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
};

/** Offer term code of on-demand terms, and the rate code suffix, as the Price List uses them. */
const ON_DEMAND_TERM = 'JRTCKXETXF';
const HOURLY_RATE = '6YS6EN2CT7';

/**
 * The types sold as EC2 Capacity Blocks for ML among the emulator's (AWS lists P4d, P4de, P5 and
 * later, Trn1 and Trn2). Each has a Capacity Block product (`marketoption` CapacityBlock) whose
 * on-demand rate is $0: the block is paid when it is bought, at a price that varies with demand
 * and is not in the Price List. Only a `marketoption=OnDemand` filter leaves these out.
 */
export const CAPACITY_BLOCK_TYPES: readonly string[] = ['p4d.24xlarge', 'p4de.24xlarge', 'p5.48xlarge'];

interface ProductVariant {
  operatingSystem: 'Linux' | 'Windows';
  tenancy: 'Shared' | 'Dedicated' | 'Host';
  capacitystatus: 'Used' | 'UnusedCapacityReservation';
  marketoption: 'OnDemand' | 'CapacityBlock';
  usagePrefix: string;
  /** The price as a multiple of the Linux price: Windows adds a licence, a dedicated instance costs more, a host-tenancy instance nothing (the host is billed). */
  factor: number;
}

const LINUX_USED = { operatingSystem: 'Linux', capacitystatus: 'Used', marketoption: 'OnDemand' } as const;

/**
 * What a real region lists for an ordinary (virtualized) type: its Linux, shared-tenancy,
 * used-capacity, on-demand product (the price Hangar wants), and the products a careless filter
 * picks up instead: an unused capacity reservation, Windows, a dedicated instance.
 */
const VIRTUAL_VARIANTS: readonly ProductVariant[] = [
  { ...LINUX_USED, tenancy: 'Shared', usagePrefix: 'BoxUsage', factor: 1 },
  { ...LINUX_USED, tenancy: 'Shared', capacitystatus: 'UnusedCapacityReservation', usagePrefix: 'UnusedBox', factor: 1 },
  { ...LINUX_USED, tenancy: 'Shared', operatingSystem: 'Windows', usagePrefix: 'BoxUsage', factor: 1.84 },
  { ...LINUX_USED, tenancy: 'Dedicated', usagePrefix: 'DedicatedUsage', factor: 1.1 },
];

/**
 * Bare metal occupies a whole host, so the real catalog has no shared-tenancy product for it: its
 * on-demand price is the dedicated-tenancy product of family "Compute Instance (bare metal)"
 * (how Karpenter's AWS pricing provider reads metal prices), beside a $0 host-tenancy product (on
 * a Dedicated Host the host is billed, not the instance) and Windows.
 */
const METAL_VARIANTS: readonly ProductVariant[] = [
  { ...LINUX_USED, tenancy: 'Dedicated', usagePrefix: 'DedicatedUsage', factor: 1 },
  { ...LINUX_USED, tenancy: 'Host', usagePrefix: 'HostBoxUsage', factor: 0 },
  { ...LINUX_USED, tenancy: 'Dedicated', operatingSystem: 'Windows', usagePrefix: 'DedicatedUsage', factor: 1.84 },
];

/** The Capacity Block product: Linux, shared, used capacity, like the on-demand one but for its marketoption and $0. */
const CAPACITY_BLOCK_VARIANT: ProductVariant = { ...LINUX_USED, tenancy: 'Shared', marketoption: 'CapacityBlock', usagePrefix: 'BoxUsage', factor: 0 };

export interface PriceListProduct {
  /** What filters match: the product's attributes and its productFamily. */
  readonly fields: Readonly<Record<string, string>>;
  /** The `PriceList` item: a JSON document as a string, as GetProducts returns it. */
  readonly document: string;
}

/** The AmazonEC2 compute products of the given regions, priced from the emulator's catalog. */
export function ec2PriceListProducts(regions: readonly string[], publishedAt: string): PriceListProduct[] {
  return regions.flatMap((region) => EC2_INSTANCE_TYPES.flatMap((type) => variantsOf(type).map((variant) => product(region, type, variant, publishedAt))));
}

function variantsOf(type: Ec2InstanceTypeInfo): readonly ProductVariant[] {
  const variants = type.bareMetal === true ? METAL_VARIANTS : VIRTUAL_VARIANTS;
  return CAPACITY_BLOCK_TYPES.includes(type.instanceType) ? [...variants, CAPACITY_BLOCK_VARIANT] : variants;
}

function product(region: string, type: Ec2InstanceTypeInfo, variant: ProductVariant, publishedAt: string): PriceListProduct {
  const sku = skuOf(region, type.instanceType, variant);
  const usd = (type.onDemandUsdPerHour * variant.factor).toFixed(10);
  const location = LOCATION_NAMES[region] ?? region;
  const productFamily = type.bareMetal === true ? 'Compute Instance (bare metal)' : 'Compute Instance';
  const windows = variant.operatingSystem === 'Windows';
  const attributes: Record<string, string> = {
    servicecode: 'AmazonEC2',
    servicename: 'Amazon Elastic Compute Cloud',
    instanceType: type.instanceType,
    instanceFamily: type.gpu === undefined ? 'General purpose' : 'GPU instance',
    vcpu: String(type.vcpus),
    memory: `${type.memoryMiB / 1024} GiB`,
    regionCode: region,
    location,
    locationType: 'AWS Region',
    operatingSystem: variant.operatingSystem,
    tenancy: variant.tenancy,
    preInstalledSw: 'NA',
    licenseModel: windows ? 'License included' : 'No License required',
    capacitystatus: variant.capacitystatus,
    marketoption: variant.marketoption,
    usagetype: `${variant.usagePrefix}:${type.instanceType}`,
    operation: windows ? 'RunInstances:0002' : 'RunInstances',
  };
  const document = {
    product: { productFamily, attributes, sku },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        [`${sku}.${ON_DEMAND_TERM}`]: {
          priceDimensions: {
            [`${sku}.${ON_DEMAND_TERM}.${HOURLY_RATE}`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${Number(usd)} per On Demand ${variant.operatingSystem} ${type.instanceType} Instance Hour`,
              appliesTo: [],
              rateCode: `${sku}.${ON_DEMAND_TERM}.${HOURLY_RATE}`,
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: publishedAt,
          offerTermCode: ON_DEMAND_TERM,
          termAttributes: {},
        },
      },
    },
    version: publishedAt.replace(/\D/g, '').slice(0, 14),
    publicationDate: publishedAt,
  };
  return { fields: { ...attributes, productFamily }, document: JSON.stringify(document) };
}

/** SKUs are 16 upper-case letters and digits, stable per product. */
function skuOf(region: string, instanceType: string, variant: ProductVariant): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const key = `${region}|${instanceType}|${variant.operatingSystem}|${variant.tenancy}|${variant.capacitystatus}|${variant.marketoption}`;
  let sku = '';
  for (let index = 0; index < 16; index += 1) sku += alphabet[Math.floor(hashToUnit(`${key}|${index}`) * alphabet.length)];
  return sku;
}
