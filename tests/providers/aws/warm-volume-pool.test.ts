import { AttachVolumeCommand, DescribeVolumesCommand, EC2Client, RunInstancesCommand, type Volume } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../src/contracts/index.js';
import { type RunningEc2Emulator, startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { tagsOf } from '../../../src/providers/aws/aws-instance.js';
import { type AwsRegistration, type AwsRegistrationContext, createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { VOLUME_TAGS, pendingAttachIds } from '../../../src/providers/aws/aws-volume.js';
import type { WarmVolumesResult } from '../../../src/providers/aws/warm-volumes-workflow.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { spawnOptions } from './aws-test-bed.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' };
const IMAGE = 'ami-0123456789abcdef0';

interface Pool {
  zone: string;
  sizeGiB: number;
  target: number;
}

interface WarmBed {
  emulator: RunningEc2Emulator;
  ec2: EC2Client;
  clock: number;
  /** One control-plane process; several share the same cloud. */
  register(pools?: Pool[], context?: AwsRegistrationContext): AwsRegistration;
  close(): Promise<void>;
}

const startBed = useTestBed(async (): Promise<WarmBed> => {
  const bed = { clock: Date.UTC(2025, 0, 1, 12, 30) } as WarmBed;
  const emulator = await startEc2Emulator({ seed: 7, bootDelayMs: 1_000, terminateDelayMs: 2_000, volumeDelayMs: 500, now: () => bed.clock });
  const registrations: AwsRegistration[] = [];
  const ec2 = new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
  return Object.assign(bed, {
    emulator,
    ec2,
    register: (pools: Pool[] = [], context: AwsRegistrationContext = {}) => {
      const config = AwsConfigSchema.parse({
        regions: ['us-east-1', 'us-west-2'],
        endpoint: emulator.url,
        pricing: { enabled: false },
        warmVolumes: { pools: pools.map((pool) => ({ region: 'us-east-1', ...pool })) },
      });
      const registration = createAwsRegistration(config, {
        credentials: CREDENTIALS,
        now: () => bed.clock,
        volumes: { attach: { pollMs: 5, maxPollMs: 10 }, claimGraceMs: 60_000 },
        ...context,
      });
      registrations.push(registration);
      return registration;
    },
    close: async () => {
      ec2.destroy();
      for (const registration of registrations) await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  });
});

async function workflow(registration: AwsRegistration, action: 'status' | 'replenish'): Promise<WarmVolumesResult> {
  const flow = registration.workflows?.['warm-volumes'];
  if (flow === undefined) throw new Error('no warm-volumes workflow');
  return (await flow.run({ action })) as WarmVolumesResult;
}

async function volume(bed: WarmBed, id: string): Promise<Volume | undefined> {
  return (await bed.ec2.send(new DescribeVolumesCommand({ VolumeIds: [id] }))).Volumes?.[0];
}

async function warmVolumes(bed: WarmBed): Promise<Volume[]> {
  return (await bed.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag-key', Values: [VOLUME_TAGS.warmPool, VOLUME_TAGS.warmOrigin] }] }))).Volumes ?? [];
}

describe('aws provider: warm volume pools', () => {
  it('the reconcile heartbeat fills each pool to its target, counting creating volumes, and trims extras', async () => {
    const bed = await startBed();
    const registration = bed.register([
      { zone: 'us-east-1b', sizeGiB: 20, target: 3 },
      { zone: 'us-east-1c', sizeGiB: 50, target: 1 },
    ]);
    const beat = await registration.hooks.onHeartbeat?.('reconcile');
    expect(beat).toMatchObject({ task: 'reconcile', ok: true });
    expect(beat?.message).toContain('created 4');
    const status = await workflow(registration, 'status');
    expect(status).toEqual({
      action: 'status',
      pools: [
        { region: 'us-east-1', zone: 'us-east-1b', sizeGiB: 20, target: 3, available: 0, creating: 3, claimed: 0 },
        { region: 'us-east-1', zone: 'us-east-1c', sizeGiB: 50, target: 1, available: 0, creating: 1, claimed: 0 },
      ],
    });
    const again = await workflow(registration, 'replenish');
    expect(again).toMatchObject({ action: 'replenish', created: [], deleted: [], reclaimed: [] });
    bed.clock += 500;
    const pool = (await warmVolumes(bed)).filter((v) => v.AvailabilityZone === 'us-east-1b');
    expect(pool.map((v) => [v.State, v.Size, v.VolumeType, tagsOf(v.Tags)[VOLUME_TAGS.warmPool]])).toEqual(
      Array.from({ length: 3 }, () => ['available', 20, 'gp3', 'us-east-1b/20']),
    );

    // The operator lowers one target and drops the other pool: the extras go.
    const smaller = bed.register([{ zone: 'us-east-1b', sizeGiB: 20, target: 1 }]);
    const trimmed = await workflow(smaller, 'replenish');
    expect(trimmed.action === 'replenish' && trimmed.deleted.length).toBe(3);
    expect(trimmed.pools).toEqual([{ region: 'us-east-1', zone: 'us-east-1b', sizeGiB: 20, target: 1, available: 1, creating: 0, claimed: 0 }]);
  });

  it('a warm spawn claims a pool volume in the zone that has one, attaches it once running, and the pool refills', async () => {
    const bed = await startBed();
    const registration = bed.register([{ zone: 'us-east-1b', sizeGiB: 20, target: 2 }]);
    await workflow(registration, 'replenish');
    bed.clock += 500;
    const provider = registration.provider;
    const options = spawnOptions({ volumes: [{ warm: { sizeGiB: 20 } }] });
    const instance = await provider.spawn(options);
    expect(instance.zone).toBe('us-east-1b');
    const [claimedId] = pendingAttachIds(instance.tags);
    const claimed = await volume(bed, claimedId ?? '');
    expect(tagsOf(claimed?.Tags)).toMatchObject({ [VOLUME_TAGS.claimedBy]: options.ownership.instanceId, [VOLUME_TAGS.warmOrigin]: 'us-east-1b/20' });
    expect(tagsOf(claimed?.Tags)[VOLUME_TAGS.warmPool]).toBeUndefined();
    bed.clock += 1_000;
    await waitFor('warm volume attached', async () => ((await provider.getVolume(claimedId ?? ''))?.attachedTo.includes(instance.providerId) ? true : undefined));
    expect(await workflow(registration, 'status')).toMatchObject({ pools: [{ available: 1, creating: 0, claimed: 1 }] });
    const refill = await workflow(registration, 'replenish');
    expect(refill).toMatchObject({ created: [expect.stringMatching(/^vol-/)], pools: [{ available: 1, creating: 1, claimed: 1 }] });
  });

  it('two control planes claiming the last pool volume at once: one gets it, the other detects the loss and falls back', async () => {
    const bed = await startBed();
    const pools = [{ zone: 'us-east-1a', sizeGiB: 30, target: 1 }];
    const [a, b] = [bed.register(pools), bed.register(pools)];
    await workflow(a, 'replenish');
    bed.clock += 500;
    const [poolVolume] = (await warmVolumes(bed)).map((v) => v.VolumeId);
    const spawned = await Promise.all([a, b].map((r) => r.provider.spawn(spawnOptions({ zone: 'us-east-1a', volumes: [{ warm: { sizeGiB: 30 } }] }))));
    const ids = spawned.map((instance) => pendingAttachIds(instance.tags)[0]);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toContain(poolVolume);
    bed.clock += 1_000;
    await waitFor('both attached', async () => {
      const volumes = await Promise.all(ids.map((id) => a.provider.getVolume(id ?? '')));
      return volumes.every((v, n) => v?.attachedTo.includes(spawned[n]?.providerId ?? '')) ? true : undefined;
    });
  });

  it('with no warm volume left the spawn still gets one: created on the spot, in the first zone when none was asked for', async () => {
    const bed = await startBed();
    const registration = bed.register();
    const options = spawnOptions({ volumes: [{ warm: { sizeGiB: 40 } }] });
    const instance = await registration.provider.spawn(options);
    expect(instance.zone).toBe('us-east-1a');
    const [id] = pendingAttachIds(instance.tags);
    expect(tagsOf((await volume(bed, id ?? ''))?.Tags)).toMatchObject({ [VOLUME_TAGS.claimedBy]: options.ownership.instanceId, [VOLUME_TAGS.warmOrigin]: 'us-east-1a/40' });
    bed.clock += 1_000; // running, and the volume is created
    await waitFor('created volume attached', async () => ((await registration.provider.getVolume(id ?? ''))?.attachedTo.includes(instance.providerId) ? true : undefined));
  });

  it('a claim that lost at attach time (another machine holds the volume) gets a fresh volume in its place', async () => {
    const bed = await startBed();
    const pools = [{ zone: 'us-east-1a', sizeGiB: 10, target: 1 }];
    const registration = bed.register(pools, { volumes: { attach: { timeoutMs: 0 } } });
    await workflow(registration, 'replenish');
    bed.clock += 500;
    const instance = await registration.provider.spawn(spawnOptions({ volumes: [{ warm: { sizeGiB: 10 } }] }));
    const [claimedId] = pendingAttachIds(instance.tags);
    const thief = await bed.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: IMAGE, InstanceType: 'g5.xlarge', Placement: { AvailabilityZone: 'us-east-1a' } }));
    bed.clock += 1_000;
    await bed.ec2.send(new AttachVolumeCommand({ VolumeId: claimedId, InstanceId: thief.Instances?.[0]?.InstanceId, Device: '/dev/sdf' }));
    const healer = bed.register(pools);
    await healer.provider.list();
    await healer.hooks.onHeartbeat?.('reconcile');
    const retagged = await healer.provider.get(instance.providerId);
    const [replacement] = pendingAttachIds(retagged?.tags ?? {});
    expect(replacement).not.toBe(claimedId);
    bed.clock += 500;
    await healer.provider.list();
    await healer.hooks.onHeartbeat?.('reconcile');
    bed.clock += 500;
    expect((await healer.provider.getVolume(replacement ?? ''))?.attachedTo).toEqual([instance.providerId]);
  });

  it('reclaims claimed volumes whose instance is gone (after the grace), never pool or persistent volumes', async () => {
    const bed = await startBed();
    const registration = bed.register([{ zone: 'us-east-1a', sizeGiB: 10, target: 1 }]);
    await workflow(registration, 'replenish');
    bed.clock += 500;
    const persistent = await registration.provider.createVolume({ name: 'keep', region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 10 });
    const instance = await registration.provider.spawn(spawnOptions({ volumes: [{ warm: { sizeGiB: 10 } }, { providerVolumeId: persistent.providerVolumeId }] }));
    const [warmId] = pendingAttachIds(instance.tags);
    bed.clock += 1_000;
    await waitFor('attached', async () => ((await registration.provider.getVolume(warmId ?? ''))?.attachedTo.length === 1 ? true : undefined));
    await registration.provider.terminate(instance.providerId);
    bed.clock += 2_000; // terminated: both volumes detached
    const early = await workflow(registration, 'replenish');
    expect(early).toMatchObject({ reclaimed: [] }); // within the grace of the claim
    bed.clock += 60_000;
    const late = await workflow(registration, 'replenish');
    expect(late).toMatchObject({ reclaimed: [warmId], deleted: [] });
    expect((await registration.provider.getVolume(persistent.providerVolumeId))?.status).toBe('available');
    expect(late.pools).toEqual([expect.objectContaining({ available: 1, claimed: 0 })]);
  });

  it('refuses bad workflow input with INVALID_SPEC', async () => {
    const bed = await startBed();
    const flow = bed.register().workflows?.['warm-volumes'];
    const error = await flow?.run({ action: 'drain' }).catch((caught: unknown) => caught);
    expect((error as ProviderError).code).toBe('INVALID_SPEC');
  });
});
