import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError, type ProviderErrorCode } from '../../../src/contracts/index.js';
import { Ec2CallError, ec2CodeBehind } from '../../../src/providers/aws/ec2-errors.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startAwsTestBed } from './aws-test-bed.js';

/**
 * One example per EC2 error row added in issue 10, each produced by a real condition of the
 * emulator (the account's standing, IAM, the account's VPCs), through the provider as the control
 * plane calls it. Before, each of these was an Ec2CallError: outcome unknown, a retryable 502.
 */
const open = useTestBed(startAwsTestBed);

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function refusal(promise: Promise<unknown>): Promise<{ code: ProviderErrorCode | null; ec2Code: string | null; error: unknown }> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (error instanceof ProviderError) return { code: error.code, ec2Code: ec2CodeBehind(error), error };
  if (error instanceof Ec2CallError) return { code: null, ec2Code: error.ec2Code, error };
  throw new Error(`expected a refusal, got ${String(error)}`);
}

describe('EC2 refusals that name the account, not the request', () => {
  it.each([
    ['pending-verification', 'PendingVerification'],
    ['blocked', 'Blocked'],
    ['not-subscribed', 'OptInRequired'],
  ] as const)('an account that is %s (%s) is AUTH_ERROR: spawn is not retried, and health says so at start-up', async (accountStatus, ec2Code) => {
    const bed = await open({ accountStatus });
    expect(await refusal(bed.registration.provider.spawn(spawnOptions()))).toMatchObject({ code: 'AUTH_ERROR', ec2Code });
    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health).toMatchObject({ ok: false, errorCode: 'AUTH_ERROR' });
    expect(health?.message).toContain(ec2Code);
  });

  it('a spot launch that needs the spot service-linked role the caller may not create is AUTH_ERROR (AuthFailure.*, matched by prefix)', async () => {
    const bed = await open({ spotServiceLinkedRole: false, deniedActions: ['iam:CreateServiceLinkedRole'] });
    const spot = await refusal(bed.registration.provider.spawn(spawnOptions({ spot: true })));
    expect(spot).toMatchObject({ code: 'AUTH_ERROR', ec2Code: 'AuthFailure.ServiceLinkedRoleCreationNotPermitted' });
    expect((spot.error as Error).message).toMatch(/service-linked role/);
    // On-demand needs no such role.
    await expect(bed.registration.provider.spawn(spawnOptions())).resolves.toMatchObject({ status: 'pending' });
  });

  it('a launch without a subnet in an account without a default VPC is INVALID_SPEC (VPCIdNotSpecified): configure subnetId', async () => {
    const bed = await open({ defaultVpc: false });
    expect(await refusal(bed.registration.provider.spawn(spawnOptions()))).toMatchObject({ code: 'INVALID_SPEC', ec2Code: 'VPCIdNotSpecified' });
  });
});
