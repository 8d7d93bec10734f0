import { Ec2Error, invalidParameterValue } from './ec2-error.js';
import type { SpotInstanceType } from './ec2-state.js';
import type { QueryParams } from './query-params.js';

/** EC2 refuses a MaxPrice below this with InvalidParameterValue; exactly this much is a valid (if hopeless) price. */
const MIN_MAX_PRICE = 0.001;

export interface SpotMarketRequest {
  /** As the caller wrote it, for error messages; undefined means up to the on-demand price. */
  readonly rawMaxPrice: string | undefined;
  readonly maxPrice: number | undefined;
  readonly type: SpotInstanceType;
  readonly interruptionBehavior: string;
}

/** Reads `InstanceMarketOptions`: undefined for on-demand, the spot request otherwise. */
export function parseInstanceMarketOptions(params: QueryParams): SpotMarketRequest | undefined {
  if (!params.has('InstanceMarketOptions')) return undefined;
  const market = params.struct('InstanceMarketOptions');
  const marketType = market.string('MarketType');
  if (marketType === undefined) return undefined;
  if (marketType !== 'spot') throw invalidParameterValue(`The market type '${marketType}' is not supported by this emulator; use 'spot'.`);
  const spot = market.struct('SpotOptions');
  const rawMaxPrice = spot.string('MaxPrice');
  const maxPrice = rawMaxPrice === undefined ? undefined : Number(rawMaxPrice);
  if (maxPrice !== undefined && (!Number.isFinite(maxPrice) || maxPrice < MIN_MAX_PRICE)) {
    throw invalidParameterValue(`Invalid max price '${rawMaxPrice}': the max price must be more than USD $0.001.`);
  }
  const type = spot.string('SpotInstanceType') ?? 'one-time';
  if (type !== 'one-time' && type !== 'persistent') {
    throw invalidParameterValue(`Invalid value '${type}' for SpotInstanceType.`);
  }
  const interruptionBehavior = spot.string('InstanceInterruptionBehavior') ?? 'terminate';
  if (!['hibernate', 'stop', 'terminate'].includes(interruptionBehavior)) {
    throw invalidParameterValue(`Invalid value '${interruptionBehavior}' for InstanceInterruptionBehavior.`);
  }
  if (type === 'persistent' && interruptionBehavior === 'terminate') {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'For RunInstances, persistent Spot Instance requests are only supported when InstanceInterruptionBehavior is set to either hibernate or stop.',
    );
  }
  return { rawMaxPrice, maxPrice, type, interruptionBehavior };
}
