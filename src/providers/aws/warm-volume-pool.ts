import { createHash } from 'node:crypto';
import { CreateVolumeCommand, DeleteVolumeCommand, DescribeInstancesCommand, type Volume, type VolumeType } from '@aws-sdk/client-ec2';
import { OWNERSHIP_TAGS } from '../../contracts/index.js';
import { tagsOf, toTagList } from './aws-instance.js';
import { VOLUME_TAGS, holdingInstanceIds, warmPoolKey } from './aws-volume.js';
import type { EbsCalls } from './ebs-calls.js';
import { sendOptions } from './ec2-clients.js';
import { ec2Error, isEc2Outcome } from './ec2-errors.js';

export interface WarmPoolSpec {
  region: string;
  zone: string;
  sizeGiB: number;
  volumeType?: string;
  /** How many unclaimed volumes (available or still creating) the pool keeps. */
  target: number;
}

export interface WarmPoolCounts {
  region: string;
  zone: string;
  sizeGiB: number;
  target: number;
  available: number;
  creating: number;
  claimed: number;
}

export interface ReplenishReport {
  pools: WarmPoolCounts[];
  created: string[];
  /** Unclaimed volumes beyond a pool's target (or of a pool no longer configured). */
  deleted: string[];
  /** Claimed volumes whose instance is gone: they held that instance's data and die with it. */
  reclaimed: string[];
  problems: string[];
}

export interface WarmClaimRequest {
  region: string;
  zone: string;
  sizeGiB: number;
  /** The Hangar instance id the volume is for. */
  claimant: string;
  /** Stable across retries of one spawn: the fallback CreateVolume's ClientToken derives from it. */
  token: string;
  /** Volumes this spawn already holds. */
  exclude: readonly string[];
  /** The spawn's signal: an abort stops the claim between its calls (a claim half made is reclaimed after the grace). */
  signal?: AbortSignal;
}

export interface WarmClaim {
  volumeId: string;
  source: 'warm' | 'created';
}

/** How many pool volumes one claim tries before it creates one. */
const CLAIM_ATTEMPTS = 3;

function clientToken(seed: string): string {
  return `hangar-${createHash('sha256').update(seed, 'utf8').digest('hex').slice(0, 48)}`;
}

/**
 * Pools of pre-created, unattached EBS volumes per zone and size, so a spawn gets its volume without
 * waiting for EC2 to create one. The state lives in EC2 tags only (no table), so every control-plane
 * replica sees the same pools and a crash loses nothing.
 */
export class WarmVolumePool {
  private readonly claimGraceMs: number;

  constructor(
    private readonly options: {
      ebs: EbsCalls;
      owner: string;
      pools: readonly WarmPoolSpec[];
      now: () => number;
      claimGraceMs?: number;
    },
  ) {
    this.claimGraceMs = options.claimGraceMs ?? 10 * 60_000;
  }

  get pools(): readonly WarmPoolSpec[] {
    return this.options.pools;
  }

  private get ebs(): EbsCalls {
    return this.options.ebs;
  }

  /** The zone of the region with the most unclaimed volumes of that size, or null when none has one. */
  async preferredZone(region: string, sizeGiB: number, signal?: AbortSignal): Promise<string | null> {
    const volumes = await this.ebs.describeVolumes(
      region,
      [
        { Name: `tag:${OWNERSHIP_TAGS.owner}`, Values: [this.options.owner] },
        { Name: `tag:${VOLUME_TAGS.warmPool}`, Values: [`*/${sizeGiB}`] },
        { Name: 'status', Values: ['available'] },
      ],
      signal,
    );
    const counts = new Map<string, number>();
    for (const volume of volumes) if (volume.AvailabilityZone !== undefined) counts.set(volume.AvailabilityZone, (counts.get(volume.AvailabilityZone) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    return best?.[0] ?? null;
  }

  /**
   * Claims an unclaimed pool volume: tag it `claimed-by`, untag it from the pool, read it back. A
   * claimer that reads someone else's id lost the race and tries another. When no pool volume is
   * left, a volume is created on the spot (slower, but the spawn still gets its volume). Two claimers
   * that both read their own id (their reads interleaved) are settled at attach time: EC2 attaches a
   * volume once, and the attacher gives the loser a fresh one.
   */
  async claim(request: WarmClaimRequest): Promise<WarmClaim> {
    const { region, zone, sizeGiB, claimant, signal } = request;
    const key = warmPoolKey(zone, sizeGiB);
    // A retried spawn finds what its first attempt claimed.
    const mine = await this.ebs.describeVolumes(
      region,
      [
        { Name: `tag:${VOLUME_TAGS.claimedBy}`, Values: [claimant] },
        { Name: `tag:${VOLUME_TAGS.warmOrigin}`, Values: [key] },
      ],
      signal,
    );
    const earlier = mine.find((volume) => volume.VolumeId !== undefined && !request.exclude.includes(volume.VolumeId) && holdingInstanceIds(volume).length === 0);
    if (earlier?.VolumeId !== undefined) return { volumeId: earlier.VolumeId, source: 'warm' };

    const candidates = (
      await this.ebs.describeVolumes(
        region,
        [
          { Name: `tag:${OWNERSHIP_TAGS.owner}`, Values: [this.options.owner] },
          { Name: `tag:${VOLUME_TAGS.warmPool}`, Values: [key] },
          { Name: 'status', Values: ['available'] },
        ],
        signal,
      )
    ).filter((volume) => volume.VolumeId !== undefined && !request.exclude.includes(volume.VolumeId));
    // Random order spreads concurrent claimers over the pool instead of all racing for the first volume.
    const order = candidates.map((volume) => ({ volume, rank: Math.random() })).sort((a, b) => a.rank - b.rank);
    for (const { volume } of order.slice(0, CLAIM_ATTEMPTS)) {
      const volumeId = volume.VolumeId ?? '';
      await this.ebs.tag(
        region,
        [volumeId],
        {
          [VOLUME_TAGS.claimedBy]: claimant,
          [VOLUME_TAGS.claimedAt]: new Date(this.options.now()).toISOString(),
          [VOLUME_TAGS.warmOrigin]: key,
        },
        signal,
      );
      await this.ebs.untag(region, [volumeId], [{ key: VOLUME_TAGS.warmPool }], signal);
      const after = await this.ebs.describeVolume(region, volumeId, signal);
      const tags = tagsOf(after?.Tags);
      if (after !== null && tags[VOLUME_TAGS.claimedBy] === claimant && after.State === 'available' && holdingInstanceIds(after).length === 0) {
        return { volumeId, source: 'warm' };
      }
    }
    const created = await this.createVolume(
      region,
      zone,
      sizeGiB,
      this.specOf(region, zone, sizeGiB)?.volumeType,
      clientToken(`${request.token}|${claimant}|${key}`),
      {
        [VOLUME_TAGS.name]: `warm-${claimant}`,
        // The pool's owner, not the spawn's: the pool reclaims what it hands out.
        [OWNERSHIP_TAGS.owner]: this.options.owner,
        [VOLUME_TAGS.claimedBy]: claimant,
        [VOLUME_TAGS.claimedAt]: new Date(this.options.now()).toISOString(),
        [VOLUME_TAGS.warmOrigin]: key,
      },
      signal,
    );
    return { volumeId: created, source: 'created' };
  }

  /** A fresh volume for a machine whose claimed warm volume went to another machine. */
  async replacement(region: string, lost: Volume, claimant: string, instanceId: string): Promise<string> {
    const tags = tagsOf(lost.Tags);
    const zone = lost.AvailabilityZone ?? '';
    const sizeGiB = lost.Size ?? 1;
    return this.createVolume(region, zone, sizeGiB, lost.VolumeType, clientToken(`replace|${instanceId}|${lost.VolumeId ?? ''}`), {
      [VOLUME_TAGS.name]: `warm-${claimant}`,
      [OWNERSHIP_TAGS.owner]: tags[OWNERSHIP_TAGS.owner] ?? this.options.owner,
      [VOLUME_TAGS.claimedBy]: claimant,
      [VOLUME_TAGS.claimedAt]: new Date(this.options.now()).toISOString(),
      [VOLUME_TAGS.warmOrigin]: tags[VOLUME_TAGS.warmOrigin] ?? warmPoolKey(zone, sizeGiB),
    });
  }

  /** Per configured pool: unclaimed available, unclaimed creating, and claimed volumes. */
  async status(): Promise<WarmPoolCounts[]> {
    const byRegion = await this.regionVolumes();
    return this.options.pools.map((spec) => this.countsOf(spec, byRegion.get(spec.region) ?? []));
  }

  /** Reclaims volumes of vanished claimants, then brings every pool to its target. */
  async replenish(): Promise<ReplenishReport> {
    const report: ReplenishReport = { pools: [], created: [], deleted: [], reclaimed: [], problems: [] };
    const regions = [...new Set(this.options.pools.map((spec) => spec.region))];
    for (const region of this.ebs.clients.regions) {
      try {
        await this.reclaim(region, report);
        if (regions.includes(region)) await this.balance(region, report);
      } catch (error) {
        report.problems.push(`warm volumes in ${region}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    report.pools = await this.status().catch((error: unknown) => {
      report.problems.push(`warm pool status: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    });
    return report;
  }

  private async balance(region: string, report: ReplenishReport): Promise<void> {
    const unclaimed = (await this.ownedVolumes(region)).filter((volume) => tagsOf(volume.Tags)[VOLUME_TAGS.warmPool] !== undefined);
    const byKey = new Map<string, Volume[]>();
    for (const volume of unclaimed) {
      const key = tagsOf(volume.Tags)[VOLUME_TAGS.warmPool] ?? '';
      byKey.set(key, [...(byKey.get(key) ?? []), volume]);
    }
    const specs = this.options.pools.filter((spec) => spec.region === region);
    for (const spec of specs) {
      const key = warmPoolKey(spec.zone, spec.sizeGiB);
      const have = (byKey.get(key) ?? []).filter((volume) => volume.State === 'available' || volume.State === 'creating').length;
      for (let index = have; index < spec.target; index += 1) {
        report.created.push(
          await this.createVolume(region, spec.zone, spec.sizeGiB, spec.volumeType, undefined, {
            [VOLUME_TAGS.name]: `warm-${spec.zone}-${spec.sizeGiB}g`,
            [OWNERSHIP_TAGS.owner]: this.options.owner,
            [VOLUME_TAGS.warmPool]: key,
          }),
        );
      }
    }
    for (const [key, volumes] of byKey) {
      const target = specs.find((spec) => warmPoolKey(spec.zone, spec.sizeGiB) === key)?.target ?? 0;
      const live = volumes.filter((volume) => volume.State === 'available' || volume.State === 'creating');
      // Newest first, still-creating before available: the oldest ready volumes stay for claimers.
      const extras = live.sort((a, b) => rankForDeletion(b) - rankForDeletion(a)).slice(0, Math.max(0, live.length - target));
      for (const volume of extras) {
        const volumeId = volume.VolumeId ?? '';
        // A claimer may have taken it since the listing: look once more.
        const current = await this.ebs.describeVolume(region, volumeId);
        if (current === null || tagsOf(current.Tags)[VOLUME_TAGS.warmPool] !== key || tagsOf(current.Tags)[VOLUME_TAGS.claimedBy] !== undefined) continue;
        if (await this.deleteVolume(region, volumeId, report)) report.deleted.push(volumeId);
      }
    }
  }

  private async reclaim(region: string, report: ReplenishReport): Promise<void> {
    const claimed = (await this.ownedVolumes(region)).filter((volume) => tagsOf(volume.Tags)[VOLUME_TAGS.claimedBy] !== undefined);
    const now = this.options.now();
    for (const volume of claimed) {
      const tags = tagsOf(volume.Tags);
      if (volume.State !== 'available' || holdingInstanceIds(volume).length > 0) continue;
      const claimedAt = Date.parse(tags[VOLUME_TAGS.claimedAt] ?? '');
      // A spawn claims before RunInstances: a fresh claim without a machine is a spawn in progress.
      if (!Number.isNaN(claimedAt) && now - claimedAt < this.claimGraceMs) continue;
      if (await this.claimantAlive(region, tags[VOLUME_TAGS.claimedBy] ?? '')) continue;
      const volumeId = volume.VolumeId ?? '';
      if (await this.deleteVolume(region, volumeId, report)) report.reclaimed.push(volumeId);
    }
  }

  private async claimantAlive(region: string, hangarInstanceId: string): Promise<boolean> {
    const answer = await this.ebs.clients
      .of(region)
      .send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${OWNERSHIP_TAGS.instanceId}`, Values: [hangarInstanceId] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
        }),
      )
      .catch((error: unknown) => {
        throw ec2Error('DescribeInstances', region, error);
      });
    return (answer.Reservations ?? []).some((reservation) => (reservation.Instances ?? []).length > 0);
  }

  private countsOf(spec: WarmPoolSpec, volumes: readonly Volume[]): WarmPoolCounts {
    const key = warmPoolKey(spec.zone, spec.sizeGiB);
    const counts: WarmPoolCounts = { region: spec.region, zone: spec.zone, sizeGiB: spec.sizeGiB, target: spec.target, available: 0, creating: 0, claimed: 0 };
    for (const volume of volumes) {
      const tags = tagsOf(volume.Tags);
      if (tags[VOLUME_TAGS.warmPool] === key) {
        if (volume.State === 'available') counts.available += 1;
        if (volume.State === 'creating') counts.creating += 1;
      } else if (tags[VOLUME_TAGS.warmOrigin] === key && tags[VOLUME_TAGS.claimedBy] !== undefined && volume.State !== 'deleting') {
        counts.claimed += 1;
      }
    }
    return counts;
  }

  private async regionVolumes(): Promise<Map<string, Volume[]>> {
    const regions = [...new Set(this.options.pools.map((spec) => spec.region))];
    return new Map(await Promise.all(regions.map(async (region) => [region, await this.ownedVolumes(region)] as const)));
  }

  /** Every warm volume of this owner in the region: in a pool, or claimed from one. */
  private async ownedVolumes(region: string): Promise<Volume[]> {
    return this.ebs.describeVolumes(region, [
      { Name: `tag:${OWNERSHIP_TAGS.owner}`, Values: [this.options.owner] },
      { Name: 'tag-key', Values: [VOLUME_TAGS.warmPool, VOLUME_TAGS.warmOrigin] },
    ]);
  }

  private specOf(region: string, zone: string, sizeGiB: number): WarmPoolSpec | undefined {
    return this.options.pools.find((spec) => spec.region === region && spec.zone === zone && spec.sizeGiB === sizeGiB);
  }

  private async createVolume(
    region: string,
    zone: string,
    sizeGiB: number,
    volumeType: string | undefined,
    token: string | undefined,
    tags: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<string> {
    const created = await this.ebs.clients
      .of(region)
      .send(
        new CreateVolumeCommand({
          AvailabilityZone: zone,
          Size: sizeGiB,
          VolumeType: (volumeType ?? 'gp3') as VolumeType,
          ...(token !== undefined && { ClientToken: token }),
          TagSpecifications: [{ ResourceType: 'volume', Tags: toTagList(tags) }],
        }),
        sendOptions(signal),
      )
      .catch((error: unknown) => {
        throw ec2Error('CreateVolume', region, error);
      });
    return created.VolumeId ?? '';
  }

  /** False when EC2 refused (the volume is attached after all); unknown volumes count as deleted. */
  private async deleteVolume(region: string, volumeId: string, report: ReplenishReport): Promise<boolean> {
    try {
      await this.ebs.clients.of(region).send(new DeleteVolumeCommand({ VolumeId: volumeId }));
      return true;
    } catch (error) {
      if (isEc2Outcome(error, 'NOT_FOUND')) return true;
      if (isEc2Outcome(error, 'INVALID_SPEC')) {
        report.problems.push(`${volumeId}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
      throw ec2Error('DeleteVolume', region, error);
    }
  }
}

function rankForDeletion(volume: Volume): number {
  return (volume.State === 'creating' ? 1e15 : 0) + (volume.CreateTime?.getTime() ?? 0);
}
