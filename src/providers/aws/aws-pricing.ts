/** USD per hour by region and instance type. */
export type OnDemandPriceTable = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Linux on-demand list prices, bundled because the Price List API is slow and global. A snapshot:
 * AWS changes prices, so a stale or missing row is reported as a warning, never guessed.
 */
export const AWS_ON_DEMAND_PRICES: OnDemandPriceTable = {
  'us-east-1': {
    't3.micro': 0.0104,
    'm5.large': 0.096,
    'g5.xlarge': 1.006,
    'g6.xlarge': 0.8048,
    'p4d.24xlarge': 32.7726,
    'p5.48xlarge': 98.32,
  },
};

export interface OfferingPrice {
  pricePerHour: number | null;
  warnings: string[];
}

/** The lowest bundled price across the regions an offering is sold in, with a warning for each gap. */
export function onDemandPrice(table: OnDemandPriceTable, instanceType: string, regions: readonly string[]): OfferingPrice {
  const known: number[] = [];
  const unpriced: string[] = [];
  for (const region of regions) {
    const price = table[region]?.[instanceType];
    if (price === undefined) unpriced.push(region);
    else known.push(price);
  }
  if (known.length === 0) {
    return { pricePerHour: null, warnings: [`no bundled on-demand price for ${instanceType} in ${regions.join(', ') || 'any region'}`] };
  }
  const warnings = unpriced.length === 0 ? [] : [`on-demand price of ${instanceType} is unknown in ${unpriced.join(', ')}; shown is the lowest known`];
  return { pricePerHour: Math.min(...known), warnings };
}
