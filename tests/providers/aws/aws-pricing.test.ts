import { describe, expect, it } from 'vitest';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { AWS_ON_DEMAND_PRICES, onDemandPrice } from '../../../src/providers/aws/aws-pricing.js';

describe('bundled on-demand prices', () => {
  it('prices the types Hangar places most', () => {
    for (const type of ['g5.xlarge', 'g6.xlarge', 'p4d.24xlarge', 'p5.48xlarge', 't3.micro', 'm5.large']) {
      expect(AWS_ON_DEMAND_PRICES['us-east-1']?.[type], type).toBeGreaterThan(0);
    }
  });

  it('answers null with a warning when no price is known, never a failure', () => {
    expect(onDemandPrice(AWS_ON_DEMAND_PRICES, 'x9.huge', ['us-east-1'])).toEqual({
      pricePerHour: null,
      warnings: ['no bundled on-demand price for x9.huge in us-east-1'],
    });
  });

  it('uses the known price and warns about regions without one', () => {
    const price = onDemandPrice(AWS_ON_DEMAND_PRICES, 'g5.xlarge', ['us-east-1', 'us-west-2']);
    expect(price.pricePerHour).toBe(1.006);
    expect(price.warnings).toEqual([expect.stringContaining('us-west-2')]);
  });
});

describe('AWS config', () => {
  it('defaults to one region and the fake default AMI', () => {
    expect(AwsConfigSchema.parse({})).toMatchObject({
      regions: ['us-east-1'],
      defaultImageId: 'ami-0123456789abcdef0',
      pricing: { enabled: true, refreshIntervalMs: 24 * 60 * 60 * 1000 },
    });
  });

  it('is strict and checks the AMI id', () => {
    expect(AwsConfigSchema.safeParse({ accessKeyId: 'AKIA' }).success).toBe(false);
    expect(AwsConfigSchema.safeParse({ defaultImageId: 'ubuntu' }).success).toBe(false);
    expect(AwsConfigSchema.safeParse({ regions: [] }).success).toBe(false);
  });
});
