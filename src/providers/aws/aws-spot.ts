import type { InstanceMarketOptionsRequest } from '@aws-sdk/client-ec2';
import type { SpotRequest, SpotRequestOptions } from '../../contracts/index.js';

/** EC2 refuses a MaxPrice below this with InvalidParameterValue, so a lower ceiling can never be met. */
export const EC2_MIN_SPOT_MAX_PRICE = 0.001;

/** A one-time request that terminates on interruption: the only kind a single RunInstances makes sense for. */
export function spotMarketOptions(maxPricePerHour: number | null): InstanceMarketOptionsRequest {
  return {
    MarketType: 'spot',
    SpotOptions: {
      SpotInstanceType: 'one-time',
      InstanceInterruptionBehavior: 'terminate',
      // At or above EC2's floor `String` writes plain decimals, never exponent form.
      ...(maxPricePerHour !== null && { MaxPrice: String(maxPricePerHour) }),
    },
  };
}

/**
 * A request EC2 refused without creating a spot request, so there is no `sir-` id: the idempotency
 * token names the attempt instead, and cancelling it is a no-op like any unknown id.
 */
export function failedSpotRequest(options: SpotRequestOptions, message: string): SpotRequest {
  return { requestId: options.idempotencyToken, status: 'failed', providerInstanceId: null, maxPricePerHour: options.maxPricePerHour, message };
}
