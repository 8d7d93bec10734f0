import { CreateVolumeCommand, DeleteVolumeCommand, type Filter } from '@aws-sdk/client-ec2';
import {
  OWNERSHIP_TAGS,
  ProviderError,
  type ProviderVolume,
  type SpawnOptions,
  type VolumeOptions,
  VolumeOptionsSchema,
  isWarmVolumeRequest,
  readOrSkip,
  type SkippedEntryLog,
} from '../../contracts/index.js';
import { type AWSInstance, toTagList } from './aws-instance.js';
import { VOLUME_TAGS, attachVolumeTags, holdingInstanceIds, pendingAttachIds, toProviderVolume } from './aws-volume.js';
import { EbsCalls } from './ebs-calls.js';
import { type Ec2Clients, sendOptions } from './ec2-clients.js';
import { ec2Error, isEc2Outcome } from './ec2-errors.js';
import { RegionMemo } from './region-memo.js';
import { VolumeAttacher, type VolumeAttacherOptions } from './volume-attacher.js';
import { type WarmPoolSpec, WarmVolumePool } from './warm-volume-pool.js';

export interface AwsVolumesOptions {
  clients: Ec2Clients;
  /** The ownership marker of volumes Hangar creates without being told an owner (warm pools). */
  owner?: string;
  warmPools?: readonly WarmPoolSpec[];
  now?: () => number;
  /** How long a claimed warm volume whose instance cannot be found is kept before reclaim deletes it. */
  claimGraceMs?: number;
  attach?: Partial<Pick<VolumeAttacherOptions, 'pollMs' | 'maxPollMs' | 'timeoutMs'>>;
  /**
   * How often the reconcile heartbeat tends the warm pools (reclaim, top up, trim): that pass reads
   * every owned volume, so it runs on its own cadence rather than on every reconcile.
   */
  poolPassIntervalMs?: number;
  /** Where listed volumes Hangar cannot read are recorded (skipped, never fatal). */
  skippedEntries?: SkippedEntryLog;
}

export const DEFAULT_POOL_PASS_INTERVAL_MS = 60_000;

export const DEFAULT_VOLUME_OWNER = 'hangar';

function invalidSpec(message: string): ProviderError {
  return new ProviderError({ code: 'INVALID_SPEC', provider: 'aws', message });
}

/**
 * EBS data volumes for the AWS provider: the `persistentVolumes` methods, the volumes a spawn asks for,
 * the attacher that gives them to the machine once it runs, and the warm pools.
 */
export class AwsVolumes {
  readonly ebs: EbsCalls;
  readonly attacher: VolumeAttacher;
  readonly pool: WarmVolumePool;
  readonly owner: string;
  private readonly regions = new RegionMemo();
  private lastPoolPassAt: number | null = null;

  constructor(private readonly options: AwsVolumesOptions) {
    this.ebs = new EbsCalls(options.clients);
    this.owner = options.owner ?? DEFAULT_VOLUME_OWNER;
    const now = options.now ?? Date.now;
    this.pool = new WarmVolumePool({
      ebs: this.ebs,
      owner: this.owner,
      pools: options.warmPools ?? [],
      now,
      ...(options.claimGraceMs !== undefined && { claimGraceMs: options.claimGraceMs }),
    });
    this.attacher = new VolumeAttacher({ ebs: this.ebs, pool: this.pool, ...options.attach });
  }

  private get clients(): Ec2Clients {
    return this.options.clients;
  }

  async createVolume(raw: VolumeOptions, signal?: AbortSignal): Promise<ProviderVolume> {
    const parsed = VolumeOptionsSchema.safeParse(raw);
    if (!parsed.success) throw invalidSpec(`aws: volume options: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const options = parsed.data;
    const client = this.clients.of(options.region);
    const zone = options.zone ?? (await this.ebs.firstZone(options.region, signal));
    // The marks last, so no caller tag can overwrite what listing and reclaim depend on.
    const tags = { ...options.tags, Name: options.name, [VOLUME_TAGS.name]: options.name, [OWNERSHIP_TAGS.owner]: options.owner };
    const created = await client
      .send(
        new CreateVolumeCommand({
          AvailabilityZone: zone,
          Size: options.sizeGiB,
          VolumeType: 'gp3',
          TagSpecifications: [{ ResourceType: 'volume', Tags: toTagList(tags) }],
        }),
        sendOptions(signal),
      )
      .catch((error: unknown) => {
        throw ec2Error('CreateVolume', options.region, error);
      });
    const volume = toProviderVolume(created, options.region);
    this.regions.remember(volume.providerVolumeId, options.region);
    return volume;
  }

  async getVolume(providerVolumeId: string, signal?: AbortSignal): Promise<ProviderVolume | null> {
    for (const region of this.regions.candidates(providerVolumeId, this.clients.regions)) {
      const volume = await this.ebs.describeVolume(region, providerVolumeId, signal);
      if (volume === null) continue;
      this.regions.remember(providerVolumeId, region);
      return toProviderVolume(volume, region);
    }
    return null;
  }

  /** Every Hangar volume (it has a Hangar name; root volumes carry the owner mark but no name), in every region. */
  async listVolumes(filter?: { owner?: string }, signal?: AbortSignal): Promise<ProviderVolume[]> {
    const filters: Filter[] = [
      filter?.owner === undefined ? { Name: 'tag-key', Values: [OWNERSHIP_TAGS.owner] } : { Name: `tag:${OWNERSHIP_TAGS.owner}`, Values: [filter.owner] },
      { Name: 'tag-key', Values: [VOLUME_TAGS.name] },
    ];
    const perRegion = await Promise.all(
      this.clients.regions.map(async (region) =>
        (await this.ebs.describeVolumes(region, filters, signal)).flatMap(
          (volume) => readOrSkip(this.options.skippedEntries, 'volume', volume.VolumeId ?? null, () => toProviderVolume(volume, region)) ?? [],
        ),
      ),
    );
    for (const volume of perRegion.flat()) this.regions.remember(volume.providerVolumeId, volume.region);
    return perRegion.flat();
  }

  /** Idempotent: unknown, malformed or already deleted is success; attached is INVALID_SPEC (EC2's VolumeInUse). */
  async deleteVolume(providerVolumeId: string, signal?: AbortSignal): Promise<void> {
    for (const region of this.regions.candidates(providerVolumeId, this.clients.regions)) {
      try {
        await this.clients.of(region).send(new DeleteVolumeCommand({ VolumeId: providerVolumeId }), sendOptions(signal));
        return;
      } catch (error) {
        if (isEc2Outcome(error, 'NOT_FOUND')) continue;
        throw ec2Error('DeleteVolume', region, error);
      }
    }
  }

  /**
   * Resolves the volumes a spawn asks for before RunInstances: an existing volume fixes the zone; a
   * warm request claims a pool volume (or creates one). The ids go on the instance as a tag, so the
   * intent to attach survives a crash of this process (the reconcile heartbeat finishes it).
   */
  async prepareSpawn(options: SpawnOptions, signal?: AbortSignal): Promise<SpawnOptions> {
    const requests = options.volumes ?? [];
    if (requests.length === 0) return options;
    const { region } = options;
    this.clients.of(region); // an unconfigured region is INVALID_SPEC before anything is claimed
    let zone = options.zone;
    // In request order, so devices follow the order the caller gave (/dev/sdf first).
    const volumeIds: (string | undefined)[] = requests.map(() => undefined);
    for (const [index, request] of requests.entries()) {
      if (isWarmVolumeRequest(request)) continue;
      const id = request.providerVolumeId;
      if (volumeIds.includes(id)) throw invalidSpec(`aws: volume ${id} is asked for twice`);
      const volume = await this.ebs.describeVolume(region, id, signal);
      if (volume === null) throw invalidSpec(`aws: volume ${id} does not exist in ${region}`);
      const volumeZone = volume.AvailabilityZone ?? '';
      if (zone !== null && zone !== volumeZone) throw invalidSpec(`aws: volume ${id} is in ${volumeZone}, the spawn asks for ${zone}: an EBS volume attaches only in its own zone`);
      const holders = holdingInstanceIds(volume);
      if (holders.length > 0) throw invalidSpec(`aws: volume ${id} is attached to ${holders.join(', ')}`);
      if (volume.State !== 'available' && volume.State !== 'creating') throw invalidSpec(`aws: volume ${id} is ${volume.State ?? 'in an unknown state'}`);
      zone = volumeZone;
      volumeIds[index] = id;
    }
    const firstWarm = requests.find(isWarmVolumeRequest);
    if (firstWarm !== undefined) {
      zone ??= (await this.pool.preferredZone(region, firstWarm.warm.sizeGiB, signal)) ?? (await this.ebs.firstZone(region, signal));
      for (const [index, request] of requests.entries()) {
        if (!isWarmVolumeRequest(request)) continue;
        const claimed = await this.pool.claim({
          region,
          zone,
          sizeGiB: request.warm.sizeGiB,
          claimant: options.ownership.instanceId,
          token: `${options.idempotencyToken}#${index}`,
          exclude: volumeIds.filter((id): id is string => id !== undefined),
          ...(signal !== undefined && { signal }),
        });
        volumeIds[index] = claimed.volumeId;
      }
    }
    const ordered = volumeIds.filter((id): id is string => id !== undefined);
    return { ...options, zone, tags: { ...options.tags, ...attachVolumeTags(ordered) } };
  }

  /** Starts giving the launched machine its volumes in the background (the reconcile heartbeat finishes what this misses). */
  afterLaunch(instance: AWSInstance): AWSInstance {
    if (pendingAttachIds(instance.tags).length > 0) this.attacher.start(instance.region, instance.providerId);
    return instance;
  }

  /** The reconcile heartbeat's share: pending attachments, then the warm pools. */
  async reconcile(): Promise<{ ok: boolean; message: string }> {
    const attach = await this.attacher.reconcile();
    const now = (this.options.now ?? Date.now)();
    const poolPassDue = this.lastPoolPassAt === null || now - this.lastPoolPassAt >= (this.options.poolPassIntervalMs ?? DEFAULT_POOL_PASS_INTERVAL_MS);
    if (!poolPassDue) {
      return { ok: attach.problems.length === 0, message: [`attached ${attach.attached.length} pending volume(s)`, ...attach.problems].join('; ') };
    }
    this.lastPoolPassAt = now;
    const pools = await this.pool.replenish();
    const problems = [...attach.problems, ...pools.problems];
    const parts = [
      `attached ${attach.attached.length} pending volume(s)`,
      `warm pools: created ${pools.created.length}, deleted ${pools.deleted.length} extra, reclaimed ${pools.reclaimed.length}`,
      ...problems,
    ];
    return { ok: problems.length === 0, message: parts.join('; ') };
  }
}
