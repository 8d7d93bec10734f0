import type { Ec2InstanceTypeInfo } from './ec2-catalog.js';
import { hashToUnit } from './seeded-ids.js';

/** The only product this emulator sells; EC2 also prices Windows, SUSE and RHEL separately. */
export const SPOT_PRODUCT_DESCRIPTION = 'Linux/UNIX';

/** Spot prices change on the hour: each hour of each zone and type gets one seeded price. */
export const SPOT_PRICE_PERIOD_MS = 60 * 60 * 1000;

export function spotPricePeriodStart(time: number): number {
  return Math.floor(time / SPOT_PRICE_PERIOD_MS) * SPOT_PRICE_PERIOD_MS;
}

/** USD/hour as EC2 writes it (a decimal string), 30–70 % of the on-demand price. */
export function spotPriceAt(seed: number, zone: string, type: Ec2InstanceTypeInfo, time: number): string {
  const period = spotPricePeriodStart(time);
  const discount = 0.3 + 0.4 * hashToUnit(`${seed}|spot|${zone}|${type.instanceType}|${period}`);
  return (type.onDemandUsdPerHour * discount).toFixed(6);
}
