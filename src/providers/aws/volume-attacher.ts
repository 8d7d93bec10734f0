import { AttachVolumeCommand, DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { OWNERSHIP_TAGS } from '../../contracts/index.js';
import { tagsOf } from './aws-instance.js';
import { VOLUME_TAGS, attachVolumeTags, holdingInstanceIds, pendingAttachIds } from './aws-volume.js';
import type { EbsCalls } from './ebs-calls.js';
import { ec2CodeOf, ec2Error, isEc2Outcome } from './ec2-errors.js';
import type { WarmVolumePool } from './warm-volume-pool.js';

export interface VolumeAttacherOptions {
  ebs: EbsCalls;
  pool: WarmVolumePool;
  /** First poll interval of the after-spawn task; it grows by half each time up to `maxPollMs`. */
  pollMs: number;
  maxPollMs: number;
  /** After this the task gives up and leaves the rest to the reconcile heartbeat. */
  timeoutMs: number;
}

export interface AttachPass {
  /** Volume ids AttachVolume accepted in this pass. */
  attached: string[];
  /** Volume ids not attachable yet (volume still creating); a later pass tries again. */
  waiting: string[];
  problems: string[];
}

/** Data volumes take the device names EC2 recommends for EBS (/dev/sdf onwards). */
const DEVICE_NAMES = 'fghijklmnopqrstuvwxyz'.split('').map((letter) => `/dev/sd${letter}`);

/** EC2 codes that mean "not yet": the volume or the instance is between states. */
const NOT_YET = new Set(['IncorrectState', 'IncorrectInstanceState']);

/**
 * Gives machines the volumes their `hangar:attach-volumes` tag lists, once they run. Attaching is
 * guarded three ways so it never happens twice: the volume's own attachments are read first, one
 * pass per instance runs at a time in this process, and EC2 refuses a second attachment (VolumeInUse).
 */
export class VolumeAttacher {
  private readonly inFlight = new Map<string, Promise<AttachPass>>();
  /** Running instances a listing showed with volumes still to attach, by id: the reconcile pass's work list. */
  private readonly pending = new Map<string, { region: string; instance: Instance }>();
  private readonly options: VolumeAttacherOptions;

  constructor(options: Partial<VolumeAttacherOptions> & Pick<VolumeAttacherOptions, 'ebs' | 'pool'>) {
    this.options = { pollMs: 250, maxPollMs: 5_000, timeoutMs: 15 * 60_000, ...options };
  }

  /** The after-spawn task: poll until the machine runs, attach, repeat while volumes are still being created. */
  start(region: string, instanceId: string): void {
    void this.follow(region, instanceId).catch(() => {
      // Whatever failed here, the reconcile heartbeat retries from the instance's tag.
    });
  }

  /**
   * Called for every instance a listing reads (the control plane's reconcile lists every machine each
   * cycle): one whose tag lists volumes it does not hold yet is remembered for the next reconcile
   * pass. So finding unfinished attachments after a crash costs no EC2 call of its own.
   */
  noteListed(region: string, instance: Instance): void {
    const id = instance.InstanceId;
    if (id === undefined) return;
    // Every listed machine passes here on each reconcile: most carry no attach tag, so that is checked without building a tag map.
    const asksForVolumes = instance.Tags?.some((tag) => tag.Key?.startsWith(VOLUME_TAGS.attachVolumes) === true) === true;
    if (asksForVolumes && instance.State?.Name === 'running' && unattached(instance).length > 0) this.pending.set(id, { region, instance });
    else this.pending.delete(id);
  }

  /** Attaches what the last listings found unattached; nothing pending, no call. */
  async reconcile(): Promise<AttachPass> {
    const total: AttachPass = { attached: [], waiting: [], problems: [] };
    for (const [id, { region, instance }] of [...this.pending]) {
      const pass = await this.once(region, instance).catch((error: unknown): AttachPass => {
        return { attached: [], waiting: [], problems: [`${id}: ${error instanceof Error ? error.message : String(error)}`] };
      });
      // Done or not, the next listing says again whether anything is left.
      this.pending.delete(id);
      total.attached.push(...pass.attached);
      total.waiting.push(...pass.waiting);
      total.problems.push(...pass.problems);
    }
    return total;
  }

  private async follow(region: string, instanceId: string): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    let delay = this.options.pollMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(this.options.maxPollMs, Math.ceil(delay * 1.5));
      const instance = await this.describeInstance(region, instanceId);
      if (instance === null) continue; // EC2 may not list a new instance yet
      const state = instance.State?.Name;
      if (state === 'pending') continue;
      if (state !== 'running') return;
      const pass = await this.once(region, instance);
      if (pass.waiting.length === 0) return;
    }
  }

  /** One pass over one running instance; concurrent callers for the same instance share it. */
  private once(region: string, instance: Instance): Promise<AttachPass> {
    const id = instance.InstanceId ?? '';
    const running = this.inFlight.get(id);
    if (running !== undefined) return running;
    const pass = this.attachPending(region, instance).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, pass);
    return pass;
  }

  private async attachPending(region: string, instance: Instance): Promise<AttachPass> {
    const pass: AttachPass = { attached: [], waiting: [], problems: [] };
    const instanceId = instance.InstanceId ?? '';
    const tags = tagsOf(instance.Tags);
    const wanted = pendingAttachIds(tags);
    const toAttach = unattached(instance);
    if (toAttach.length === 0) return pass;
    const usedDevices = new Set((instance.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.DeviceName === undefined ? [] : [mapping.DeviceName])));
    const volumes = new Map((await this.options.ebs.describeVolumes(region, [{ Name: 'volume-id', Values: toAttach }])).map((volume) => [volume.VolumeId ?? '', volume]));
    const hangarId = tags[OWNERSHIP_TAGS.instanceId];
    let list = wanted;
    for (const volumeId of toAttach) {
      const volume = volumes.get(volumeId);
      if (volume === undefined) {
        pass.problems.push(`${instanceId}: volume ${volumeId} no longer exists; it cannot be attached`);
        continue;
      }
      const holders = holdingInstanceIds(volume);
      if (holders.includes(instanceId)) continue;
      const volumeTags = tagsOf(volume.Tags);
      if (holders.length > 0) {
        // A warm claim that lost a race EC2 itself settled: take a fresh volume in its place.
        if (volumeTags[VOLUME_TAGS.warmOrigin] !== undefined && hangarId !== undefined) {
          const replacement = await this.options.pool.replacement(region, volume, hangarId, instanceId);
          list = list.map((id) => (id === volumeId ? replacement : id));
          await this.options.ebs.tag(region, [instanceId], attachVolumeTags(list));
          pass.waiting.push(replacement);
        } else {
          pass.problems.push(`${instanceId}: volume ${volumeId} is attached to ${holders.join(', ')}`);
        }
        continue;
      }
      if (volume.State !== 'available') {
        pass.waiting.push(volumeId);
        continue;
      }
      const device = DEVICE_NAMES.find((name) => !usedDevices.has(name));
      if (device === undefined) {
        pass.problems.push(`${instanceId}: no free device name for ${volumeId}`);
        continue;
      }
      try {
        await this.options.ebs.clients.of(region).send(new AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: device }));
      } catch (error) {
        const code = ec2CodeOf(error);
        // VolumeInUse: someone attached it between our read and our call; the next pass sees to whom.
        if (code !== null && (NOT_YET.has(code) || code === 'VolumeInUse')) {
          pass.waiting.push(volumeId);
          continue;
        }
        if (isEc2Outcome(error, 'NOT_FOUND')) {
          pass.problems.push(`${instanceId}: volume ${volumeId} vanished before it could be attached`);
          continue;
        }
        throw ec2Error('AttachVolume', region, error);
      }
      usedDevices.add(device);
      pass.attached.push(volumeId);
      // A warm volume follows whoever holds it, so reclaim waits for the right machine.
      if (volumeTags[VOLUME_TAGS.claimedBy] !== undefined && hangarId !== undefined && volumeTags[VOLUME_TAGS.claimedBy] !== hangarId) {
        await this.options.ebs.tag(region, [volumeId], { [VOLUME_TAGS.claimedBy]: hangarId });
      }
    }
    return pass;
  }

  private async describeInstance(region: string, instanceId: string): Promise<Instance | null> {
    try {
      const answer = await this.options.ebs.clients.of(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      return answer.Reservations?.flatMap((reservation) => reservation.Instances ?? []).find((instance) => instance.InstanceId === instanceId) ?? null;
    } catch (error) {
      if (isEc2Outcome(error, 'NOT_FOUND')) return null;
      throw ec2Error('DescribeInstances', region, error);
    }
  }
}

/** The volume ids an instance's tag asks for that its block device mappings do not show yet. */
function unattached(instance: Instance): string[] {
  const mapped = new Set((instance.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.VolumeId === undefined ? [] : [mapping.Ebs.VolumeId])));
  return pendingAttachIds(tagsOf(instance.Tags)).filter((id) => !mapped.has(id));
}
