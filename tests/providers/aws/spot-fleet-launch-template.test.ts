import { DeleteLaunchTemplateCommand, DescribeLaunchTemplatesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { Ec2Clients } from '../../../src/providers/aws/ec2-clients.js';
import { ec2CodeBehind } from '../../../src/providers/aws/ec2-errors.js';
import { SPOT_FLEET_TEMPLATE_PREFIX, SpotFleetInputSchema, createAwsSpotFleet } from '../../../src/providers/aws/spot-fleet.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { startAwsTestBed } from './aws-test-bed.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' };

const open = useTestBed(async () => {
  const bed = await startAwsTestBed();
  const sent: string[] = [];
  const clients = new Ec2Clients(AwsConfigSchema.parse({ regions: ['us-east-1'], endpoint: bed.emulator.url }), {
    credentials: CREDENTIALS,
    onRequest: (operation) => sent.push(operation),
  });
  const fleet = createAwsSpotFleet({ provider: bed.registration.provider, clients, defaultImageId: 'ami-0123456789abcdef0', now: () => bed.clock, tagRetryDelayMs: 1 });
  return {
    bed,
    clients,
    fleet,
    sent,
    close: async () => {
      clients.destroy();
      await bed.close();
    },
  };
});

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

let sequence = 0;
function fleetInput() {
  sequence += 1;
  return SpotFleetInputSchema.parse({
    region: 'us-east-1',
    instanceTypes: ['g5.xlarge'],
    count: 1,
    idempotencyToken: `template-intent-${sequence}`,
    ownership: { owner: 'hangar-test', instanceIds: [`inst_template_${sequence}`] },
  });
}

describe('spot-fleet: the launch template deleted behind Hangar’s back', () => {
  it('answers NOT_FOUND once (InvalidLaunchTemplateName.NotFoundException), forgets the template, and the next fleet re-creates it', async () => {
    const { bed, clients, fleet, sent } = await open();
    expect((await fleet.run(fleetInput())).outcome).toBe('fulfilled');
    const ec2 = clients.of('us-east-1');
    const [template] = (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
    expect(template?.LaunchTemplateName?.startsWith(SPOT_FLEET_TEMPLATE_PREFIX)).toBe(true);

    // Someone tidies up the account.
    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: template?.LaunchTemplateName }));

    const failed = await fleet.run(fleetInput()).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(ProviderError);
    expect((failed as ProviderError).code).toBe('NOT_FOUND');
    expect(ec2CodeBehind(failed as ProviderError)).toBe('InvalidLaunchTemplateName.NotFoundException');

    const again = await fleet.run(fleetInput());
    expect(again.outcome).toBe('fulfilled');
    expect(sent.filter((operation) => operation === 'CreateLaunchTemplate')).toHaveLength(2);
    const [recreated] = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [template?.LaunchTemplateName ?? ''] }))).LaunchTemplates ?? [];
    expect(recreated?.LaunchTemplateId).not.toBe(template?.LaunchTemplateId);
    expect(await bed.registration.provider.list({ owner: 'hangar-test' })).toHaveLength(2);
  });

  it('re-creates a template deleted while Hangar was down (a new process does not reuse a deleted template’s client token)', async () => {
    const { bed, clients, fleet } = await open();
    expect((await fleet.run(fleetInput())).outcome).toBe('fulfilled');
    const ec2 = clients.of('us-east-1');
    const [template] = (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: template?.LaunchTemplateName }));
    const restarted = createAwsSpotFleet({ provider: bed.registration.provider, clients, defaultImageId: 'ami-0123456789abcdef0', now: () => bed.clock, tagRetryDelayMs: 1 });
    expect((await restarted.run(fleetInput())).outcome).toBe('fulfilled');
  });
});
