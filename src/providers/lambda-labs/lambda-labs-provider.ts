import { z } from 'zod';
import {
  type BootstrapConfig,
  type BootstrapOutput,
  idField,
  type InstanceTypeOffering,
  isWarmVolumeRequest,
  cloudConfigBootstrap,
  type ListFilter,
  matchesListFilter,
  type ProviderCallOptions,
  type Provider,
  ProviderError,
  type ProviderErrorCode,
  ProviderSnapshotSchema,
  type ProviderSnapshot,
  type ProviderVolume,
  materialize,
  readEach,
  type SkippedEntryLog,
  type SpawnOptions,
  type TerminateResult,
  VendorResponseError,
  type VolumeOptions,
} from '../../contracts/index.js';
import { abortReason, throwIfAborted } from '../../lib/abortable-wait.js';
import { InFlight } from './in-flight.js';
import { InstanceTypesCache, lambdaOfferings, RawInstanceTypesSchema, readInstanceTypes } from './lambda-labs-catalog.js';
import type { LambdaLabsClient } from './lambda-labs-client.js';
import { LambdaLabsCallError } from './lambda-labs-errors.js';
import { IMAGE_TAG, LAUNCHED_AT_TAG, type LambdaLabsInstance, LambdaLabsInstanceSchema, toLambdaLabsInstance } from './lambda-labs-instance.js';
import { FILE_SYSTEM_PREFIX, fileSystemNameFor, hangarInstanceIdOfRaw, instanceNameFor, launchTags } from './lambda-labs-naming.js';
import { InstanceSightings } from './lambda-labs-sightings.js';
import { toProviderVolume } from './lambda-labs-volume.js';
import {
  type LambdaFileSystem,
  LambdaFileSystemDeleteResponseSchema,
  LambdaFileSystemSchema,
  type LambdaInstance,
  LambdaInstanceSchema,
  type LambdaInstanceTypes,
  type LambdaLaunchRequest,
  LambdaLaunchResponseSchema,
  LambdaTerminateResponseSchema,
} from './lambda-labs-wire.js';

/** Lambda's `user_data` limit: plain text, at most 1 MB. */
const USER_DATA_MAX_BYTES = 1024 * 1024;

export const LAMBDA_LABS_CAPABILITIES = {
  snapshots: { unsupported: 'the Lambda Cloud API has no snapshot or image-capture endpoint; keep state on a persistent file system (persistentVolumes) instead' },
  spot: { unsupported: 'Lambda sells on-demand and reserved instances only; the Lambda Cloud API has no spot market' },
  gpu: true,
  multiRegion: true,
  persistentVolumes: true,
  warmVolumes: {
    unsupported: 'Lambda file systems are created by name and mounted at launch; there is no pool of pre-created volumes. Create a volume and pass its providerVolumeId instead',
  },
  hibernation: { unsupported: 'the Lambda Cloud API can launch, restart and terminate instances, but not stop or suspend them' },
  costExplorer: { unsupported: 'the Lambda Cloud API has no billing or usage endpoint; prices come from the instance-types catalog' },
  tailscaleNative: { unsupported: 'Lambda has no Tailscale integration: a machine joins a tailnet only if its bootstrap script installs Tailscale' },
  idempotentSpawn: {
    unsupported:
      'Lambda’s launch endpoint takes no client token, so a repeated launch makes a second machine. Spawns are crash-safe instead: the name and tags carry the Hangar id, a spawn first adopts a machine already carrying it, and reconciliation adopts one whose spawn outcome was unknown',
  },
  customNetworking: { unsupported: 'Lambda instances sit on Lambda’s network with a public IP; only firewall rulesets are configurable, and Hangar does not manage them yet' },
} as const;

export type LambdaLabsCapabilities = typeof LAMBDA_LABS_CAPABILITIES;

export interface LambdaLabsProviderOptions {
  readonly client: LambdaLabsClient;
  /** The SSH key (its name in the account) every launch installs. */
  readonly sshKeyName: string;
  /** The regions spawns and volumes may use. */
  readonly regions: readonly string[];
  readonly capacityCacheMs: number;
  readonly now?: () => number;
  /** Where list entries Hangar cannot read are recorded (the registration's log, shown in health and the catalog). */
  readonly skippedEntries?: SkippedEntryLog;
}

const RawListSchema = z.array(z.unknown());
const byId = idField('id');

const IMAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOSTNAME = /^[a-z0-9][0-9a-z-]{0,62}$/;
const GONE: ReadonlySet<LambdaInstance['status']> = new Set(['terminated', 'preempted']);

/** The compact tier: the contract over the Lambda Cloud API v1, GPU machines and file systems. */
export class LambdaLabsProvider implements Provider<LambdaLabsInstance, ProviderSnapshot, LambdaLabsCapabilities> {
  readonly name = 'lambda-labs';
  readonly tier = 'compact' as const;
  readonly capabilities = LAMBDA_LABS_CAPABILITIES;
  readonly schemas = { instance: LambdaLabsInstanceSchema, snapshot: ProviderSnapshotSchema };
  private readonly types: InstanceTypesCache;
  /** Lambda reports no launch time (an instance without Hangar's tag launched no later than first seen), and terminate must know what is already ending. */
  private readonly sightings: InstanceSightings;
  // Lists are read raw and entry by entry (readEach): one entry Hangar cannot read never fails the whole list.
  // A caller whose signal aborts stops waiting alone; the shared request is aborted only when every caller has left.
  private readonly instanceList = new InFlight((signal) =>
    this.client.call({ operation: 'listInstances', method: 'GET', path: '/api/v1/instances', data: RawListSchema }, signal),
  );
  private readonly fileSystemList = new InFlight((signal) =>
    this.client.call({ operation: 'listFileSystems', method: 'GET', path: '/api/v1/file-systems', data: RawListSchema }, signal),
  );

  constructor(private readonly options: LambdaLabsProviderOptions) {
    this.sightings = new InstanceSightings(() => this.now());
    this.types = new InstanceTypesCache(
      (signal) => this.client.call({ operation: 'listInstanceTypes', method: 'GET', path: '/api/v1/instance-types', data: RawInstanceTypesSchema }, signal),
      options.now,
    );
  }

  private get client(): LambdaLabsClient {
    return this.options.client;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async instanceTypes(call?: ProviderCallOptions): Promise<InstanceTypeOffering[]> {
    throwIfAborted(call?.signal);
    return lambdaOfferings(await this.readTypes(this.options.capacityCacheMs, call?.signal), this.options.regions);
  }

  /** The cheapest authenticated call, fresh: it proves key and endpoint, and refreshes the capacity map. */
  async probe(): Promise<{ types: number; skipped: number }> {
    const raw = await this.types.get(0);
    const types = Object.keys(readInstanceTypes(raw, this.options.skippedEntries)).length;
    return { types, skipped: Object.keys(raw).length - types };
  }

  async spawn(options: SpawnOptions, call?: ProviderCallOptions): Promise<LambdaLabsInstance> {
    const signal = call?.signal;
    throwIfAborted(signal);
    const refuse = (message: string) => this.error('INVALID_SPEC', message);
    if (options.zone !== null) throw refuse(`Lambda has no availability zones; zone must be null, got "${options.zone}"`);
    if (!this.options.regions.includes(options.region)) throw refuse(`unknown region "${options.region}" (configured: ${this.options.regions.join(', ')})`);
    if (options.volumes?.some(isWarmVolumeRequest)) throw refuse(`warm volumes are not supported: ${LAMBDA_LABS_CAPABILITIES.warmVolumes.unsupported}`);
    if (Buffer.byteLength(options.bootstrap.content, 'utf8') > USER_DATA_MAX_BYTES) throw refuse('the bootstrap is larger than Lambda’s 1 MB user_data limit');
    const launchedAt = new Date(this.now()).toISOString();
    const tags = launchTags(
      { ...options.tags, ...(options.image !== null && { [IMAGE_TAG]: options.image }), [LAUNCHED_AT_TAG]: launchedAt },
      options.ownership,
    );
    if ('refused' in tags) throw refuse(tags.refused);

    const raw = await this.types.get(this.options.capacityCacheMs, signal);
    const entry = readInstanceTypes(raw, this.options.skippedEntries)[options.instanceType];
    if (entry === undefined && options.instanceType in raw) {
      throw refuse(`Lambda lists instance type "${options.instanceType}", but Hangar cannot read its entry (see the provider's skipped entries); no launch was attempted`);
    }
    if (entry === undefined) throw refuse(`unknown instance type "${options.instanceType}"`);
    if (!entry.regions_with_capacity_available.some((region) => region.name === options.region)) {
      throw this.error('CAPACITY_ERROR', `Lambda reports no capacity for ${options.instanceType} in ${options.region}; no launch was attempted`);
    }
    const fileSystemNames = await this.fileSystemNamesFor(options, signal);

    // A replay of a spawn whose outcome was unknown: the machine may already exist; never launch a second.
    // A first attempt skips this list, so it does not spend one of the scarce request slots.
    if (options.resumed === true) {
      const { instances, raws } = await this.readInstances(signal);
      const existing = instances.find(
        (instance) => !GONE.has(instance.status) && this.toInstance(instance).hangarInstanceId === options.ownership.instanceId,
      );
      if (existing !== undefined) return this.toInstance(existing);
      // The machine may be one Lambda lists but Hangar cannot read: launching would make a second. Unknown outcome.
      const readIds = new Set(instances.map((instance) => instance.id));
      const unreadable = raws.find((candidate) => !readIds.has(byId(candidate) ?? '') && hangarInstanceIdOfRaw(candidate) === options.ownership.instanceId);
      if (unreadable !== undefined) {
        throw new VendorResponseError('lambda-labs', `lambda-labs: instance ${byId(unreadable) ?? '(no id)'} carries ${options.ownership.instanceId}, but Hangar cannot read it; not launching another`);
      }
    }

    const name = instanceNameFor(options.ownership);
    const request: LambdaLaunchRequest = {
      region_name: options.region,
      instance_type_name: options.instanceType,
      ssh_key_names: [this.options.sshKeyName],
      name,
      ...(HOSTNAME.test(options.name) && { hostname: options.name }),
      ...(options.image !== null && { image: IMAGE_ID.test(options.image) ? { id: options.image } : { family: options.image } }),
      user_data: options.bootstrap.content,
      tags: tags.tags,
      ...(fileSystemNames.length > 0 && { file_system_names: fileSystemNames }),
    };
    // An abort while the launch is on the wire leaves its outcome unknown: the name and tags carry the
    // ownership marks, so reconciliation adopts or collects a machine it made.
    const launched = await this.client.call(
      { operation: 'launch', method: 'POST', path: '/api/v1/instance-operations/launch', data: LambdaLaunchResponseSchema, body: request },
      signal,
    );
    this.types.invalidate();
    const id = launched.instance_ids[0];
    if (id === undefined) throw new VendorResponseError('lambda-labs', `lambda-labs: launch in ${options.region} answered without an instance id`);
    this.sightings.note(id, 'booting', launchedAt);
    // The launch answers ids only; what it launched is known, so no extra (rate-limited) read is spent.
    return this.toInstance({
      id,
      name,
      status: 'booting',
      ssh_key_names: [this.options.sshKeyName],
      file_system_names: fileSystemNames,
      region: { name: options.region, description: '' },
      instance_type: entry.instance_type,
      ...(request.hostname !== undefined && { hostname: request.hostname }),
      tags: tags.tags,
    });
  }

  /**
   * A machine last seen terminating or terminated is not asked about again: Lambda answers a terminate of
   * one with `global/unknown`. When Lambda answers an unknown outcome all the same (the machine was ended
   * elsewhere, or the answer was lost), one read settles it: terminating or gone is done, anything else
   * leaves the outcome unknown.
   */
  async terminate(providerId: string, call?: ProviderCallOptions): Promise<TerminateResult> {
    const signal = call?.signal;
    throwIfAborted(signal);
    const ending = this.sightings.ending(providerId);
    if (ending !== null) return { providerId, status: ending };
    try {
      const answer = await this.client.call(
        {
          operation: 'terminate',
          method: 'POST',
          path: '/api/v1/instance-operations/terminate',
          data: LambdaTerminateResponseSchema,
          body: { instance_ids: [providerId] },
        },
        signal,
      );
      const instance = answer.terminated_instances.find((candidate) => candidate.id === providerId);
      const status = instance === undefined || GONE.has(instance.status) ? 'terminated' : 'terminating';
      this.sightings.note(providerId, instance?.status ?? 'terminated');
      return { providerId, status };
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'NOT_FOUND') {
        this.sightings.forget(providerId);
        return { providerId, status: 'terminated' };
      }
      if (error instanceof LambdaLabsCallError && error.failure.kind === 'http') return this.confirmEnding(providerId, error, signal);
      throw error;
    }
  }

  /** After Lambda answered a terminate with an unknown outcome: done when a read shows the machine ending or gone. */
  private async confirmEnding(providerId: string, unknownOutcome: LambdaLabsCallError, signal: AbortSignal | undefined): Promise<TerminateResult> {
    const machine = await this.get(providerId, { signal }).catch(() => {
      // A caller who gave up learns that, not the outcome the read could not settle.
      if (signal?.aborted === true) throw abortReason(signal);
      throw unknownOutcome;
    });
    if (machine === null || machine.status === 'terminated') return { providerId, status: 'terminated' };
    if (machine.status === 'terminating') return { providerId, status: 'terminating' };
    throw unknownOutcome;
  }

  /**
   * Lambda answers every instance in one response (no pagination); filters apply in memory. An instance
   * Hangar cannot read is left out and recorded; `get` of it fails loudly, so reconciliation never takes
   * it for gone.
   */
  async list(filter?: ListFilter, call?: ProviderCallOptions): Promise<LambdaLabsInstance[]> {
    throwIfAborted(call?.signal);
    const { instances, raws } = await this.readInstances(call?.signal);
    this.sightings.keepOnly(new Set(raws.map(byId).filter((id) => id !== null)));
    return instances.map((instance) => this.toInstance(instance)).filter((instance) => matchesListFilter(instance, filter));
  }

  async get(providerId: string, call?: ProviderCallOptions): Promise<LambdaLabsInstance | null> {
    throwIfAborted(call?.signal);
    try {
      const instance = await this.client.call(
        {
          operation: 'getInstance',
          method: 'GET',
          path: `/api/v1/instances/${encodeURIComponent(providerId)}`,
          data: LambdaInstanceSchema,
        },
        call?.signal,
      );
      return this.toInstance(instance);
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'NOT_FOUND') {
        this.sightings.forget(providerId);
        return null;
      }
      throw error;
    }
  }

  generateBootstrap(config: BootstrapConfig): BootstrapOutput {
    return cloudConfigBootstrap(config);
  }

  /** A Lambda file system. Lambda sizes file systems by use, so `sizeGiB` is not sent, and they take no tags. */
  async createVolume(options: VolumeOptions, call?: ProviderCallOptions): Promise<ProviderVolume> {
    throwIfAborted(call?.signal);
    if (!this.options.regions.includes(options.region)) throw this.error('INVALID_SPEC', `unknown region "${options.region}" (configured: ${this.options.regions.join(', ')})`);
    const name = fileSystemNameFor(options.name);
    if ('refused' in name) throw this.error('INVALID_SPEC', name.refused);
    const created = await this.client.call(
      {
        operation: 'createFileSystem',
        method: 'POST',
        path: '/api/v1/filesystems',
        data: LambdaFileSystemSchema,
        body: { name: name.name, region: options.region },
      },
      call?.signal,
    );
    return toProviderVolume(created, []);
  }

  /** Lambda has no single-file-system read: it is found in the list, and read strictly (an unreadable one fails loudly, never reads as gone). */
  async getVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<ProviderVolume | null> {
    throwIfAborted(call?.signal);
    const fileSystem = await this.fileSystemById(providerVolumeId, call?.signal);
    return fileSystem === null ? null : toProviderVolume(fileSystem, (await this.readInstances(call?.signal)).instances);
  }

  /** The file systems Hangar created (name prefix `hangar-`); one it cannot read is left out and recorded. */
  async listVolumes(_filter?: { owner?: string }, call?: ProviderCallOptions): Promise<ProviderVolume[]> {
    throwIfAborted(call?.signal);
    // An entry whose name says it is someone else's is not Hangar's to read; one without a readable name might be Hangar's.
    const raws = (await this.fileSystemList.run(call?.signal)).filter((raw) => idField('name')(raw)?.startsWith(FILE_SYSTEM_PREFIX) ?? true);
    const fileSystems = readEach(LambdaFileSystemSchema, raws, { kind: 'volume', log: this.options.skippedEntries, idOf: byId }).filter((fileSystem) =>
      fileSystem.name.startsWith(FILE_SYSTEM_PREFIX),
    );
    if (fileSystems.length === 0) return [];
    const { instances } = await this.readInstances(call?.signal);
    return fileSystems.map((fileSystem) => toProviderVolume(fileSystem, instances));
  }

  async deleteVolume(providerVolumeId: string, call?: ProviderCallOptions): Promise<void> {
    throwIfAborted(call?.signal);
    try {
      await this.client.call(
        {
          operation: 'deleteFileSystem',
          method: 'DELETE',
          path: `/api/v1/filesystems/${encodeURIComponent(providerVolumeId)}`,
          data: LambdaFileSystemDeleteResponseSchema,
        },
        call?.signal,
      );
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'NOT_FOUND') return;
      throw error;
    }
  }

  /** The names `file_system_names` takes, checked before the launch budget is spent. */
  private async fileSystemNamesFor(options: SpawnOptions, signal: AbortSignal | undefined): Promise<string[]> {
    const ids = (options.volumes ?? []).flatMap((volume) => ('providerVolumeId' in volume ? [volume.providerVolumeId] : []));
    if (ids.length === 0) return [];
    const fileSystems = await Promise.all(ids.map((id) => this.fileSystemById(id, signal)));
    return ids.map((id, index) => {
      const fileSystem = fileSystems[index];
      if (fileSystem === undefined || fileSystem === null) throw this.error('INVALID_SPEC', `no such volume "${id}" (Lambda file system)`);
      if (fileSystem.region.name !== options.region) {
        throw this.error('INVALID_SPEC', `volume ${id} is in ${fileSystem.region.name}, not in the spawn's region ${options.region}`);
      }
      return fileSystem.name;
    });
  }

  /** The instance list: the entries Hangar can read (the others recorded), and the raw answer. */
  private async readInstances(signal?: AbortSignal): Promise<{ instances: LambdaInstance[]; raws: unknown[] }> {
    const raws = await this.instanceList.run(signal);
    return { instances: readEach(LambdaInstanceSchema, raws, { kind: 'instance', log: this.options.skippedEntries, idOf: byId }), raws };
  }

  /** One file system by id from the list, read strictly: null when Lambda does not list it, VendorResponseError when Hangar cannot read it. */
  private async fileSystemById(id: string, signal: AbortSignal | undefined): Promise<LambdaFileSystem | null> {
    const raw = (await this.fileSystemList.run(signal)).find((candidate) => byId(candidate) === id);
    return raw === undefined ? null : materialize(LambdaFileSystemSchema, raw, 'lambda-labs', `file system ${id}`);
  }

  /** The catalog by name, each entry read on its own (an unreadable one is recorded and left out). */
  private async readTypes(maxAgeMs: number, signal: AbortSignal | undefined): Promise<LambdaInstanceTypes> {
    return readInstanceTypes(await this.types.get(maxAgeMs, signal), this.options.skippedEntries);
  }

  private toInstance(instance: LambdaInstance): LambdaLabsInstance {
    return toLambdaLabsInstance(instance, { firstSeenAt: this.sightings.note(instance.id, instance.status) });
  }

  private error(code: ProviderErrorCode, message: string): ProviderError {
    return new ProviderError({ code, provider: this.name, message: `lambda-labs: ${message}` });
  }
}
