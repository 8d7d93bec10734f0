import {
  type BootstrapConfig,
  type BootstrapOutput,
  idField,
  type InstanceTypeOffering,
  isWarmVolumeRequest,
  type ListFilter,
  matchesListFilter,
  type Provider,
  type ProviderCallOptions,
  ProviderError,
  type ProviderSnapshot,
  ProviderSnapshotSchema,
  type ProviderVolume,
  readEach,
  SkippedEntryLog,
  type SpawnOptions,
  type SpotPrice,
  type SpotPriceQuery,
  type SpotRequest,
  type SpotRequestOptions,
  type TerminateResult,
  type VolumeOptions,
  VolumeOptionsSchema,
  VendorResponseError,
} from '../../contracts/index.js';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import { bootstrapDelivery, runPodBootstrap } from './runpod-bootstrap.js';
import { RunPodCatalog, type SpotWithdrawal } from './runpod-catalog.js';
import type { RunPodConfig } from './runpod-config.js';
import { isRunPodOutcome, SpotWithdrawnError } from './runpod-errors.js';
import type { RunPodGraphqlClient } from './runpod-graphql-client.js';
import { RENT_INTERRUPTABLE } from './runpod-graphql-documents.js';
import { ListedPodSchema, type RunPodInstance, RunPodInstanceSchema, toRunPodInstance, toRunPodVolume } from './runpod-instance.js';
import { ownerIsEncodable, parseInstanceType, parseVolumeName, POD_ENV, podName, volumeName } from './runpod-naming.js';
import type { RunPodRestClient } from './runpod-rest-client.js';
import { ListNetworkVolumesWireSchema, ListPodsWireSchema, NetworkVolumeWireSchema, type PodWire, PodWireSchema, RentInterruptableWireSchema } from './runpod-wire.js';

export const RUNPOD_CAPABILITIES = {
  snapshots: { unsupported: 'RunPod has no pod snapshot or image export in REST v2 or GraphQL; keep data that must outlive a pod on a network volume (persistentVolumes)' },
  // When RunPod withdraws interruptible rentals (its docs dropped them in May 2026; GraphQL goes in early 2027), a spot spawn or
  // bid fails with INVALID_SPEC naming the cause, getSpotPrices answers [], and health and the catalog say "spot withdrawn".
  spot: true,
  gpu: true,
  multiRegion: true,
  persistentVolumes: true,
  warmVolumes: {
    unsupported: 'RunPod mounts a network volume only when a pod is created, one per pod, and Hangar keeps no pool of pre-created RunPod volumes; create one with createVolume and spawn with its id',
  },
  hibernation: { unsupported: 'a stopped RunPod pod keeps its disk but not its memory, and may not get its GPU back on resume; terminate it and keep state on a network volume' },
  costExplorer: { unsupported: "Hangar does not read RunPod's /v2/billing history yet; prices come from the catalog, and each pod's current hourly cost is on the RunPod instance (costPerHour)" },
  tailscaleNative: { unsupported: 'RunPod has no Tailscale integration; install Tailscale from the bootstrap script (pods are containers, so run tailscaled with userspace networking)' },
  idempotentSpawn: {
    unsupported:
      'RunPod REST v2 createPod takes no idempotency key or client token, so a repeated spawn makes a second pod; an unknown spawn outcome is recovered by reconciliation, which adopts the pod named hangar.<owner>.<instance id>',
  },
  customNetworking: { unsupported: "RunPod pods use the vendor's network; the only option, global networking (a private network across data centers), is not configured by Hangar" },
} as const;

export type RunPodCapabilities = typeof RUNPOD_CAPABILITIES;

const SPOT_REQUEST_PREFIX = 'runpod-bid-';

export interface RunPodProviderOptions {
  rest: RunPodRestClient;
  graphql: RunPodGraphqlClient;
  config: RunPodConfig;
  now?: () => number;
  /** Where list entries Hangar cannot read are recorded (the registration's log). */
  skippedEntries?: SkippedEntryLog;
}

const LIVE_STATUSES = ['pending', 'running', 'stopping', 'stopped'] as const;

interface PreparedSpawn {
  gpuTypeId: string;
  count: number;
  image: string;
  env: Record<string, string>;
  args: string;
  volume: { id: string; mountPath: string } | null;
}

const invalid = (message: string) => new ProviderError({ code: 'INVALID_SPEC', provider: 'runpod', message: `runpod: ${message}` });

/**
 * The compact tier over RunPod: pods through REST v2, interruptible (spot) pods through GraphQL
 * (`podRentInterruptable`, until v2 offers them), network volumes through REST v2. Data centers
 * are Hangar's regions; there are no zones.
 */
export class RunPodProvider implements Provider<RunPodInstance, ProviderSnapshot, RunPodCapabilities> {
  readonly name = 'runpod';
  readonly tier = 'compact' as const;
  readonly capabilities = RUNPOD_CAPABILITIES;
  readonly schemas = { instance: RunPodInstanceSchema, snapshot: ProviderSnapshotSchema };
  /** Every vendor entry skipped because Hangar could not read it. */
  readonly skippedEntries: SkippedEntryLog;
  private readonly catalog: RunPodCatalog;
  /** Set when RunPod refused an interruptible rental as withdrawn; cleared by the next rental that succeeds. */
  private withdrawal: SpotWithdrawal | null = null;

  constructor(private readonly options: RunPodProviderOptions) {
    this.skippedEntries = options.skippedEntries ?? new SkippedEntryLog(() => this.now());
    this.catalog = new RunPodCatalog(options.rest, options.graphql, options.config, () => this.now(), this.skippedEntries);
  }

  /** Whether RunPod still rents interruptible pods, as far as the last refusal says (null: no refusal seen). */
  spotWithdrawal(): SpotWithdrawal | null {
    return this.withdrawal;
  }

  private get rest(): RunPodRestClient {
    return this.options.rest;
  }

  private get config(): RunPodConfig {
    return this.options.config;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async instanceTypes(call?: ProviderCallOptions): Promise<InstanceTypeOffering[]> {
    throwIfAborted(call?.signal);
    return this.catalog.offerings(this.withdrawal, call?.signal);
  }

  /** An abort while createPod is on the wire leaves the outcome unknown: reconciliation adopts a pod by its name. */
  async spawn(options: SpawnOptions, call?: ProviderCallOptions): Promise<RunPodInstance> {
    const signal = call?.signal;
    throwIfAborted(signal);
    // RunPod takes no idempotency key: a spawn re-driven after an unknown outcome finds the pod the first attempt made, never a second.
    if (options.resumed === true) {
      const existing = await this.findOwnPod(options, signal);
      if (existing !== null) return existing;
    }
    if (options.spot) return this.rentInterruptable(options, null, signal);
    const prepared = await this.prepare(options, signal);
    const pod = await this.rest.call(
      {
        operation: 'createPod',
        method: 'POST',
        path: '/v2/pods',
        body: {
          name: podName(options.ownership),
          image: prepared.image,
          gpu: { id: prepared.gpuTypeId, count: prepared.count },
          cloud: this.config.cloud,
          dataCenterIds: [options.region],
          env: prepared.env,
          args: prepared.args,
          disk: this.config.containerDiskGb,
          // REST v2 takes startSsh but has no supportPublicIp (CreatePodRequest is unevaluatedProperties: false).
          ...(this.config.ports.length > 0 && { ports: this.config.ports, startSsh: true }),
          ...(prepared.volume !== null && { mounts: { network: [{ volumeId: prepared.volume.id, path: prepared.volume.mountPath }] } }),
        },
      },
      PodWireSchema,
      signal,
    );
    return toRunPodInstance(pod);
  }

  /** Idempotent. A delete that fails is checked by reading the pod again: gone (404) or TERMINATED is success. */
  async terminate(providerId: string, call?: ProviderCallOptions): Promise<TerminateResult> {
    const signal = call?.signal;
    throwIfAborted(signal);
    try {
      await this.rest.call({ operation: 'deletePod', method: 'DELETE', path: `/v2/pods/${encodeURIComponent(providerId)}` }, null, signal);
    } catch (error) {
      if (isRunPodOutcome(error, 'NOT_FOUND')) return { providerId, status: 'terminated' };
      // The caller gave up: no read to settle an outcome nobody waits for.
      if (signal?.aborted === true) throw abortReason(signal);
      let after: PodWire | null;
      try {
        after = await this.readPod(providerId, signal);
      } catch {
        // Aborted during the read: the caller learns that, not the delete's failure.
        throwIfAborted(signal);
        throw error;
      }
      if (after === null || after.status === 'TERMINATED') return { providerId, status: 'terminated' };
      throw error;
    }
    return { providerId, status: 'terminated' };
  }

  /**
   * `GET /v2/pods` answers every pod at once (v2 has no pagination), then filters in memory. A pod
   * Hangar cannot read is left out and named in the log; it never reads as gone, because the
   * control plane confirms a missing machine with `get`, which fails loudly on the same pod.
   */
  async list(filter?: ListFilter, call?: ProviderCallOptions): Promise<RunPodInstance[]> {
    throwIfAborted(call?.signal);
    const { instances } = await this.listPods(call?.signal);
    return instances.filter((instance) => matchesListFilter(instance, filter));
  }

  private async listPods(signal: AbortSignal | undefined): Promise<{ instances: RunPodInstance[]; raws: unknown[] }> {
    const answer = await this.rest.call({ operation: 'listPods', method: 'GET', path: '/v2/pods' }, ListPodsWireSchema, signal);
    return { instances: readEach(ListedPodSchema, answer.pods, { kind: 'instance', log: this.skippedEntries, idOf: idField('id') }), raws: answer.pods };
  }

  /** The live pod a first attempt of this spawn made; a pod by that name that cannot be read stops the spawn rather than make a second one. */
  private async findOwnPod(options: SpawnOptions, signal: AbortSignal | undefined): Promise<RunPodInstance | null> {
    const { instances, raws } = await this.listPods(signal);
    const mine = instances.find(
      (instance) => instance.hangarInstanceId === options.ownership.instanceId && (LIVE_STATUSES as readonly string[]).includes(instance.status),
    );
    if (mine !== undefined) return mine;
    const name = podName(options.ownership);
    const unreadable = raws.some((raw) => idField('name')(raw) === name) && !instances.some((instance) => instance.podName === name);
    if (unreadable) {
      throw new VendorResponseError('runpod', `runpod: pod ${name} exists but cannot be read (see the skipped entries); not creating a second one`);
    }
    return null;
  }

  async get(providerId: string, call?: ProviderCallOptions): Promise<RunPodInstance | null> {
    throwIfAborted(call?.signal);
    const pod = await this.readPod(providerId, call?.signal);
    return pod === null ? null : toRunPodInstance(pod);
  }

  generateBootstrap(config: BootstrapConfig): BootstrapOutput {
    return runPodBootstrap(config);
  }

  /** The minimum bid per data center; none once RunPod has withdrawn interruptible rentals. */
  async getSpotPrices(query?: SpotPriceQuery, call?: ProviderCallOptions): Promise<SpotPrice[]> {
    throwIfAborted(call?.signal);
    if (this.withdrawal !== null) return [];
    return this.catalog.spotPrices(query, call?.signal);
  }

  /**
   * A bid placed through GraphQL `podRentInterruptable`: RunPod places it at once or refuses it, so
   * the request is the pod (`runpod-bid-<pod id>`). `maxPricePerHour` is what the caller pays per
   * hour, split across the GPUs; a bid below RunPod's minimum is a failed request, not an error.
   */
  async requestSpotInstance(options: SpotRequestOptions, call?: ProviderCallOptions): Promise<SpotRequest> {
    throwIfAborted(call?.signal);
    const { maxPricePerHour } = options;
    const failed = (message: string): SpotRequest => ({
      requestId: `${SPOT_REQUEST_PREFIX}refused-${options.idempotencyToken}`,
      status: 'failed',
      providerInstanceId: null,
      maxPricePerHour,
      message,
    });
    try {
      const pod = await this.rentInterruptable({ ...options, spot: true }, maxPricePerHour, call?.signal);
      return { requestId: `${SPOT_REQUEST_PREFIX}${pod.providerId}`, status: 'fulfilled', providerInstanceId: pod.providerId, maxPricePerHour, message: null };
    } catch (error) {
      if (error instanceof BidTooLow) return failed(error.message);
      if (error instanceof ProviderError && error.code === 'CAPACITY_ERROR' && /bid/i.test(error.message)) return failed(error.message);
      throw error;
    }
  }

  /** RunPod keeps no standing bid once it is placed or refused, so there is nothing to cancel: the pod keeps running. */
  async cancelSpotRequest(requestId: string, call?: ProviderCallOptions): Promise<void> {
    throwIfAborted(call?.signal);
    if (!requestId.startsWith(SPOT_REQUEST_PREFIX)) throw invalid(`${requestId} is not a RunPod bid id (${SPOT_REQUEST_PREFIX}...)`);
  }

  async createVolume(raw: VolumeOptions, call?: ProviderCallOptions): Promise<ProviderVolume> {
    throwIfAborted(call?.signal);
    const options = VolumeOptionsSchema.parse(raw);
    if (!ownerIsEncodable(options.owner)) throw invalid(`owner ${options.owner} cannot be carried in a volume name (no dots)`);
    const volume = await this.rest.call(
      {
        operation: 'createNetworkVolume',
        method: 'POST',
        path: '/v2/network-volumes',
        body: { name: volumeName(options.owner, options.name), size: options.sizeGiB, dataCenter: options.region },
      },
      NetworkVolumeWireSchema,
      call?.signal,
    );
    return toRunPodVolume(volume, []);
  }

  async getVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<ProviderVolume | null> {
    throwIfAborted(call?.signal);
    const volume = await this.readVolume(providerVolumeId, call?.signal);
    if (volume === null) return null;
    const attachments = await this.attachments(call?.signal);
    return toRunPodVolume(volume, attachments.get(volume.id) ?? []);
  }

  async listVolumes(filter?: { owner?: string }, call?: ProviderCallOptions): Promise<ProviderVolume[]> {
    throwIfAborted(call?.signal);
    const [answer, attachments] = await Promise.all([
      this.rest.call({ operation: 'listNetworkVolumes', method: 'GET', path: '/v2/network-volumes' }, ListNetworkVolumesWireSchema, call?.signal),
      this.attachments(call?.signal),
    ]);
    return readEach(NetworkVolumeWireSchema, answer.networkVolumes, { kind: 'volume', log: this.skippedEntries, idOf: idField('id') })
      .filter((volume) => {
        const owned = parseVolumeName(volume.name);
        return owned !== null && (filter?.owner === undefined || owned.owner === filter.owner);
      })
      .map((volume) => toRunPodVolume(volume, attachments.get(volume.id) ?? []));
  }

  async deleteVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<void> {
    const volume = await this.getVolume(providerVolumeId, call);
    if (volume === null) return;
    if (volume.attachedTo.length > 0) throw invalid(`network volume ${providerVolumeId} is mounted by ${volume.attachedTo.join(', ')}; terminate those pods first`);
    try {
      await this.rest.call({ operation: 'deleteNetworkVolume', method: 'DELETE', path: `/v2/network-volumes/${encodeURIComponent(providerVolumeId)}` }, null, call?.signal);
    } catch (error) {
      if (!isRunPodOutcome(error, 'NOT_FOUND')) throw error;
    }
  }

  /** The health check: one authenticated read (its entries are not read, so an odd volume never fails it), and spot's state. */
  async ping(): Promise<string> {
    await this.rest.call({ operation: 'listNetworkVolumes', method: 'GET', path: '/v2/network-volumes' }, ListNetworkVolumesWireSchema);
    const withdrawal = this.withdrawal;
    return withdrawal === null ? 'RunPod REST v2 answers' : `RunPod REST v2 answers; spot withdrawn since ${withdrawal.since}: ${withdrawal.message}`;
  }

  private async readPod(providerId: string, signal: AbortSignal | undefined): Promise<PodWire | null> {
    try {
      return await this.rest.call({ operation: 'getPod', method: 'GET', path: `/v2/pods/${encodeURIComponent(providerId)}` }, PodWireSchema, signal);
    } catch (error) {
      if (isRunPodOutcome(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  private async readVolume(providerVolumeId: string, signal: AbortSignal | undefined) {
    try {
      return await this.rest.call(
        { operation: 'getNetworkVolume', method: 'GET', path: `/v2/network-volumes/${encodeURIComponent(providerVolumeId)}` },
        NetworkVolumeWireSchema,
        signal,
      );
    } catch (error) {
      if (isRunPodOutcome(error, 'NOT_FOUND')) return null;
      throw error;
    }
  }

  /** Volume id -> the live pods that mount it. v2 volumes do not say; the pods do (`mounts.network`). */
  private async attachments(signal: AbortSignal | undefined): Promise<Map<string, string[]>> {
    const answer = await this.rest.call({ operation: 'listPods', method: 'GET', path: '/v2/pods' }, ListPodsWireSchema, signal);
    const byVolume = new Map<string, string[]>();
    for (const pod of readEach(PodWireSchema, answer.pods, { kind: 'instance', log: this.skippedEntries, idOf: idField('id') })) {
      if (pod.status === 'TERMINATED') continue;
      for (const mount of pod.mounts.network ?? []) byVolume.set(mount.volumeId, [...(byVolume.get(mount.volumeId) ?? []), pod.id]);
    }
    return byVolume;
  }

  /** Checks what RunPod cannot be asked (zones, volume count) and builds the env, start command and volume mount. */
  private async prepare(options: SpawnOptions, signal: AbortSignal | undefined): Promise<PreparedSpawn> {
    if (options.zone !== null) throw invalid(`RunPod data centers have no zones (asked for ${options.zone}); pass zone null`);
    if (!ownerIsEncodable(options.ownership.owner)) throw invalid(`owner ${options.ownership.owner} cannot be carried in a pod name (no dots)`);
    const volumes = options.volumes ?? [];
    if (volumes.some(isWarmVolumeRequest)) throw invalid('warm volumes are not offered on RunPod (warmVolumes is unsupported)');
    if (volumes.length > 1) throw invalid(`a RunPod pod mounts at most one network volume (asked for ${volumes.length})`);
    const { gpuTypeId, count } = parseInstanceType(options.instanceType);
    const delivery = bootstrapDelivery(options.bootstrap);
    const env = {
      ...delivery.env,
      [POD_ENV.instanceId]: options.ownership.instanceId,
      [POD_ENV.name]: options.name,
      [POD_ENV.tags]: JSON.stringify(options.tags),
      [POD_ENV.market]: options.spot ? 'spot' : 'on-demand',
    };
    let volume: PreparedSpawn['volume'] = null;
    const requested = volumes[0];
    if (requested !== undefined && !isWarmVolumeRequest(requested)) {
      const found = await this.readVolume(requested.providerVolumeId, signal);
      if (found === null) throw invalid(`no network volume ${requested.providerVolumeId}`);
      if (found.dataCenter !== options.region) {
        throw invalid(`network volume ${found.id} is in ${found.dataCenter}; a pod mounting it must be spawned in that data center, not ${options.region}`);
      }
      volume = { id: found.id, mountPath: this.config.volumeMountPath };
    }
    return { gpuTypeId, count, image: options.image ?? this.config.defaultImage, env, args: delivery.args, volume };
  }

  /**
   * An interruptible pod through GraphQL; `maxPricePerHour` null bids the current minimum of the data
   * center the pod is pinned to (minimum bids differ by data center: the cheapest one elsewhere can be
   * refused here).
   */
  private async rentInterruptable(options: SpawnOptions, maxPricePerHour: number | null, signal: AbortSignal | undefined): Promise<RunPodInstance> {
    const prepared = await this.prepare({ ...options, spot: true }, signal);
    const quote = await this.spotCall(() => this.catalog.spotQuote(prepared.gpuTypeId, prepared.count, options.region, signal));
    if (quote === null) throw invalid(`no GPU type ${prepared.gpuTypeId}`);
    const minimum = quote.lowestPrice?.minimumBidPrice ?? null;
    if (minimum === null) {
      throw new ProviderError({ code: 'CAPACITY_ERROR', provider: 'runpod', message: `runpod: RunPod quotes no spot bid for ${prepared.gpuTypeId} in ${options.region} now` });
    }
    const bidPerGpu = maxPricePerHour === null ? minimum : maxPricePerHour / prepared.count;
    if (bidPerGpu < minimum) {
      throw new BidTooLow(
        `runpod: a bid of ${round(bidPerGpu)} USD/GPU/hour is below RunPod's minimum bid of ${minimum} for ${prepared.gpuTypeId} in ${options.region}; no pod was rented`,
      );
    }
    const ports = this.config.ports;
    const answer = await this.spotCall(() =>
      this.options.graphql.request(
        'podRentInterruptable',
        RENT_INTERRUPTABLE,
        {
          input: {
            name: podName(options.ownership),
            imageName: prepared.image,
            gpuTypeId: prepared.gpuTypeId,
            gpuCount: prepared.count,
            bidPerGpu,
            cloudType: this.config.cloud,
            dataCenterId: options.region,
            containerDiskInGb: this.config.containerDiskGb,
            dockerArgs: prepared.args,
            env: Object.entries(prepared.env).map(([key, value]) => ({ key, value })),
            // Without supportPublicIp a Community Cloud pod may get no public IP, so no reachable TCP port.
            ...(ports.length > 0 && { ports: ports.join(','), supportPublicIp: true, startSsh: true }),
            ...(prepared.volume !== null && { networkVolumeId: prepared.volume.id, volumeMountPath: prepared.volume.mountPath }),
          },
        },
        RentInterruptableWireSchema,
        signal,
      ),
    );
    this.withdrawal = null;
    const rented = answer.podRentInterruptable;
    if (rented === null) throw invalid(`podRentInterruptable answered no pod for ${prepared.gpuTypeId}`);
    // The mutation answers a few fields; the pod itself is read through REST v2 like any other.
    const pod = await this.readPod(rented.id, signal);
    // The pod exists: an outcome Hangar cannot read is left to reconciliation, which adopts it by name.
    if (pod === null) throw new VendorResponseError('runpod', `runpod: rented pod ${rented.id} is not readable through REST v2 yet`);
    return toRunPodInstance(pod);
  }

  /** A spot call; RunPod refusing it as withdrawn is remembered (health, catalog, prices) before the error goes on. */
  private async spotCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof SpotWithdrawnError) {
        this.withdrawal = { since: this.withdrawal?.since ?? new Date(this.now()).toISOString(), message: error.message.replace(/^runpod: [^:]+: /, '') };
      }
      throw error;
    }
  }
}

/** A bid under RunPod's minimum, caught before any pod is rented. */
class BidTooLow extends ProviderError {
  constructor(message: string) {
    super({ code: 'CAPACITY_ERROR', provider: 'runpod', message });
  }
}

const round = (value: number): number => Math.round(value * 10_000) / 10_000;
