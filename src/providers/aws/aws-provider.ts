import {
  CancelSpotInstanceRequestsCommand,
  CreateSnapshotCommand,
  DeleteSnapshotCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeSnapshotsCommand,
  type Filter,
  type Instance,
  type InstanceMarketOptionsRequest,
  RunInstancesCommand,
  type RunInstancesCommandOutput,
  TerminateInstancesCommand,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import {
  type BootstrapConfig,
  type BootstrapOutput,
  cloudConfigBootstrap,
  type InstanceTypeOffering,
  isWarmVolumeRequest,
  type ListFilter,
  matchesListFilter,
  OWNERSHIP_TAGS,
  ownershipTags,
  type Provider,
  type ProviderCallOptions,
  ProviderError,
  readOrSkip,
  type SkippedEntryLog,
  type SnapshotOptions,
  type SpawnOptions,
  type SpotPrice,
  type SpotPriceQuery,
  type SpotRequest,
  type SpotRequestOptions,
  type TerminateResult,
  VendorResponseError,
} from '../../contracts/index.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';
import { awsOfferings, describeSpotPrices } from './aws-catalog.js';
import { Batcher } from './batcher.js';
import {
  type AWSInstance,
  AWSInstanceSchema,
  type AWSSnapshot,
  AWSSnapshotSchema,
  EC2_STATE_NAMES,
  SNAPSHOT_SOURCE_TAG,
  toAWSInstance,
  toAWSSnapshot,
  toTagList,
} from './aws-instance.js';
import { AWS_ON_DEMAND_PRICES, type OnDemandPriceTable } from './aws-pricing.js';
import { EC2_MIN_SPOT_MAX_PRICE, failedSpotRequest, spotMarketOptions } from './aws-spot.js';
import { type Ec2Clients, runAbortable, sendOptions } from './ec2-clients.js';
import { ec2CodeOf, ec2Error, isEc2Outcome } from './ec2-errors.js';
import { InstanceSightings } from './instance-sightings.js';
import { RegionMemo } from './region-memo.js';
import { AwsVolumes } from './aws-volumes.js';
import { SubnetChooser } from './subnet-chooser.js';
import type { KnownSubnet } from './subnet-discovery.js';
import type { ProviderVolume, VolumeOptions } from '../../contracts/index.js';

const NOT_BUILT = "not built yet in Hangar's AWS provider";

export const AWS_CAPABILITIES = {
  snapshots: true,
  spot: true,
  gpu: true,
  multiRegion: true,
  persistentVolumes: true,
  warmVolumes: true,
  hibernation: { unsupported: `EC2 hibernation (stop with memory saved) is ${NOT_BUILT}` },
  costExplorer: { unsupported: `reading AWS Cost Explorer (actual spend) is ${NOT_BUILT}; list prices come from a bundled table refreshed from the Price List API` },
  tailscaleNative: { unsupported: 'EC2 has no Tailscale integration: a machine joins a tailnet only if its bootstrap script installs Tailscale' },
  idempotentSpawn: true,
  customNetworking: { unsupported: `per-spawn VPCs, subnets and security groups are ${NOT_BUILT}; launches use the configured subnets (subnetId, subnets or subnetSelector)` },
} as const;

export type AwsCapabilities = typeof AWS_CAPABILITIES;

export interface AwsProviderOptions {
  clients: Ec2Clients;
  defaultImageId: string;
  /** Where launches go (a subnet, and so a zone); default: no subnet configured, the default VPC. */
  subnets?: SubnetChooser;
  keyName?: string;
  /** The on-demand prices in force; they may be refreshed while the provider runs. */
  prices?: () => OnDemandPriceTable;
  /** DescribeInstances page size (EC2 allows 5–1000). */
  pageSize?: number;
  now?: () => number;
  /** How long `get` waits to share one DescribeInstances with concurrent gets. */
  getBatchWindowMs?: number;
  /** How long after its launch an instance EC2 does not know yet is taken as not yet visible, not as gone. */
  consistencyWindowMs?: number;
  /** EBS volumes and warm pools; the registration shares them with its heartbeat and workflow. */
  volumes?: AwsVolumes;
  /** Where catalog entries and listed machines Hangar cannot read are recorded (they are skipped, never fatal). */
  skippedEntries?: SkippedEntryLog;
}

/** DescribeInstances takes up to 1000 ids; 500 keeps one request's answer small. */
const GET_BATCH_MAX_IDS = 500;

/**
 * The reference tier: the contract over EC2, one SDK client per configured region. Every method
 * that calls EC2 honours its call's signal: an already aborted call rejects without a request, and
 * an abort rejects the call at once with the signal's reason while the SDK drops the request in
 * flight (what EC2 already did stays done; a machine carries its ownership tags from RunInstances on).
 */
export class AwsProvider implements Provider<AWSInstance, AWSSnapshot, AwsCapabilities> {
  readonly name = 'aws';
  readonly tier = 'reference' as const;
  readonly capabilities = AWS_CAPABILITIES;
  readonly schemas = { instance: AWSInstanceSchema, snapshot: AWSSnapshotSchema };
  private readonly instanceRegions = new RegionMemo();
  private readonly snapshotRegions = new RegionMemo();
  private readonly spotRequestRegions = new RegionMemo();
  private readonly getBatchers: ReadonlyMap<string, Batcher<string, Instance | null>>;
  private readonly volumes: AwsVolumes;
  private readonly sightings: InstanceSightings;
  private readonly subnets: SubnetChooser;

  constructor(private readonly options: AwsProviderOptions) {
    this.sightings = new InstanceSightings(options.consistencyWindowMs);
    this.subnets = options.subnets ?? new SubnetChooser(null);
    this.getBatchers = new Map(options.clients.regions.map((region) => [region, this.describeBatcher(region)]));
    this.volumes = options.volumes ?? new AwsVolumes({ clients: options.clients });
  }

  private get clients(): Ec2Clients {
    return this.options.clients;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  instanceTypes(call?: ProviderCallOptions): Promise<InstanceTypeOffering[]> {
    return runAbortable(call?.signal, () =>
      awsOfferings(this.clients, this.options.prices?.() ?? AWS_ON_DEMAND_PRICES, this.now(), this.options.skippedEntries, call?.signal),
    );
  }

  spawn(requested: SpawnOptions, call?: ProviderCallOptions): Promise<AWSInstance> {
    const signal = call?.signal;
    return runAbortable(signal, async () => {
      const { options, subnet } = await this.placeSpawn(requested, signal);
      // Aborted while placing: no machine was asked for, so none is left behind.
      throwIfAborted(signal);
      const reservation = await this.runInstances(options, options.spot ? spotMarketOptions(null) : undefined, subnet, signal).catch((error: unknown) => {
        throw ec2Error('RunInstances', options.region, error);
      });
      return this.volumes.afterLaunch(this.launchedInstance(reservation, options.region, subnet));
    });
  }

  /**
   * The spawn's zone and subnet. Volumes: an existing volume fixes the zone, and the attach intent
   * rides on the instance's tags. Subnets: a zone is usable only through a configured subnet in it,
   * so a named zone without one is refused before anything is claimed, and a spawn that names no
   * zone (nor an existing volume) takes the region's roomiest subnet and claims warm volumes in its zone.
   */
  private async placeSpawn(requested: SpawnOptions, signal: AbortSignal | undefined): Promise<{ options: SpawnOptions; subnet: KnownSubnet | null }> {
    if (!this.subnets.configured) return { options: await this.volumes.prepareSpawn(requested, signal), subnet: null };
    this.clients.of(requested.region); // an unconfigured region is INVALID_SPEC before any subnet lookup
    const volumeFixesZone = (requested.volumes ?? []).some((volume) => !isWarmVolumeRequest(volume));
    if (requested.zone === null && volumeFixesZone) {
      const options = await this.volumes.prepareSpawn(requested, signal);
      return { options, subnet: await this.subnets.choose(options.region, options.zone, options.idempotencyToken, signal) };
    }
    const subnet = await this.subnets.choose(requested.region, requested.zone, requested.idempotencyToken, signal);
    const options = await this.volumes.prepareSpawn({ ...requested, zone: subnet?.zone ?? requested.zone }, signal);
    return { options, subnet };
  }

  terminate(providerId: string, call?: ProviderCallOptions): Promise<TerminateResult> {
    return runAbortable(call?.signal, () => this.terminateNow(providerId, call?.signal));
  }

  private async terminateNow(providerId: string, signal: AbortSignal | undefined): Promise<TerminateResult> {
    // Seen shutting down already: EC2 will finish it without being asked again.
    const ending = this.sightings.ending(providerId);
    if (ending !== undefined) return { providerId, status: ending };
    const found = await this.inRegions(this.instanceRegions, providerId, 'TerminateInstances', async (region) => {
      const answer = await this.clients.of(region).send(new TerminateInstancesCommand({ InstanceIds: [providerId] }), sendOptions(signal));
      return answer.TerminatingInstances?.find((change) => change.InstanceId === providerId) ?? null;
    });
    if (found === null) {
      // AWS: a NotFound from TerminateInstances right after a launch "does not mean the instance was or will be terminated".
      if (this.sightings.launchedRecently(providerId, this.now()) !== null) {
        throw new Error(`aws: EC2 does not know ${providerId} yet (launched moments ago; eventual consistency), so it cannot be terminated yet: try again`);
      }
      return { providerId, status: 'terminated' };
    }
    const status = found.value.CurrentState?.Name === 'terminated' ? 'terminated' : 'terminating';
    this.sightings.saw(providerId, status);
    return { providerId, status };
  }

  list(filter?: ListFilter, call?: ProviderCallOptions): Promise<AWSInstance[]> {
    const signal = call?.signal;
    return runAbortable(signal, async () => {
      const regions = filter?.region === undefined ? this.clients.regions : this.clients.regions.filter((region) => region === filter.region);
      const filters = serverSideFilters(filter);
      if (filters === null) return [];
      const perRegion = await Promise.all(regions.map((region) => this.listRegion(region, filters, signal)));
      return perRegion.flat().filter((instance) => matchesListFilter(instance, filter));
    });
  }

  get(providerId: string, call?: ProviderCallOptions): Promise<AWSInstance | null> {
    return runAbortable(call?.signal, () => this.getNow(providerId, call?.signal));
  }

  private async getNow(providerId: string, signal: AbortSignal | undefined): Promise<AWSInstance | null> {
    const found = await this.inRegions(this.instanceRegions, providerId, 'DescribeInstances', (region) => {
      const batcher = this.getBatchers.get(region);
      // The batch is shared: this caller's signal ends only its own wait.
      return batcher === undefined ? Promise.resolve(null) : batcher.add(providerId, signal);
    });
    if (found === null) {
      // Not absence while the launch is fresh: EC2 answers NotFound for a new instance for a while.
      return this.sightings.launchedRecently(providerId, this.now());
    }
    const instance = toAWSInstance(found.value, found.region);
    this.sightings.saw(instance.providerId, instance.status);
    return instance;
  }

  generateBootstrap(config: BootstrapConfig): BootstrapOutput {
    return cloudConfigBootstrap(config);
  }

  createVolume(options: VolumeOptions, call?: ProviderCallOptions): Promise<ProviderVolume> {
    return runAbortable(call?.signal, () => this.volumes.createVolume(options, call?.signal));
  }

  getVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<ProviderVolume | null> {
    return runAbortable(call?.signal, () => this.volumes.getVolume(providerVolumeId, call?.signal));
  }

  listVolumes(filter?: { owner?: string }, call?: ProviderCallOptions): Promise<ProviderVolume[]> {
    return runAbortable(call?.signal, () => this.volumes.listVolumes(filter, call?.signal));
  }

  deleteVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<void> {
    return runAbortable(call?.signal, () => this.volumes.deleteVolume(providerVolumeId, call?.signal));
  }

  createSnapshot(providerInstanceId: string, options?: SnapshotOptions, call?: ProviderCallOptions): Promise<AWSSnapshot> {
    return runAbortable(call?.signal, () => this.createSnapshotNow(providerInstanceId, options, call?.signal));
  }

  private async createSnapshotNow(providerInstanceId: string, options: SnapshotOptions | undefined, signal: AbortSignal | undefined): Promise<AWSSnapshot> {
    const instance = await this.getNow(providerInstanceId, signal);
    const root = instance?.volumes.find((volume) => volume.root) ?? instance?.volumes[0];
    if (instance === null || root === undefined) {
      throw new ProviderError({ code: 'NOT_FOUND', provider: 'aws', message: `aws: instance ${providerInstanceId} does not exist or has no root volume` });
    }
    const tags: Record<string, string> = { ...options?.tags, [SNAPSHOT_SOURCE_TAG]: providerInstanceId };
    if (instance.owner !== null) tags[OWNERSHIP_TAGS.owner] = instance.owner;
    const snapshot = await this.clients
      .of(instance.region)
      .send(
        new CreateSnapshotCommand({
          VolumeId: root.volumeId,
          Description: options?.description ?? `hangar snapshot of ${providerInstanceId}`,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: toTagList(tags) }],
        }),
        sendOptions(signal),
      )
      .catch((error: unknown) => {
        throw ec2Error('CreateSnapshot', instance.region, error);
      });
    const created = toAWSSnapshot(snapshot, instance.region);
    this.snapshotRegions.remember(created.providerSnapshotId, instance.region);
    return created;
  }

  getSnapshotStatus(providerSnapshotId: string, call?: ProviderCallOptions): Promise<AWSSnapshot | null> {
    const signal = call?.signal;
    return runAbortable(signal, async () => {
      const found = await this.inRegions(this.snapshotRegions, providerSnapshotId, 'DescribeSnapshots', async (region) => {
        const answer = await this.clients.of(region).send(new DescribeSnapshotsCommand({ SnapshotIds: [providerSnapshotId] }), sendOptions(signal));
        return answer.Snapshots?.find((snapshot) => snapshot.SnapshotId === providerSnapshotId) ?? null;
      });
      return found === null ? null : toAWSSnapshot(found.value, found.region);
    });
  }

  deleteSnapshot(providerSnapshotId: string, call?: ProviderCallOptions): Promise<void> {
    const signal = call?.signal;
    return runAbortable(signal, async () => {
      await this.inRegions(this.snapshotRegions, providerSnapshotId, 'DeleteSnapshot', async (region) => {
        await this.clients.of(region).send(new DeleteSnapshotCommand({ SnapshotId: providerSnapshotId }), sendOptions(signal));
        return true;
      });
    });
  }

  /** The latest Linux spot price per zone and type in each configured region the query names. */
  getSpotPrices(query?: SpotPriceQuery, call?: ProviderCallOptions): Promise<SpotPrice[]> {
    const signal = call?.signal;
    return runAbortable(signal, async () => {
      const regions = query?.region === undefined ? this.clients.regions : this.clients.regions.filter((region) => region === query.region);
      const now = this.now();
      const perRegion = await Promise.all(regions.map((region) => describeSpotPrices(this.clients, region, now, query?.instanceType, undefined, signal)));
      return perRegion.flat();
    });
  }

  /**
   * RunInstances on the spot market: EC2 fulfils it at once or refuses it, so a request is never left
   * open. Zone, subnet and volumes (existing or warm) are resolved as for a spawn.
   */
  requestSpotInstance(options: SpotRequestOptions, call?: ProviderCallOptions): Promise<SpotRequest> {
    return runAbortable(call?.signal, () => this.requestSpotInstanceNow(options, call?.signal));
  }

  private async requestSpotInstanceNow(options: SpotRequestOptions, signal: AbortSignal | undefined): Promise<SpotRequest> {
    const { region, maxPricePerHour } = options;
    if (maxPricePerHour !== null && maxPricePerHour < EC2_MIN_SPOT_MAX_PRICE) {
      return failedSpotRequest(
        options,
        `aws: a maximum price of ${maxPricePerHour} USD/hour is below EC2's lowest accepted spot price (${EC2_MIN_SPOT_MAX_PRICE}); no spot request was made`,
      );
    }
    // Placed as a spawn is: its volumes fix or follow the zone, ride on the tags, and attach once it runs.
    const { options: placed, subnet } = await this.placeSpawn(options, signal);
    throwIfAborted(signal);
    let reservation: RunInstancesCommandOutput;
    try {
      reservation = await this.runInstances(placed, spotMarketOptions(maxPricePerHour), subnet, signal);
    } catch (error) {
      if (ec2CodeOf(error) === 'SpotMaxPriceTooLow') {
        const detail = error instanceof Error ? error.message : String(error);
        return failedSpotRequest(options, `aws: the spot price of ${options.instanceType} in ${region} is above the maximum price (SpotMaxPriceTooLow: ${detail})`);
      }
      throw ec2Error('RunInstances', region, error);
    }
    const instance = this.volumes.afterLaunch(this.launchedInstance(reservation, region, subnet));
    if (instance.spotInstanceRequestId === null) {
      throw new VendorResponseError('aws', `aws: RunInstances in ${region} launched ${instance.providerId} on the spot market without a spot request id`);
    }
    this.spotRequestRegions.remember(instance.spotInstanceRequestId, region);
    return { requestId: instance.spotInstanceRequestId, status: 'fulfilled', providerInstanceId: instance.providerId, maxPricePerHour, message: null };
  }

  /** Idempotent: an unknown or long-gone request is success. The instance the request launched keeps running. */
  cancelSpotRequest(requestId: string, call?: ProviderCallOptions): Promise<void> {
    const signal = call?.signal;
    return runAbortable(signal, async () => {
      await this.inRegions(this.spotRequestRegions, requestId, 'CancelSpotInstanceRequests', async (region) => {
        const answer = await this.clients.of(region).send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [requestId] }), sendOptions(signal));
        return answer.CancelledSpotInstanceRequests?.find((cancelled) => cancelled.SpotInstanceRequestId === requestId) ?? null;
      });
    });
  }

  /**
   * One machine; EC2's refusal comes back unclassified, so a caller can read its code first. With a
   * subnet, the zone is the subnet's: Placement names it too, so the two always agree.
   */
  private async runInstances(
    options: SpawnOptions,
    market: InstanceMarketOptionsRequest | undefined,
    subnet: KnownSubnet | null,
    signal: AbortSignal | undefined,
  ): Promise<RunInstancesCommandOutput> {
    const zone = subnet?.zone ?? options.zone;
    const client = this.clients.of(options.region);
    // Ownership last, so no caller tag can overwrite the marks reconciliation depends on.
    const tags = { ...options.tags, Name: options.name, ...ownershipTags(options.ownership) };
    return client.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        ClientToken: options.idempotencyToken,
        ImageId: options.image ?? this.options.defaultImageId,
        InstanceType: options.instanceType as _InstanceType,
        UserData: Buffer.from(options.bootstrap.content, 'utf8').toString('base64'),
        TagSpecifications: [
          { ResourceType: 'instance', Tags: toTagList(tags) },
          { ResourceType: 'volume', Tags: toTagList(ownershipTags(options.ownership)) },
        ],
        ...(zone !== null && { Placement: { AvailabilityZone: zone } }),
        ...(market !== undefined && { InstanceMarketOptions: market }),
        ...(subnet !== null && { SubnetId: subnet.subnetId }),
        ...(this.options.keyName !== undefined && { KeyName: this.options.keyName }),
      }),
      sendOptions(signal),
    );
  }

  private launchedInstance(reservation: RunInstancesCommandOutput, region: string, subnet: KnownSubnet | null): AWSInstance {
    const launched = reservation.Instances?.[0];
    if (launched === undefined) throw new VendorResponseError('aws', `aws: RunInstances in ${region} answered without an instance`);
    if (subnet !== null) this.subnets.noteLaunch(subnet);
    const instance = toAWSInstance(launched, region);
    this.instanceRegions.remember(instance.providerId, region);
    this.sightings.launched(instance, this.now());
    return instance;
  }

  /**
   * Concurrent gets in one region share a DescribeInstances; an unknown id fails a batch, so each id
   * then asks alone. The shared call carries the batch's own signal, aborted only when every get it
   * serves has stopped waiting.
   */
  private describeBatcher(region: string): Batcher<string, Instance | null> {
    const describe = async (ids: string[], signal: AbortSignal): Promise<Map<string, Instance>> => {
      const answer = await this.clients.of(region).send(new DescribeInstancesCommand({ InstanceIds: ids }), sendOptions(signal));
      const instances = answer.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
      return new Map(instances.flatMap((instance) => (instance.InstanceId === undefined ? [] : [[instance.InstanceId, instance] as const])));
    };
    return new Batcher({
      windowMs: this.options.getBatchWindowMs ?? 100,
      maxItems: GET_BATCH_MAX_IDS,
      run: describe,
      runOne: async (id, signal) => (await describe([id], signal)).get(id) ?? null,
    });
  }

  private async listRegion(region: string, filters: Filter[], signal: AbortSignal | undefined): Promise<AWSInstance[]> {
    const client = this.clients.of(region);
    const instances: AWSInstance[] = [];
    let nextToken: string | undefined;
    do {
      const input: DescribeInstancesCommandInput = {
        MaxResults: this.options.pageSize ?? 1000,
        NextToken: nextToken,
        ...(filters.length > 0 && { Filters: filters }),
      };
      const page = await client.send(new DescribeInstancesCommand(input), sendOptions(signal)).catch((error: unknown) => {
        throw ec2Error('DescribeInstances', region, error);
      });
      for (const reservation of page.Reservations ?? []) {
        for (const raw of reservation.Instances ?? []) {
          this.volumes.attacher.noteListed(region, raw);
          // One machine Hangar cannot read never fails the listing. The reconciler does not take it
          // for gone: it confirms a missing machine with get(), which fails loudly on the same shape.
          const instance = readOrSkip(this.options.skippedEntries, 'instance', raw.InstanceId ?? null, () => toAWSInstance(raw, region));
          if (instance === undefined) continue;
          this.instanceRegions.remember(instance.providerId, region);
          instances.push(instance);
        }
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return instances;
  }

  /**
   * Runs `call` in the region that knows `id`: the remembered one first, then every other configured
   * region. Null when no region knows it (EC2 NotFound or a malformed id, or an empty answer).
   */
  private async inRegions<T>(
    memo: RegionMemo,
    id: string,
    operation: string,
    call: (region: string) => Promise<T | null>,
  ): Promise<{ region: string; value: T } | null> {
    for (const region of memo.candidates(id, this.clients.regions)) {
      let value: T | null;
      try {
        value = await call(region);
      } catch (error) {
        if (isEc2Outcome(error, 'NOT_FOUND')) continue;
        throw ec2Error(operation, region, error);
      }
      if (value === null) continue;
      memo.remember(id, region);
      return { region, value };
    }
    return null;
  }
}

/** The filter fields EC2 can apply itself; null when the filter can match nothing. */
function serverSideFilters(filter: ListFilter | undefined): Filter[] | null {
  const filters: Filter[] = [];
  if (filter?.owner !== undefined) filters.push({ Name: `tag:${OWNERSHIP_TAGS.owner}`, Values: [filter.owner] });
  if (filter?.hangarInstanceId !== undefined) filters.push({ Name: `tag:${OWNERSHIP_TAGS.instanceId}`, Values: [filter.hangarInstanceId] });
  for (const [key, value] of Object.entries(filter?.tags ?? {})) filters.push({ Name: `tag:${key}`, Values: [value] });
  if (filter?.statuses !== undefined) {
    const names = filter.statuses.flatMap((status) => EC2_STATE_NAMES[status]);
    if (names.length === 0) return null;
    filters.push({ Name: 'instance-state-name', Values: names });
  }
  return filters;
}
