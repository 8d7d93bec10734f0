import { Ec2Error } from './ec2-error.js';

export interface ThrottleOption {
  /** Tokens the bucket holds: the burst a caller may send at once. */
  readonly bucket: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

/**
 * EC2's request-rate throttling: one token bucket per Region (AWS: "Request throttling for the
 * Amazon EC2 API"), one token per call; an empty bucket answers `RequestLimitExceeded` (HTTP 503).
 */
export class RequestThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly option: ThrottleOption) {}

  take(region: string, now: number): void {
    const current = this.buckets.get(region) ?? { tokens: this.option.bucket, at: now };
    const tokens = Math.min(this.option.bucket, current.tokens + ((now - current.at) / 1000) * this.option.refillPerSecond);
    if (tokens < 1) {
      this.buckets.set(region, { tokens, at: now });
      throw new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503);
    }
    this.buckets.set(region, { tokens: tokens - 1, at: now });
  }
}
