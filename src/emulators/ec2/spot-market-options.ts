import { Ec2Error, invalidParameterValue } from './ec2-error.js';
import type { QueryParams } from './query-params.js';

export interface SpotRequest {
  readonly maxPrice: number | undefined;
}

/** Reads `InstanceMarketOptions`: undefined for on-demand, the spot request otherwise. */
export function parseInstanceMarketOptions(params: QueryParams): SpotRequest | undefined {
  if (!params.has('InstanceMarketOptions')) return undefined;
  const market = params.struct('InstanceMarketOptions');
  const marketType = market.string('MarketType');
  if (marketType === undefined) return undefined;
  if (marketType !== 'spot') throw invalidParameterValue(`The market type '${marketType}' is not supported by this emulator; use 'spot'.`);
  const spot = market.struct('SpotOptions');
  const rawPrice = spot.string('MaxPrice');
  const maxPrice = rawPrice === undefined ? undefined : Number(rawPrice);
  if (maxPrice !== undefined && (!Number.isFinite(maxPrice) || maxPrice <= 0.001)) {
    throw invalidParameterValue(`Invalid max price '${rawPrice}': the max price must be more than USD $0.001.`);
  }
  const spotInstanceType = spot.string('SpotInstanceType') ?? 'one-time';
  if (spotInstanceType !== 'one-time' && spotInstanceType !== 'persistent') {
    throw invalidParameterValue(`Invalid value '${spotInstanceType}' for SpotInstanceType.`);
  }
  const interruption = spot.string('InstanceInterruptionBehavior') ?? 'terminate';
  if (!['hibernate', 'stop', 'terminate'].includes(interruption)) {
    throw invalidParameterValue(`Invalid value '${interruption}' for InstanceInterruptionBehavior.`);
  }
  if (spotInstanceType === 'persistent' && interruption === 'terminate') {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'For RunInstances, persistent Spot Instance requests are only supported when InstanceInterruptionBehavior is set to either hibernate or stop.',
    );
  }
  return { maxPrice };
}
