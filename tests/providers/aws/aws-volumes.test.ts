import { AttachVolumeCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { OWNERSHIP_TAGS, type ProviderError } from '../../../src/contracts/index.js';
import { type RunningEc2Emulator, startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { type AwsRegistration, type AwsRegistrationContext, createAwsRegistration } from '../../../src/providers/aws/aws-registration.js';
import { VOLUME_TAGS, attachVolumeTags, pendingAttachIds } from '../../../src/providers/aws/aws-volume.js';
import { ec2ErrorRow } from '../../../src/providers/aws/ec2-errors.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { spawnOptions } from './aws-test-bed.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' };
const FAST_ATTACH = { attach: { pollMs: 5, maxPollMs: 10 } };

interface VolumeBed {
  emulator: RunningEc2Emulator;
  registration: AwsRegistration;
  ec2: EC2Client;
  clock: number;
  /** Another control-plane process on the same cloud (closed with the bed). */
  restart(context?: AwsRegistrationContext): AwsRegistration;
  close(): Promise<void>;
}

const startBed = useTestBed(async (context: AwsRegistrationContext = {}): Promise<VolumeBed> => {
  const bed = { clock: Date.UTC(2025, 0, 1, 12, 30) } as VolumeBed;
  const emulator = await startEc2Emulator({ seed: 7, bootDelayMs: 1_000, terminateDelayMs: 2_000, volumeDelayMs: 500, now: () => bed.clock });
  const config = AwsConfigSchema.parse({ regions: ['us-east-1', 'us-west-2'], endpoint: emulator.url, pricing: { enabled: false } });
  const registrations: AwsRegistration[] = [];
  const register = (extra: AwsRegistrationContext = {}) => {
    const registration = createAwsRegistration(config, { credentials: CREDENTIALS, now: () => bed.clock, volumes: FAST_ATTACH, ...context, ...extra });
    registrations.push(registration);
    return registration;
  };
  const ec2 = new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
  return Object.assign(bed, {
    emulator,
    ec2,
    registration: register(),
    restart: register,
    close: async () => {
      ec2.destroy();
      for (const registration of registrations) await registration.hooks.onShutdown?.();
      await emulator.close();
    },
  });
});

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error as ProviderError).code,
  );

describe('aws provider: persistent volumes', () => {
  it('creates (zone null = the region’s first zone), gets, lists by owner and deletes idempotently', async () => {
    const bed = await startBed();
    const provider = bed.registration.provider;
    expect(provider.capabilities.persistentVolumes).toBe(true);
    expect(provider.capabilities.warmVolumes).toBe(true);
    const volume = await provider.createVolume({ name: 'datasets', region: 'us-east-1', sizeGiB: 100, tags: { team: 'ml' } });
    expect(volume).toMatchObject({ name: 'datasets', region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 100, status: 'creating', attachedTo: [] });
    expect(volume.tags).toMatchObject({ team: 'ml', [OWNERSHIP_TAGS.owner]: 'hangar', [VOLUME_TAGS.name]: 'datasets' });
    expect(volume.createdAt).toBe(new Date(bed.clock).toISOString());
    const west = await provider.createVolume({ name: 'west', region: 'us-west-2', zone: 'us-west-2b', sizeGiB: 10, owner: 'other' });
    expect(west.zone).toBe('us-west-2b');
    await provider.spawn(spawnOptions()); // its root volume carries the owner mark but is no Hangar volume

    bed.clock += 500;
    expect((await provider.getVolume(volume.providerVolumeId))?.status).toBe('available');
    expect((await provider.getVolume(west.providerVolumeId))?.region).toBe('us-west-2');
    expect(await provider.getVolume('vol-0123456789abcdef0')).toBeNull();
    expect(await provider.getVolume('vol-hangar-no-such-volume')).toBeNull();
    expect((await provider.listVolumes()).map((v) => v.providerVolumeId).sort()).toEqual([volume.providerVolumeId, west.providerVolumeId].sort());
    expect((await provider.listVolumes({ owner: 'other' })).map((v) => v.providerVolumeId)).toEqual([west.providerVolumeId]);

    await provider.deleteVolume(volume.providerVolumeId);
    expect((await provider.getVolume(volume.providerVolumeId))?.status).toBe('deleting');
    await provider.deleteVolume(volume.providerVolumeId);
    bed.clock += 500;
    await provider.deleteVolume(volume.providerVolumeId);
    await provider.deleteVolume('vol-hangar-no-such-volume');
    expect(await provider.getVolume(volume.providerVolumeId)).toBeNull();
    expect(await codeOf(provider.createVolume({ name: 'x', region: 'eu-west-1', sizeGiB: 10 }))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.createVolume({ name: 'x', region: 'us-east-1', zone: 'us-west-2a', sizeGiB: 10 }))).toBe('INVALID_SPEC');
  });

  it('spawns with a volume: lands in its zone, attaches once running, refuses deletion while attached, keeps it after terminate', async () => {
    const bed = await startBed();
    const provider = bed.registration.provider;
    const volume = await provider.createVolume({ name: 'home', region: 'us-east-1', zone: 'us-east-1c', sizeGiB: 20 });
    bed.clock += 500;
    const instance = await provider.spawn(spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
    expect(instance.zone).toBe('us-east-1c');
    expect(pendingAttachIds(instance.tags)).toEqual([volume.providerVolumeId]);
    bed.clock += 1_000;
    const attached = await waitFor('attached', async () => {
      const current = await provider.getVolume(volume.providerVolumeId);
      return current?.attachedTo.includes(instance.providerId) ? current : undefined;
    });
    expect(attached.status).toBe('in-use');
    bed.clock += 500;
    const machine = await provider.get(instance.providerId);
    expect(machine?.volumes).toContainEqual({ deviceName: '/dev/sdf', volumeId: volume.providerVolumeId, root: false });
    expect(await codeOf(provider.deleteVolume(volume.providerVolumeId))).toBe('INVALID_SPEC');

    // The heartbeat finds nothing left to do: an attachment is never made twice.
    const heartbeat = await bed.registration.hooks.onHeartbeat?.('reconcile');
    expect(heartbeat).toMatchObject({ task: 'reconcile', ok: true });
    expect(heartbeat?.message).toContain('attached 0 pending');

    await provider.terminate(instance.providerId);
    bed.clock += 2_000;
    expect(await provider.getVolume(volume.providerVolumeId)).toMatchObject({ status: 'available', attachedTo: [] });
    await provider.deleteVolume(volume.providerVolumeId);
  });

  it('requestSpotInstance keeps its volumes as spawn does: in the volume’s zone, attached once running; a zone conflict is INVALID_SPEC', async () => {
    const bed = await startBed();
    const provider = bed.registration.provider;
    const volume = await provider.createVolume({ name: 'scratch', region: 'us-east-1', zone: 'us-east-1b', sizeGiB: 20 });
    bed.clock += 500;
    const request = await provider.requestSpotInstance({ ...spawnOptions({ spot: true, volumes: [{ providerVolumeId: volume.providerVolumeId }] }), maxPricePerHour: null });
    expect(request.status).toBe('fulfilled');
    const launched = await provider.get(request.providerInstanceId ?? '');
    expect(launched).toMatchObject({ zone: 'us-east-1b', spot: true });
    expect(pendingAttachIds(launched?.tags ?? {})).toEqual([volume.providerVolumeId]);
    bed.clock += 1_000;
    const attached = await waitFor('attached', async () => {
      const current = await provider.getVolume(volume.providerVolumeId);
      return current?.attachedTo.includes(request.providerInstanceId ?? '') ? current : undefined;
    });
    expect(attached.status).toBe('in-use');
    bed.clock += 500;
    expect((await provider.get(request.providerInstanceId ?? ''))?.volumes).toContainEqual({ deviceName: '/dev/sdf', volumeId: volume.providerVolumeId, root: false });

    const other = await provider.createVolume({ name: 'elsewhere', region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 20 });
    bed.clock += 500;
    const conflicting = { ...spawnOptions({ spot: true, zone: 'us-east-1c', volumes: [{ providerVolumeId: other.providerVolumeId }] }), maxPricePerHour: null };
    expect(await codeOf(provider.requestSpotInstance(conflicting))).toBe('INVALID_SPEC');
  });

  it('refuses unknown volumes, zone conflicts, volumes attached elsewhere and the same volume twice (INVALID_SPEC)', async () => {
    const bed = await startBed();
    const provider = bed.registration.provider;
    expect(await codeOf(provider.spawn(spawnOptions({ volumes: [{ providerVolumeId: 'vol-hangar-no-such-volume' }] })))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.spawn(spawnOptions({ volumes: [{ providerVolumeId: 'vol-0123456789abcdef0' }] })))).toBe('INVALID_SPEC');
    const volume = await provider.createVolume({ name: 'a', region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 10 });
    expect(await codeOf(provider.spawn(spawnOptions({ zone: 'us-east-1b', volumes: [{ providerVolumeId: volume.providerVolumeId }] })))).toBe('INVALID_SPEC');
    expect(await codeOf(provider.spawn(spawnOptions({ region: 'us-west-2', volumes: [{ providerVolumeId: volume.providerVolumeId }] })))).toBe('INVALID_SPEC');
    const twice = { volumes: [{ providerVolumeId: volume.providerVolumeId }, { providerVolumeId: volume.providerVolumeId }] };
    expect(await codeOf(provider.spawn(spawnOptions(twice)))).toBe('INVALID_SPEC');
    bed.clock += 500;
    const other = await bed.ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, ImageId: 'ami-0123456789abcdef0', InstanceType: 'g5.xlarge', Placement: { AvailabilityZone: 'us-east-1a' } }));
    bed.clock += 1_000;
    await bed.ec2.send(new AttachVolumeCommand({ VolumeId: volume.providerVolumeId, InstanceId: other.Instances?.[0]?.InstanceId, Device: '/dev/sdh' }));
    expect(await codeOf(provider.spawn(spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] })))).toBe('INVALID_SPEC');
    expect((await provider.list()).length).toBe(1); // only the machine launched by hand
  });

  it('a pending attachment survives a control-plane crash: a fresh registration’s reconcile finishes it, once', async () => {
    const bed = await startBed({ volumes: { attach: { timeoutMs: 0 } } }); // the after-spawn task gives up at once, like a crash
    const first = bed.registration.provider;
    const volumes = await Promise.all([1, 2].map((n) => first.createVolume({ name: `v${n}`, region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 10 })));
    const instance = await first.spawn(spawnOptions({ volumes: volumes.map((v) => ({ providerVolumeId: v.providerVolumeId })) }));
    bed.clock += 1_000;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await first.getVolume(volumes[0]?.providerVolumeId ?? ''))?.attachedTo).toEqual([]);

    const restarted = bed.restart({ volumes: FAST_ATTACH });
    // The control plane's reconcile lists every machine; the listing is how the fresh process learns what is left to attach.
    await restarted.provider.list();
    const healed = await restarted.hooks.onHeartbeat?.('reconcile');
    expect(healed).toMatchObject({ ok: true });
    expect(healed?.message).toContain('attached 2 pending');
    bed.clock += 500;
    const machine = await restarted.provider.get(instance.providerId);
    expect(machine?.volumes.filter((v) => !v.root).map((v) => [v.deviceName, v.volumeId])).toEqual([
      ['/dev/sdf', volumes[0]?.providerVolumeId],
      ['/dev/sdg', volumes[1]?.providerVolumeId],
    ]);
    await restarted.provider.list();
    const again = await restarted.hooks.onHeartbeat?.('reconcile');
    expect(again?.message).toContain('attached 0 pending');
  });

  it('encodes long attach lists over several tags (EC2 tag values hold 256 characters)', () => {
    const ids = Array.from({ length: 16 }, (_, n) => `vol-${String(n).padStart(17, '0')}`);
    const tags = attachVolumeTags(ids);
    expect(Object.keys(tags)).toEqual([VOLUME_TAGS.attachVolumes, `${VOLUME_TAGS.attachVolumes}-2`]);
    for (const value of Object.values(tags)) expect(value.length).toBeLessThanOrEqual(256);
    expect(pendingAttachIds({ ...tags, Name: 'x' })).toEqual(ids);
  });

  it('maps the EBS error codes through the one table', () => {
    expect(ec2ErrorRow('VolumeInUse')?.outcome).toBe('INVALID_SPEC');
    expect(ec2ErrorRow('IncorrectState')?.outcome).toBe('INVALID_SPEC');
    // The instance between states is not a verdict on the request; the attacher reads the code itself and waits.
    expect(ec2ErrorRow('IncorrectInstanceState')).toBeUndefined();
    expect(ec2ErrorRow('InvalidVolume.ZoneMismatch')?.outcome).toBe('INVALID_SPEC');
    expect(ec2ErrorRow('InvalidVolume.NotFound')?.outcome).toBe('NOT_FOUND');
    expect(ec2ErrorRow('InvalidVolumeID.Malformed')?.outcome).toBe('NOT_FOUND');
    expect(ec2ErrorRow('InvalidAttachment.NotFound')?.outcome).toBe('NOT_FOUND');
  });
});
