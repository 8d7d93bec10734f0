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

interface ProductVariant {
  operatingSystem: 'Linux' | 'Windows';
  capacitystatus: 'Used' | 'UnusedCapacityReservation';
  /** Windows carries a licence cost on top of the Linux price. */
  factor: number;
}

/**
 * Every variant a real region lists for one instance type that a careless filter would pick up
 * instead of the Linux / shared / no-software / used-capacity price Hangar wants.
 */
const VARIANTS: readonly ProductVariant[] = [
  { operatingSystem: 'Linux', capacitystatus: 'Used', factor: 1 },
  { operatingSystem: 'Linux', capacitystatus: 'UnusedCapacityReservation', factor: 1 },
  { operatingSystem: 'Windows', capacitystatus: 'Used', factor: 1.84 },
];

export interface PriceListProduct {
  readonly attributes: Readonly<Record<string, string>>;
  /** The `PriceList` item: a JSON document as a string, as GetProducts returns it. */
  readonly document: string;
}

/** The AmazonEC2 compute products of the given regions, priced from the emulator's catalog. */
export function ec2PriceListProducts(regions: readonly string[], publishedAt: string): PriceListProduct[] {
  return regions.flatMap((region) => EC2_INSTANCE_TYPES.flatMap((type) => VARIANTS.map((variant) => product(region, type, variant, publishedAt))));
}

function product(region: string, type: Ec2InstanceTypeInfo, variant: ProductVariant, publishedAt: string): PriceListProduct {
  const sku = skuOf(region, type.instanceType, variant);
  const usd = (type.onDemandUsdPerHour * variant.factor).toFixed(10);
  const location = LOCATION_NAMES[region] ?? region;
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
    tenancy: 'Shared',
    preInstalledSw: 'NA',
    licenseModel: variant.operatingSystem === 'Windows' ? 'License included' : 'No License required',
    capacitystatus: variant.capacitystatus,
    usagetype: `BoxUsage:${type.instanceType}`,
    operation: variant.operatingSystem === 'Windows' ? 'RunInstances:0002' : 'RunInstances',
  };
  const document = {
    product: { productFamily: 'Compute Instance', attributes, sku },
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
  return { attributes, document: JSON.stringify(document) };
}

/** SKUs are 16 upper-case letters and digits, stable per product. */
function skuOf(region: string, instanceType: string, variant: ProductVariant): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let sku = '';
  for (let index = 0; index < 16; index += 1) {
    sku += alphabet[Math.floor(hashToUnit(`${region}|${instanceType}|${variant.operatingSystem}|${variant.capacitystatus}|${index}`) * alphabet.length)];
  }
  return sku;
}
