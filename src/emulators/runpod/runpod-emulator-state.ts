import { SeededRandom } from '../../chaos/seeded-random.js';
import type { EmulatedGpuType } from './runpod-catalog-data.js';
import type { InterruptableRentals, ResolvedRunPodEmulatorOptions } from './runpod-emulator-options.js';

export type EmulatedPodStatus = 'PROVISIONING' | 'STARTING' | 'RUNNING' | 'EXITED' | 'ERROR' | 'TERMINATED';
export type Availability = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface EmulatedPod {
  readonly id: string;
  readonly machineId: string;
  name: string;
  readonly image: string;
  readonly args: string;
  readonly disk: number;
  readonly ports: string[];
  readonly env: Record<string, string>;
  readonly gpuTypeId: string;
  readonly gpuCount: number;
  readonly cloud: 'SECURE' | 'COMMUNITY';
  readonly dataCenterId: string;
  /** Created through GraphQL `podRentInterruptable`. */
  readonly interruptible: boolean;
  readonly bidPerGpu: number | null;
  readonly networkVolumeId: string | null;
  readonly mountPath: string | null;
  /** Asked for SSH at create time (`startSsh`): RunPod then injects the account's SSH keys. Not readable through the API. */
  readonly startSsh: boolean;
  /**
   * The pod's public IP. Secure Cloud pods always have one; a Community Cloud pod only when it was
   * asked for one (`supportPublicIp`, which only GraphQL takes: REST v2 has no such field). RunPod
   * says such a pod "might not" have one; the emulator takes the worst case.
   */
  readonly publicIp: string | null;
  /** Public port per private TCP port (only with a public IP). */
  readonly publicPorts: Readonly<Record<number, number>>;
  /** The machine record is gone (a real-world awkward pod: it reads with `gpu: null` on REST v2, `machine: null` on GraphQL). */
  machineLost: boolean;
  readonly createdAtMs: number;
  /** When the current boot started (creation, or the last `start`). */
  bootStartedAtMs: number;
  stoppedAtMs: number | null;
  stopReason: 'user' | 'preempted' | null;
  terminatedAtMs: number | null;
  /** Scheduled vendor preemption of an interruptible pod, decided at creation. */
  preemptAtMs: number | null;
}

export interface EmulatedVolume {
  readonly id: string;
  name: string;
  /** GB; `null` serves a real-world awkward entry (a volume whose size RunPod does not report, which the v2 document does not allow). */
  size: number | null;
  readonly dataCenter: string;
  readonly type: 'STANDARD' | 'HIGH_PERFORMANCE';
  readonly createdAtMs: number;
}

/** A refusal the routes render in the vendor's own format (problem+json for REST, `errors` for GraphQL). */
export class RunPodRefusal extends Error {
  constructor(
    readonly status: 400 | 402 | 404 | 409 | 422,
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'RunPodRefusal';
  }
}

/** The RunPod capacity message clients have recorded (vendor-specs/runpod/SOURCES.md). */
export const NO_CAPACITY_MESSAGE = 'There are no longer any instances available with the requested specifications. Please refresh and try again.';

export interface CreatePodInput {
  name: string;
  image: string;
  args: string;
  disk: number;
  ports: string[];
  env: Record<string, string>;
  gpuTypeId: string;
  gpuCount: number;
  cloud: 'SECURE' | 'COMMUNITY';
  /** Candidate data centers in order; empty lets the scheduler choose. */
  dataCenterIds: string[];
  networkVolumeId: string | null;
  mountPath: string | null;
  bidPerGpu: number | null;
  startSsh?: boolean;
  /** Community Cloud: give the pod a public IP (GraphQL `supportPublicIp`). */
  supportPublicIp?: boolean;
}

/** A stable number from a text, so that addresses and ports follow from the pod id (no draw from the seeded sequence). */
function hashOf(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash;
}

/** The TCP ports of `["22/tcp", "8888/http"]`. */
export function tcpPorts(ports: readonly string[]): number[] {
  return ports.flatMap((port) => {
    const match = /^(\d+)\/tcp$/.exec(port.trim());
    return match === null ? [] : [Number(match[1])];
  });
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Pods, network volumes and stock of one emulated RunPod account. Status is derived from the clock on every read. */
export class RunPodEmulatorState {
  readonly pods = new Map<string, EmulatedPod>();
  readonly volumes = new Map<string, EmulatedVolume>();
  /** Whether GraphQL rents interruptable pods now (`offered`), refuses them, or no longer has the mutation. */
  interruptable: InterruptableRentals;
  private readonly random: SeededRandom;

  constructor(readonly options: ResolvedRunPodEmulatorOptions) {
    this.random = new SeededRandom(options.seed);
    this.interruptable = options.interruptable;
  }

  now(): number {
    return this.options.now();
  }

  private newId(length: number): string {
    let id = '';
    for (let index = 0; index < length; index += 1) id += this.random.pick([...ID_ALPHABET]);
    return id;
  }

  gpuType(id: string): EmulatedGpuType | undefined {
    return this.options.gpuTypes.find((gpu) => gpu.id === id);
  }

  dataCenter(id: string) {
    return this.options.dataCenters.find((dc) => dc.id === id);
  }

  /** The lowest bid per GPU that places an interruptible pod of this type in this data center. */
  minimumBid(gpu: EmulatedGpuType, dataCenterId: string): number {
    return gpu.minimumBidByDataCenter?.[dataCenterId] ?? gpu.minimumBid;
  }

  /** The cheapest minimum bid over the data centers that have the type (what `lowestPrice` answers without a data center). */
  lowestMinimumBid(gpu: EmulatedGpuType): number {
    return Math.min(gpu.minimumBid, ...gpu.dataCenters.map((dc) => this.minimumBid(gpu, dc)));
  }

  /** The machine record of a pod disappears (test hook for a real-world awkward pod). */
  loseMachine(id: string): EmulatedPod {
    const pod = this.livePod(id);
    pod.machineLost = true;
    return pod;
  }

  statusOf(pod: EmulatedPod, now = this.now()): EmulatedPodStatus {
    this.applyPreemption(pod, now);
    if (pod.terminatedAtMs !== null) return 'TERMINATED';
    if (pod.stoppedAtMs !== null) return 'EXITED';
    const booted = now - pod.bootStartedAtMs;
    if (booted < this.options.bootDelayMs.provisioning) return 'PROVISIONING';
    if (booted < this.options.bootDelayMs.provisioning + this.options.bootDelayMs.starting) return 'STARTING';
    return 'RUNNING';
  }

  runningSinceMs(pod: EmulatedPod): number {
    return pod.bootStartedAtMs + this.options.bootDelayMs.provisioning + this.options.bootDelayMs.starting;
  }

  private applyPreemption(pod: EmulatedPod, now: number): void {
    if (pod.preemptAtMs !== null && pod.stoppedAtMs === null && pod.terminatedAtMs === null && now >= pod.preemptAtMs) {
      pod.stoppedAtMs = pod.preemptAtMs;
      pod.stopReason = 'preempted';
      pod.preemptAtMs = null;
    }
  }

  /** The vendor stops an interruptible pod to free its GPUs (test hook; also used to make room for on-demand pods). */
  preempt(id: string): EmulatedPod {
    const pod = this.pods.get(id);
    if (pod === undefined || pod.terminatedAtMs !== null) throw new RunPodRefusal(404, 'The requested Pod does not exist.');
    if (!pod.interruptible) throw new RunPodRefusal(409, `pod ${id} is not interruptible`);
    if (pod.stoppedAtMs === null) {
      pod.stoppedAtMs = this.now();
      pod.stopReason = 'preempted';
    }
    return pod;
  }

  /** Pods still holding GPUs (not stopped, not terminated) in one data center, of one GPU type. */
  private holders(dataCenterId: string, gpuTypeId: string): EmulatedPod[] {
    const now = this.now();
    return [...this.pods.values()].filter((pod) => {
      if (pod.dataCenterId !== dataCenterId || pod.gpuTypeId !== gpuTypeId) return false;
      const status = this.statusOf(pod, now);
      return status !== 'EXITED' && status !== 'TERMINATED';
    });
  }

  stockOf(dataCenterId: string, gpuTypeId: string): number {
    const gpu = this.gpuType(gpuTypeId);
    if (gpu === undefined || !gpu.dataCenters.includes(dataCenterId)) return 0;
    return this.options.stock.byDataCenter[dataCenterId]?.[gpuTypeId] ?? this.options.stock.default;
  }

  freeGpus(dataCenterId: string, gpuTypeId: string): number {
    const used = this.holders(dataCenterId, gpuTypeId).reduce((sum, pod) => sum + pod.gpuCount, 0);
    return Math.max(0, this.stockOf(dataCenterId, gpuTypeId) - used);
  }

  availability(dataCenterId: string, gpuTypeId: string, count = 1): Availability {
    const free = this.freeGpus(dataCenterId, gpuTypeId);
    if (free < count) return 'NONE';
    if (free <= 2 * count) return 'LOW';
    if (free <= 8 * count) return 'MEDIUM';
    return 'HIGH';
  }

  imageKnown(image: string): boolean {
    return this.options.images.some((pattern) =>
      pattern.endsWith(':*') ? image === pattern.slice(0, -2) || image.startsWith(pattern.slice(0, -1)) : image === pattern,
    );
  }

  createPod(input: CreatePodInput): EmulatedPod {
    const gpu = this.gpuType(input.gpuTypeId);
    if (gpu === undefined) throw new RunPodRefusal(400, `GPU type '${input.gpuTypeId}' does not exist.`);
    for (const id of input.dataCenterIds) {
      if (this.dataCenter(id) === undefined) throw new RunPodRefusal(400, `data center '${id}' does not exist.`);
    }
    const max = input.cloud === 'SECURE' ? gpu.maxCount.secure : gpu.maxCount.community;
    if (input.gpuCount > max) throw new RunPodRefusal(400, `at most ${max} GPUs of type '${gpu.id}' fit one ${input.cloud} pod.`);
    if (!this.imageKnown(input.image)) {
      throw new RunPodRefusal(400, `image '${input.image}' could not be pulled: the repository does not exist or needs registry credentials.`);
    }
    let candidates = input.dataCenterIds.length > 0 ? input.dataCenterIds : [...gpu.dataCenters];
    if (input.networkVolumeId !== null) {
      const volume = this.volumes.get(input.networkVolumeId);
      if (volume === undefined) throw new RunPodRefusal(400, `network volume '${input.networkVolumeId}' does not exist.`);
      if (input.dataCenterIds.length > 0 && !input.dataCenterIds.includes(volume.dataCenter)) {
        throw new RunPodRefusal(400, `network volume '${volume.id}' is in ${volume.dataCenter}, not in the requested data centers.`);
      }
      candidates = [volume.dataCenter];
    }
    const bid = input.bidPerGpu;
    if (bid !== null && candidates.length > 0) {
      // Minimum bids differ by data center: a bid is placed only where it reaches that data center's minimum.
      const reachable = candidates.filter((dc) => bid >= this.minimumBid(gpu, dc));
      if (reachable.length === 0) {
        const minimum = Math.min(...candidates.map((dc) => this.minimumBid(gpu, dc)));
        throw new RunPodRefusal(400, `Your bid price of $${bid}/hr is below the minimum bid price of $${minimum}/hr for this GPU type.`);
      }
      candidates = reachable;
    }
    const placed = candidates.find((dc) => this.makeRoom(dc, gpu.id, input.gpuCount, input.bidPerGpu === null));
    if (placed === undefined) throw new RunPodRefusal(400, NO_CAPACITY_MESSAGE);
    const now = this.now();
    const interruptible = input.bidPerGpu !== null;
    const preemption = this.options.preemption;
    const preempted = interruptible && preemption !== null && this.random.next() < preemption.probability;
    const id = this.newId(14);
    const hasPublicIp = input.cloud === 'SECURE' || input.supportPublicIp === true;
    const pod: EmulatedPod = {
      id,
      machineId: this.newId(12),
      name: input.name,
      image: input.image,
      args: input.args,
      disk: input.disk,
      ports: input.ports,
      env: input.env,
      gpuTypeId: gpu.id,
      gpuCount: input.gpuCount,
      cloud: input.cloud,
      dataCenterId: placed,
      interruptible,
      bidPerGpu: input.bidPerGpu,
      networkVolumeId: input.networkVolumeId,
      mountPath: input.mountPath,
      startSsh: input.startSsh === true,
      publicIp: hasPublicIp ? `203.0.113.${1 + (hashOf(id) % 254)}` : null,
      publicPorts: hasPublicIp ? Object.fromEntries(tcpPorts(input.ports).map((port) => [port, 10_000 + (hashOf(`${id}:${port}`) % 50_000)])) : {},
      machineLost: false,
      createdAtMs: now,
      bootStartedAtMs: now,
      stoppedAtMs: null,
      stopReason: null,
      terminatedAtMs: null,
      preemptAtMs: preempted && preemption !== null ? now + this.options.bootDelayMs.provisioning + this.options.bootDelayMs.starting + preemption.afterMs : null,
    };
    this.pods.set(pod.id, pod);
    return pod;
  }

  /** True when `count` GPUs are free; an on-demand pod stops interruptible ones (lowest bid first) to make room. */
  private makeRoom(dataCenterId: string, gpuTypeId: string, count: number, onDemand: boolean): boolean {
    if (this.freeGpus(dataCenterId, gpuTypeId) >= count) return true;
    if (!onDemand) return false;
    const interruptible = this.holders(dataCenterId, gpuTypeId)
      .filter((pod) => pod.interruptible)
      .sort((a, b) => (a.bidPerGpu ?? 0) - (b.bidPerGpu ?? 0));
    const reclaimable = interruptible.reduce((sum, pod) => sum + pod.gpuCount, 0);
    if (this.freeGpus(dataCenterId, gpuTypeId) + reclaimable < count) return false;
    for (const pod of interruptible) {
      if (this.freeGpus(dataCenterId, gpuTypeId) >= count) break;
      this.preempt(pod.id);
    }
    return true;
  }

  /** A pod that GET can still see (live, or deleted within the retention window). */
  visiblePod(id: string): EmulatedPod | undefined {
    const pod = this.pods.get(id);
    if (pod === undefined) return undefined;
    if (pod.terminatedAtMs !== null && this.now() - pod.terminatedAtMs >= this.options.terminatedRetentionMs) {
      this.pods.delete(id);
      return undefined;
    }
    return pod;
  }

  /** Pods `GET /v2/pods` lists: deleted pods are gone from the list at once. */
  listedPods(): EmulatedPod[] {
    return [...this.pods.values()].filter((pod) => pod.terminatedAtMs === null).sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
  }

  /** Permanent; an unknown or already-deleted pod is 404, as the v2 API answers. */
  terminatePod(id: string): void {
    const pod = this.visiblePod(id);
    if (pod === undefined || pod.terminatedAtMs !== null) throw new RunPodRefusal(404, 'The requested Pod does not exist.');
    pod.terminatedAtMs = this.now();
    pod.preemptAtMs = null;
  }

  stopPod(id: string): EmulatedPod {
    const pod = this.livePod(id);
    const status = this.statusOf(pod);
    if (status === 'EXITED' || status === 'ERROR') throw new RunPodRefusal(409, `Action 'stop' is not valid for a pod in status ${status}.`);
    pod.stoppedAtMs = this.now();
    pod.stopReason = 'user';
    pod.preemptAtMs = null;
    return pod;
  }

  startPod(id: string): EmulatedPod {
    const pod = this.livePod(id);
    const status = this.statusOf(pod);
    if (status !== 'EXITED' && status !== 'ERROR') throw new RunPodRefusal(409, `Action 'start' is not valid for a pod in status ${status}.`);
    if (this.freeGpus(pod.dataCenterId, pod.gpuTypeId) < pod.gpuCount) throw new RunPodRefusal(400, NO_CAPACITY_MESSAGE);
    pod.stoppedAtMs = null;
    pod.stopReason = null;
    pod.bootStartedAtMs = this.now();
    return pod;
  }

  restartPod(id: string): EmulatedPod {
    const pod = this.livePod(id);
    const status = this.statusOf(pod);
    if (status !== 'RUNNING') throw new RunPodRefusal(409, `Action 'restart' is not valid for a pod in status ${status}.`);
    pod.bootStartedAtMs = this.now() - this.options.bootDelayMs.provisioning;
    return pod;
  }

  livePod(id: string): EmulatedPod {
    const pod = this.visiblePod(id);
    if (pod === undefined || pod.terminatedAtMs !== null) throw new RunPodRefusal(404, 'The requested Pod does not exist.');
    return pod;
  }

  /** Pods (not deleted) with this network volume mounted. */
  podsOnVolume(volumeId: string): EmulatedPod[] {
    return this.listedPods().filter((pod) => pod.networkVolumeId === volumeId);
  }

  createVolume(input: { name: string; size: number; dataCenter: string; type?: 'STANDARD' | 'HIGH_PERFORMANCE' }): EmulatedVolume {
    const dc = this.dataCenter(input.dataCenter);
    if (dc === undefined) throw new RunPodRefusal(400, `data center '${input.dataCenter}' does not exist.`);
    const type = input.type ?? dc.networkVolumeTypes[0];
    if (type === undefined || !dc.networkVolumeTypes.includes(type)) {
      throw new RunPodRefusal(400, `data center '${dc.id}' does not offer ${input.type ?? 'network'} volumes.`);
    }
    const volume: EmulatedVolume = { id: this.newId(8), name: input.name, size: input.size, dataCenter: dc.id, type, createdAtMs: this.now() };
    this.volumes.set(volume.id, volume);
    return volume;
  }

  volume(id: string): EmulatedVolume {
    const volume = this.volumes.get(id);
    if (volume === undefined) throw new RunPodRefusal(404, 'The requested network volume does not exist.');
    return volume;
  }

  deleteVolume(id: string): void {
    this.volume(id);
    const users = this.podsOnVolume(id);
    if (users.length > 0) {
      throw new RunPodRefusal(409, `network volume '${id}' is mounted by ${users.length} pod(s) (${users.map((pod) => pod.id).join(', ')}); terminate them first.`);
    }
    this.volumes.delete(id);
  }
}
