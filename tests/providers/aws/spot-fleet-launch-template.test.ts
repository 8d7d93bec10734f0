import { CreateLaunchTemplateCommand, DescribeLaunchTemplatesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { fleetStore } from '../../../src/emulators/ec2/fleet-state.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { Ec2Clients } from '../../../src/providers/aws/ec2-clients.js';
import { SPOT_FLEET_TEMPLATE_PREFIX, SpotFleetInputSchema, createAwsSpotFleet, launchTemplateRequest } from '../../../src/providers/aws/spot-fleet.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { startAwsTestBed } from './aws-test-bed.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' };

const open = useTestBed(async (options: Ec2EmulatorOptions = {}) => {
  const bed = await startAwsTestBed(options);
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
    /** Launch templates the emulator holds: what counts against the account's quota. */
    templates: () => fleetStore(bed.emulator.state).templateCount(),
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
function fleetInput(count = 1) {
  sequence += 1;
  return SpotFleetInputSchema.parse({
    region: 'us-east-1',
    instanceTypes: ['g5.xlarge'],
    count,
    idempotencyToken: `template-intent-${sequence}`,
    ownership: { owner: 'hangar-test', instanceIds: Array.from({ length: count }, (_, index) => `inst_template_${sequence}_${index}`) },
  });
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('spot-fleet: one launch template per fleet, deleted when the fleet call is done', () => {
  it('creates the template, launches from it, deletes it: none is left, fleet after fleet', async () => {
    const { fleet, sent, templates, clients } = await open();
    for (let round = 0; round < 3; round += 1) expect((await fleet.run(fleetInput())).outcome).toBe('fulfilled');
    expect(sent.filter((operation) => operation.endsWith('LaunchTemplate') || operation === 'CreateFleet')).toEqual(
      Array.from({ length: 3 }, () => ['CreateLaunchTemplate', 'CreateFleet', 'DeleteLaunchTemplate']).flat(),
    );
    expect(templates()).toBe(0);
    expect((await clients.of('us-east-1').send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
  });

  it('names the template after the intent: a retry names the same one, other intents (and owners) others', () => {
    const name = (owner: string, token: string, keyName?: string) => launchTemplateRequest(owner, keyName, token).LaunchTemplateName ?? '';
    expect(name('hangar', 'a')).toBe(name('hangar', 'a'));
    expect(name('hangar', 'a').startsWith(SPOT_FLEET_TEMPLATE_PREFIX)).toBe(true);
    expect(new Set([name('hangar', 'a'), name('hangar', 'b'), name('other', 'a'), name('hangar', 'a', 'ops')]).size).toBe(4);
    // Within EC2's 3-128 characters of [a-zA-Z0-9().-/_].
    expect(name('hangar', 'x'.repeat(64))).toMatch(/^[a-zA-Z0-9().\-/_]{3,128}$/);
  });

  it('deletes the template when CreateFleet is refused, and the refusal is what the caller gets', async () => {
    const { fleet, sent, templates } = await open({ deniedActions: ['CreateFleet'] });
    const failure = await failureOf(fleet.run(fleetInput()));
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).code).toBe('AUTH_ERROR');
    expect(sent).toContain('DeleteLaunchTemplate');
    expect(templates()).toBe(0);
  });

  it('deletes the template when tagging fails after the launch, and a retry (same token) re-creates, replays and deletes it again', async () => {
    const { bed, fleet, sent, templates } = await open({ consistencyLagMs: 5_000 });
    const input = fleetInput(2);
    expect(await failureOf(fleet.run(input))).toBeInstanceOf(Error);
    expect(templates()).toBe(0);
    bed.clock += 5_000;
    const retried = await fleet.run(input);
    expect(retried.outcome).toBe('fulfilled');
    expect(sent.filter((operation) => operation === 'CreateLaunchTemplate')).toHaveLength(2);
    expect(await bed.registration.provider.list({ owner: 'hangar-test' })).toHaveLength(2);
    expect(templates()).toBe(0);
  });

  it('finds a template a crashed run left behind (AlreadyExists is success) and deletes it', async () => {
    const { fleet, clients, templates } = await open();
    const input = fleetInput();
    await clients.of('us-east-1').send(new CreateLaunchTemplateCommand(launchTemplateRequest(input.ownership.owner, undefined, input.idempotencyToken)));
    expect(templates()).toBe(1);
    expect((await fleet.run(input)).outcome).toBe('fulfilled');
    expect(templates()).toBe(0);
  });

  it('concurrent fleets each use and delete their own template, never another’s', async () => {
    const { fleet, templates, bed } = await open();
    const results = await Promise.all([fleetInput(), fleetInput(), fleetInput()].map((input) => fleet.run(input)));
    expect(results.map((result) => result.outcome)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await bed.registration.provider.list({ owner: 'hangar-test' })).toHaveLength(3);
    expect(templates()).toBe(0);
  });

  it('an aborted fleet (CreateFleet in flight) still deletes its template behind the caller', async () => {
    const { bed, fleet, templates, sent } = await open();
    bed.emulator.chaos.replace({ seed: 1, latency: [{ operation: 'spawn', delayMs: 1_500 }] });
    const controller = new AbortController();
    const running = fleet.run(fleetInput(), { signal: controller.signal });
    await waitFor('CreateFleet to reach the emulator', async () => (bed.emulator.calls.get('CreateFleet') === 1 ? true : undefined));
    expect(templates()).toBe(1);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    expect(await failureOf(running)).toBe(reason);
    await waitFor('the template deleted', async () => (sent.includes('DeleteLaunchTemplate') && templates() === 0 ? true : undefined));
  });

  it('a delete that fails leaves the template but not the fleet’s outcome; the next run of the intent deletes it', async () => {
    const denied = ['DeleteLaunchTemplate'];
    const { fleet, templates } = await open({ deniedActions: denied });
    const input = fleetInput();
    expect((await fleet.run(input)).outcome).toBe('fulfilled');
    expect(templates()).toBe(1);
    denied.length = 0; // the operator grants ec2:DeleteLaunchTemplate
    expect((await fleet.run(input)).outcome).toBe('fulfilled');
    expect(templates()).toBe(0);
  });
});
