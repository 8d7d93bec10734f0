import { CreateFleetCommand, CreateLaunchTemplateCommand, DescribeAvailabilityZonesCommand, type EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

const open = useTestBed(startEc2TestBed);

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const launch = (client: EC2Client, spot: boolean) =>
  client.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      ImageId: TEST_IMAGE_ID,
      InstanceType: 't3.micro',
      ...(spot && { InstanceMarketOptions: { MarketType: 'spot' } }),
    }),
  );

describe('EC2 emulator: the account’s standing', () => {
  it.each([
    ['pending-verification', 'PendingVerification', 400, /pending verification/],
    ['blocked', 'Blocked', 400, /currently blocked/],
    ['not-subscribed', 'OptInRequired', 401, /not authorized to use the requested service/],
  ] as const)('an account that is %s answers every request with %s', async (accountStatus, code, status, message) => {
    const bed = await open({ accountStatus });
    for (const request of [bed.client.send(new DescribeAvailabilityZonesCommand({})), launch(bed.client, false)]) {
      const refused = await rejectionOf(request);
      expect(refused.name).toBe(code);
      expect(refused.$metadata.httpStatusCode).toBe(status);
      expect(refused.message).toMatch(message);
    }
  });
});

describe('EC2 emulator: the spot service-linked role', () => {
  it('refuses spot launches with AuthFailure.ServiceLinkedRoleCreationNotPermitted while the role is missing and IAM denies creating it', async () => {
    const bed = await open({ spotServiceLinkedRole: false, deniedActions: ['iam:CreateServiceLinkedRole'] });
    const refused = await rejectionOf(launch(bed.client, true));
    expect(refused.name).toBe('AuthFailure.ServiceLinkedRoleCreationNotPermitted');
    expect(refused.$metadata.httpStatusCode).toBe(403);
    expect(refused.message).toBe('The provided credentials do not have permission to create the service-linked role for EC2 Spot Instances.');
    // An instant fleet with a spot target needs the role too.
    await bed.client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'slr-test', LaunchTemplateData: { ImageId: TEST_IMAGE_ID } }));
    const fleet = await rejectionOf(
      bed.client.send(
        new CreateFleetCommand({
          Type: 'instant',
          LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: 'slr-test', Version: '$Latest' }, Overrides: [{ InstanceType: 't3.micro', AvailabilityZone: 'us-east-1a' }] }],
          TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: 'spot' },
        }),
      ),
    );
    expect(fleet.name).toBe('AuthFailure.ServiceLinkedRoleCreationNotPermitted');
    // On-demand launches need no such role.
    await expect(launch(bed.client, false)).resolves.toBeDefined();
  });

  it('creates the role on the first spot launch when IAM allows it; later launches need no permission', async () => {
    const bed = await open({ spotServiceLinkedRole: false });
    await expect(launch(bed.client, true)).resolves.toBeDefined();
    await expect(launch(bed.client, true)).resolves.toBeDefined();
  });
});
