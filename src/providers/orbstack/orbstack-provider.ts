import {
  type BootstrapConfig,
  type BootstrapOutput,
  type CapabilityDeclaration,
  bootstrapOutput,
  type InstanceTypeOffering,
  type ListFilter,
  matchesListFilter,
  ownershipTags,
  type ProviderCallOptions,
  ProviderError,
  type ProviderErrorCode,
  renderShellBootstrap,
  type SpawnOptions,
  type SpotPrice,
  type SpotPriceQuery,
  type SpotRequest,
  type SpotRequestOptions,
  sha256Hex,
  type TerminateResult,
} from '../../contracts/index.js';
import {
  catalogOfferings,
  DEFAULT_IMAGE,
  findRegion,
  findShape,
  isKnownImage,
  ORBSTACK_REGIONS,
  ORBSTACK_SHAPES,
  type OrbStackShape,
  spotPriceAt,
} from './orbstack-catalog.js';
import { type OrbStackInstance, OrbStackInstanceSchema, OrbStackSnapshotSchema, toOrbStackInstance } from './orbstack-instance.js';
import type { OrbStackMachineDriver } from './orbstack-machine.js';
import { SeededRandom } from '../../chaos/seeded-random.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';

/** OrbStack over `orbctl`: everything but snapshots, which `orbctl` cannot take. */
export const ORBSTACK_CAPABILITIES = {
  snapshots: { unsupported: 'orbctl has no snapshot or export command for machines; only the local driver simulates snapshots' },
  spot: true,
  gpu: { unsupported: 'OrbStack machines share the Mac’s Linux VM, which has no GPU passthrough' },
  multiRegion: true,
  persistentVolumes: { unsupported: 'OrbStack machines have only their root disk; there are no detachable volumes' },
  warmVolumes: { unsupported: 'without detachable volumes there is nothing to keep warm' },
  hibernation: { unsupported: 'OrbStack can stop a machine but does not preserve its memory across a stop' },
  costExplorer: { unsupported: 'local machines are not billed, so there is no cost data to explore' },
  tailscaleNative: { unsupported: 'OrbStack machines join Tailscale only if the bootstrap script installs it' },
  idempotentSpawn: true,
  customNetworking: { unsupported: 'all OrbStack machines share one bridge network that cannot be configured' },
} as const;

/** The spot market and interruptions are simulated by the provider itself, so every OrbStack provider declares spot. */
export type OrbStackCapabilities = CapabilityDeclaration & { readonly spot: true };

/** Machine names carry this prefix so Hangar's machines stand out among a developer's own. */
export const MACHINE_NAME_PREFIX = 'hangar-';
const SPOT_REQUEST_PREFIX = 'sir-';

export interface OrbStackProviderOptions {
  driver: OrbStackMachineDriver;
  seed: number;
  now?: () => number;
}

function invalidSpec(message: string): ProviderError {
  return providerError('INVALID_SPEC', message);
}

function providerError(code: ProviderErrorCode, message: string): ProviderError {
  return new ProviderError({ code, provider: 'orbstack', message });
}

/**
 * The testing tier: the contract over an OrbStack machine driver. Regions, zones and a spot market
 * are simulated by the provider; spawns are idempotent because the machine name is derived from
 * the idempotency token. `SnapshottingOrbStackProvider` adds snapshots for drivers that take them.
 * Every method takes the caller's signal, checked first (an aborted call touches nothing) and handed
 * to the driver, which stops waiting and stops `orbctl` when it aborts.
 */
export class OrbStackProvider<TCaps extends OrbStackCapabilities = typeof ORBSTACK_CAPABILITIES> {
  readonly name = 'orbstack';
  readonly tier = 'testing' as const;
  readonly schemas = { instance: OrbStackInstanceSchema, snapshot: OrbStackSnapshotSchema };
  protected readonly random: SeededRandom;
  protected readonly now: () => number;
  private readonly driver: OrbStackMachineDriver;

  constructor(
    readonly capabilities: TCaps,
    options: OrbStackProviderOptions,
  ) {
    this.driver = options.driver;
    this.random = new SeededRandom(options.seed ^ 0x5eed);
    this.now = options.now ?? Date.now;
  }

  async instanceTypes(call?: ProviderCallOptions): Promise<InstanceTypeOffering[]> {
    throwIfAborted(call?.signal);
    return catalogOfferings(this.now());
  }

  async spawn(options: SpawnOptions, call?: ProviderCallOptions): Promise<OrbStackInstance> {
    throwIfAborted(call?.signal);
    return this.launch(options, null, call?.signal);
  }

  async terminate(providerId: string, call?: ProviderCallOptions): Promise<TerminateResult> {
    throwIfAborted(call?.signal);
    const machine = await this.driver.deleteMachine(providerId, call?.signal);
    return { providerId, status: machine === null ? 'terminated' : 'terminating' };
  }

  async list(filter?: ListFilter, call?: ProviderCallOptions): Promise<OrbStackInstance[]> {
    throwIfAborted(call?.signal);
    const machines = await this.driver.listMachines(call?.signal);
    return machines.map(toOrbStackInstance).filter((instance) => matchesListFilter(instance, filter));
  }

  async get(providerId: string, call?: ProviderCallOptions): Promise<OrbStackInstance | null> {
    throwIfAborted(call?.signal);
    const machine = await this.driver.getMachine(providerId, call?.signal);
    return machine === null ? null : toOrbStackInstance(machine);
  }

  generateBootstrap(config: BootstrapConfig): BootstrapOutput {
    return bootstrapOutput(renderShellBootstrap(config), 'shell');
  }

  async requestSpotInstance(options: SpotRequestOptions, call?: ProviderCallOptions): Promise<SpotRequest> {
    throwIfAborted(call?.signal);
    const requestId = `${SPOT_REQUEST_PREFIX}${sha256Hex(`spot|${options.idempotencyToken}`).slice(0, 17)}`;
    const { shape, zones } = this.placement({ ...options, spot: true });
    const price = Math.min(...zones.map((zone) => spotPriceAt(shape, zone, this.now())));
    if (options.maxPricePerHour !== null && options.maxPricePerHour < price) {
      return {
        requestId,
        status: 'failed',
        providerInstanceId: null,
        maxPricePerHour: options.maxPricePerHour,
        message: `price-too-low: the spot price of ${shape.name} is ${price} per hour`,
      };
    }
    const instance = await this.launch({ ...options, spot: true }, { requestId, maxPricePerHour: options.maxPricePerHour }, call?.signal);
    return {
      requestId,
      status: 'fulfilled',
      providerInstanceId: instance.providerId,
      maxPricePerHour: options.maxPricePerHour,
      message: null,
    };
  }

  async cancelSpotRequest(requestId: string, call?: ProviderCallOptions): Promise<void> {
    throwIfAborted(call?.signal);
    if (!requestId.startsWith(SPOT_REQUEST_PREFIX)) throw invalidSpec(`${requestId} is not a spot request id`);
    const machines = await this.driver.listMachines(call?.signal);
    const machine = machines.find((candidate) => candidate.metadata.spotRequestId === requestId);
    // As on EC2, cancelling a fulfilled request leaves its machine running; an unknown request is already gone.
    if (machine) await this.driver.updateMetadata(machine.name, { spotRequestStatus: 'cancelled' }, call?.signal);
  }

  async getSpotPrices(query?: SpotPriceQuery, call?: ProviderCallOptions): Promise<SpotPrice[]> {
    throwIfAborted(call?.signal);
    const now = this.now();
    const observedAt = new Date(Math.floor(now / 3_600_000) * 3_600_000).toISOString();
    const prices: SpotPrice[] = [];
    for (const shape of ORBSTACK_SHAPES) {
      if (query?.instanceType !== undefined && query.instanceType !== shape.name) continue;
      for (const region of ORBSTACK_REGIONS) {
        if (query?.region !== undefined && query.region !== region.region) continue;
        for (const zone of region.zones) {
          prices.push({
            instanceType: shape.name,
            region: region.region,
            zone,
            pricePerHour: spotPriceAt(shape, zone, now),
            observedAt,
          });
        }
      }
    }
    return prices;
  }

  private async launch(
    options: SpawnOptions,
    spotRequest: { requestId: string; maxPricePerHour: number | null } | null,
    signal: AbortSignal | undefined,
  ): Promise<OrbStackInstance> {
    const { shape, zones } = this.placement(options);
    const image = options.image ?? DEFAULT_IMAGE;
    const spotRequestId = options.spot
      ? (spotRequest?.requestId ?? `${SPOT_REQUEST_PREFIX}${sha256Hex(`spot|${options.idempotencyToken}`).slice(0, 17)}`)
      : null;
    const machine = await this.driver.createMachine(
      {
        name: machineNameFor(options.idempotencyToken),
        zones,
        cpus: shape.vcpus,
        memoryGiB: shape.memoryGiB,
        diskGiB: shape.diskGiB,
        userData: options.bootstrap.content,
        metadata: {
          instanceType: shape.name,
          region: options.region,
          spot: options.spot,
          image,
          tags: { ...options.tags, ...ownershipTags(options.ownership) },
          bootstrapChecksum: options.bootstrap.checksum,
          spotRequestId,
          spotRequestStatus: spotRequestId === null ? null : 'fulfilled',
          maxPricePerHour: spotRequest?.maxPricePerHour ?? null,
        },
      },
      signal,
    );
    return toOrbStackInstance(machine);
  }

  /** Validates a spawn against the catalog and orders the candidate zones (seeded, so runs repeat). */
  private placement(options: SpawnOptions): { shape: OrbStackShape; zones: string[] } {
    const shape = findShape(options.instanceType);
    if (!shape) throw invalidSpec(`unknown instance type ${options.instanceType}`);
    const region = findRegion(options.region);
    if (!region) throw invalidSpec(`unknown region ${options.region}`);
    if (options.zone !== null && !region.zones.includes(options.zone)) {
      throw invalidSpec(`zone ${options.zone} is not in region ${region.region}`);
    }
    if (options.image !== null && !isKnownImage(options.image)) {
      throw invalidSpec(`unknown image ${options.image}: use distro[:version], e.g. ${DEFAULT_IMAGE}`);
    }
    if (options.zone !== null) return { shape, zones: [options.zone] };
    const zones = [...region.zones];
    const offset = this.random.int(0, zones.length - 1);
    return { shape, zones: [...zones.slice(offset), ...zones.slice(0, offset)] };
  }
}

/** One idempotency token, one machine name: a retried spawn finds the machine it already made. */
export function machineNameFor(idempotencyToken: string): string {
  return `${MACHINE_NAME_PREFIX}${sha256Hex(idempotencyToken).slice(0, 24)}`;
}
