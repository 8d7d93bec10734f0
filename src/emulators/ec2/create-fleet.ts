import { type Ec2InstanceTypeInfo, findInstanceType, offeredInZone } from './ec2-catalog.js';
import { Ec2Error, dryRunSucceeded, invalidParameterValue, missingParameter } from './ec2-error.js';
import { assertAmiIdFormat } from './ec2-id-formats.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import { itemList, scalarItemList } from './ec2-xml.js';
import {
  type Ec2FleetLaunch,
  type Ec2FleetLaunchError,
  type Ec2FleetLifecycle,
  type Ec2FleetPoolRef,
  type Ec2FleetRecord,
  type Ec2LaunchTemplateRecord,
  fleetStore,
} from './fleet-state.js';
import { assertClientToken, freeCapacity, launchInstance } from './launch-instance.js';
import { assertTemplateVersion, resolveLaunchTemplate } from './launch-templates.js';
import type { QueryParams } from './query-params.js';
import { spotPriceAt } from './spot-prices.js';
import { defaultSubnet, freeAddresses, namedSubnet } from './subnet-lookup.js';
import type { Ec2SubnetRecord } from './subnet-state.js';
import { parseTagSpecifications } from './tag-specifications.js';
import { type XmlElement, el } from './xml-renderer.js';

/**
 * CreateFleet, `Type=instant` only: one synchronous attempt across the requested capacity pools
 * (instance type × zone), answering the instances launched and an error per pool that could not
 * supply. Instances are ordinary instances (DescribeInstances sees them with their tags and
 * `aws:ec2:fleet-id`); spot ones carry a one-time spot request, as fleet-launched spot instances do.
 *
 * The allocation is an approximation of EC2's, which rests on capacity predictions the emulator
 * does not have. The emulator knows each pool's exact free capacity and uses it as that signal:
 * - `price-capacity-optimized`: among the pools that can take every instance still needed, the
 *   cheapest (per unit of weight); if none can, the pool with the most free capacity (cheaper on a
 *   tie). Repeated until the target is met or every pool is dry.
 * - `capacity-optimized` (`-prioritized`): the pool with the most free capacity (then Priority).
 * - `lowest-price` (EC2's default for spot): the cheapest pool with free capacity.
 * - `diversified`: one instance at a time round the pools with free capacity, cheapest first.
 * - on-demand: `lowest-price` (default) by the on-demand price, or `prioritized` by Priority.
 * `InstancePoolsToUseCount` is accepted and ignored. When a market falls short of its target,
 * Errors lists each of its pools that ended dry (InsufficientInstanceCapacity) or was priced out
 * (SpotMaxPriceTooLow); a fully met target answers no errors.
 */

const FLEET_TAGGABLE = ['fleet', 'instance'];
const SPOT_STRATEGIES = ['lowest-price', 'diversified', 'capacity-optimized', 'capacity-optimized-prioritized', 'price-capacity-optimized'] as const;
const ON_DEMAND_STRATEGIES = ['lowest-price', 'prioritized'] as const;
type SpotStrategy = (typeof SPOT_STRATEGIES)[number];
type OnDemandStrategy = (typeof ON_DEMAND_STRATEGIES)[number];
type Strategy = SpotStrategy | OnDemandStrategy;
const MIN_MAX_PRICE = 0.001;
const MAX_TOTAL_TARGET_CAPACITY = 10_000;

/** One capacity pool a request names: an override resolved to a type and a zone. */
interface Pool {
  readonly index: number;
  readonly ref: Ec2FleetPoolRef;
  readonly template: Ec2LaunchTemplateRecord;
  /** The override's subnet, else the zone's default subnet: instances take their addresses there. */
  readonly subnet: Ec2SubnetRecord;
  readonly typeInfo: Ec2InstanceTypeInfo;
  readonly imageId: string;
  readonly weight: number;
  readonly priority: number;
  readonly maxPrice: number | undefined;
}

interface MarketOptions {
  readonly lifecycle: Ec2FleetLifecycle;
  readonly target: number;
  readonly strategy: Strategy;
  readonly singleInstanceType: boolean;
  readonly singleAvailabilityZone: boolean;
  readonly minTargetCapacity: number;
  readonly maxTotalPrice: number | undefined;
}

interface Allocation {
  readonly pool: Pool;
  count: number;
}

interface MarketResult {
  readonly allocations: Allocation[];
  readonly units: number;
  readonly cost: number;
}

export const createFleet: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const type = params.string('Type') ?? 'maintain';
  if (!['instant', 'request', 'maintain'].includes(type)) throw invalidParameterValue(`Invalid value '${type}' for Type. Valid values: request, maintain, instant.`);
  if (type !== 'instant') {
    throw invalidParameterValue(`This emulator supports only EC2 Fleets of type 'instant'; '${type}' fleets are asynchronous and not emulated.`);
  }
  const clientToken = params.string('ClientToken');
  assertClientToken(clientToken);
  const tags = parseTagSpecifications(params, FLEET_TAGGABLE);
  const pools = parsePools(context);
  const { spot, onDemand } = parseTargets(params);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();

  const store = fleetStore(state);
  const fingerprint = params.fingerprint(['Action', 'Version', 'ClientToken', 'DryRun']);
  if (clientToken !== undefined && clientToken !== '') {
    const previous = store.fleetByToken(region.name, clientToken);
    if (previous !== undefined) {
      if (previous.fingerprint !== fingerprint) {
        throw new Ec2Error(
          'IdempotentParameterMismatch',
          'The client token you have provided is associated with a resource that is already deleted or with a request that has different parameters. Please use a different client token.',
        );
      }
      return fleetXml(previous);
    }
  }

  const taken = new Map<string, number>();
  const errors: Ec2FleetLaunchError[] = [];
  const launches: Ec2FleetLaunch[] = [];
  const fleetId = fleetIdFrom(state.ids.next(), state.ids.next());
  const instanceTags = new Map([...(tags.get('instance') ?? []), ['aws:ec2:fleet-id', fleetId]]);
  // On-demand first: EC2 launches the on-demand base before the spot remainder.
  for (const market of [onDemand, spot]) {
    if (market.target <= 0) continue;
    const outcome = fulfil(context, pools, market, taken, errors);
    for (const allocation of outcome.allocations) {
      const reservationId = state.ids.resourceId('r');
      const instanceIds: string[] = [];
      for (let index = 0; index < allocation.count; index += 1) {
        const { pool } = allocation;
        const instance = launchInstance(context, {
          reservationId,
          zone: pool.ref.zone,
          subnet: pool.subnet,
          typeInfo: pool.typeInfo,
          imageId: pool.imageId,
          tags: new Map([...(pool.template.data.tags.get('instance') ?? []), ...instanceTags]),
          volumeTags: pool.template.data.tags.get('volume'),
          userData: pool.template.data.userData,
          clientToken: undefined,
          keyName: pool.template.data.keyName,
          amiLaunchIndex: index,
          spot:
            market.lifecycle === 'on-demand'
              ? undefined
              : {
                  type: 'one-time',
                  interruptionBehavior: params.struct('SpotOptions').string('InstanceInterruptionBehavior') ?? 'terminate',
                  spotPrice: (pool.maxPrice ?? pool.typeInfo.onDemandUsdPerHour).toFixed(6),
                  tags: pool.template.data.tags.get('spot-instances-request'),
                },
        });
        instanceIds.push(instance.instanceId);
      }
      launches.push({ pool: allocation.pool.ref, lifecycle: market.lifecycle, instanceIds });
    }
  }

  const fleet: Ec2FleetRecord = {
    fleetId,
    region: region.name,
    type: 'instant',
    createdAt: now,
    fingerprint,
    clientToken: clientToken === '' ? undefined : clientToken,
    tags: new Map(tags.get('fleet')),
    instances: launches,
    errors,
  };
  store.rememberFleet(fleet);
  return fleetXml(fleet);
};

/** `fleet-` and a UUID-shaped id, as EC2 fleet ids are. */
function fleetIdFrom(a: number, b: number): string {
  const hex = (Math.floor(a * 2 ** 32).toString(16).padStart(8, '0') + Math.floor(b * 2 ** 32).toString(16).padStart(8, '0')).repeat(2);
  return `fleet-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function parsePools(context: Ec2RequestContext): Pool[] {
  const { params } = context;
  const configs = params.structs('LaunchTemplateConfigs');
  if (configs.length === 0) throw missingParameter('LaunchTemplateConfigs');
  if (configs.length > 50) throw invalidParameterValue('A fleet can have at most 50 launch template configurations.');
  const pools: Pool[] = [];
  for (const config of configs) {
    if (!config.has('LaunchTemplateSpecification')) throw missingParameter('LaunchTemplateConfigs.N.LaunchTemplateSpecification');
    const specification = config.struct('LaunchTemplateSpecification');
    const template = resolveLaunchTemplate(context, specification);
    const version = assertTemplateVersion(template, specification.string('Version'));
    const overrides = config.structs('Overrides');
    for (const override of overrides.length === 0 ? [undefined] : overrides) {
      const instanceType = override?.string('InstanceType') ?? template.data.instanceType;
      if (instanceType === undefined) throw invalidParameterValue('An instance type must be given by the launch template or by each override.');
      const typeInfo = findInstanceType(instanceType);
      if (typeInfo === undefined) throw invalidParameterValue(`The following supplied instance types do not exist: [${instanceType}]`);
      const imageId = override?.string('ImageId') ?? template.data.imageId;
      if (imageId === undefined) throw invalidParameterValue('An image must be given by the launch template (ImageId) or by each override.');
      assertAmiIdFormat(imageId);
      const weight = override?.string('WeightedCapacity') === undefined ? 1 : Number(override.string('WeightedCapacity'));
      if (!Number.isFinite(weight) || weight <= 0) throw invalidParameterValue(`Invalid WeightedCapacity '${override?.string('WeightedCapacity') ?? ''}': it must be positive.`);
      const rawPriority = override?.string('Priority');
      const priority = rawPriority === undefined ? Number.MAX_VALUE : Number(rawPriority);
      if (!Number.isFinite(priority) || priority < 0) throw invalidParameterValue(`Invalid Priority '${rawPriority ?? ''}'.`);
      const rawMaxPrice = override?.string('MaxPrice');
      const maxPrice = rawMaxPrice === undefined ? undefined : Number(rawMaxPrice);
      if (maxPrice !== undefined && (!Number.isFinite(maxPrice) || maxPrice < MIN_MAX_PRICE)) {
        throw invalidParameterValue(`Invalid max price '${rawMaxPrice ?? ''}': the max price must be more than USD $0.001.`);
      }
      for (const { zone, subnet } of overridePlacements(context, override)) {
        pools.push({
          index: pools.length,
          template,
          subnet,
          typeInfo,
          imageId,
          weight,
          priority,
          maxPrice,
          ref: {
            launchTemplateId: specification.string('LaunchTemplateId'),
            launchTemplateName: specification.string('LaunchTemplateName'),
            version,
            instanceType,
            zone,
            subnetId: subnet.subnetId,
            maxPrice: rawMaxPrice,
            weightedCapacity: override?.string('WeightedCapacity') === undefined ? undefined : weight,
            priority: rawPriority === undefined ? undefined : priority,
            imageId: override?.string('ImageId'),
          },
        });
      }
    }
  }
  if (pools.length > 300) throw invalidParameterValue(`A fleet can have at most 300 launch template overrides (${pools.length} given, zones expanded).`);
  return pools;
}

/**
 * An override's pools: its subnet's zone when it names a SubnetId (a different AvailabilityZone
 * beside it is refused with RunInstances' InvalidParameterValue: EC2 Fleet launches through
 * RunInstances, and whether it fails the request or only the pool is not documented; the
 * emulator fails the request), else AvailabilityZone / Placement.AvailabilityZone, else every
 * zone of the region; the latter two launch in the zone's default subnet, which needs a default VPC.
 */
function overridePlacements(context: Ec2RequestContext, override: QueryParams | undefined): { zone: string; subnet: Ec2SubnetRecord }[] {
  const { region } = context;
  const named = override?.string('AvailabilityZone') ?? override?.struct('Placement').string('AvailabilityZone');
  if (named !== undefined && !region.zones.some((zone) => zone.name === named)) throw invalidParameterValue(`Invalid availability zone: [${named}]`);
  const subnet = namedSubnet(context, override?.string('SubnetId'), named);
  if (subnet !== undefined) return [{ zone: subnet.zone, subnet }];
  const zones = named === undefined ? region.zones.map((zone) => zone.name) : [named];
  return zones.map((zone) => ({ zone, subnet: defaultSubnet(context, zone) }));
}

function parseTargets(params: QueryParams): { spot: MarketOptions; onDemand: MarketOptions } {
  if (!params.has('TargetCapacitySpecification')) throw missingParameter('TargetCapacitySpecification');
  const target = params.struct('TargetCapacitySpecification');
  const total = target.integer('TotalTargetCapacity');
  if (total === undefined) throw missingParameter('TargetCapacitySpecification.TotalTargetCapacity');
  if (total < 1 || total > MAX_TOTAL_TARGET_CAPACITY) {
    throw invalidParameterValue(`TotalTargetCapacity must be between 1 and ${MAX_TOTAL_TARGET_CAPACITY} for an instant fleet.`);
  }
  const onDemandBase = target.integer('OnDemandTargetCapacity') ?? 0;
  const spotBase = target.integer('SpotTargetCapacity') ?? 0;
  if (onDemandBase < 0 || spotBase < 0 || onDemandBase + spotBase > total) {
    throw invalidParameterValue('OnDemandTargetCapacity and SpotTargetCapacity together cannot exceed TotalTargetCapacity.');
  }
  const unit = target.string('TargetCapacityUnitType');
  if (unit !== undefined && unit !== 'units') throw invalidParameterValue(`TargetCapacityUnitType '${unit}' is not supported by this emulator (only 'units').`);
  const remainder = total - onDemandBase - spotBase;
  const defaultType = target.string('DefaultTargetCapacityType');
  if (defaultType !== undefined && defaultType !== 'spot' && defaultType !== 'on-demand') {
    throw invalidParameterValue(`DefaultTargetCapacityType '${defaultType}' is not supported by this emulator (spot or on-demand).`);
  }
  // EC2 documents no default; the emulator refuses to guess which market the remainder goes to.
  if (remainder > 0 && defaultType === undefined) throw missingParameter('TargetCapacitySpecification.DefaultTargetCapacityType');
  const spotOptions = params.struct('SpotOptions');
  const onDemandOptions = params.struct('OnDemandOptions');
  return {
    spot: {
      lifecycle: 'spot',
      target: spotBase + (defaultType === 'spot' ? remainder : 0),
      strategy: oneOf(spotOptions.string('AllocationStrategy') ?? 'lowest-price', SPOT_STRATEGIES, 'SpotOptions.AllocationStrategy'),
      ...marketLimits(spotOptions, 'SpotOptions'),
    },
    onDemand: {
      lifecycle: 'on-demand',
      target: onDemandBase + (defaultType === 'on-demand' ? remainder : 0),
      strategy: oneOf(onDemandOptions.string('AllocationStrategy') ?? 'lowest-price', ON_DEMAND_STRATEGIES, 'OnDemandOptions.AllocationStrategy'),
      ...marketLimits(onDemandOptions, 'OnDemandOptions'),
    },
  };
}

function marketLimits(options: QueryParams, name: string): Pick<MarketOptions, 'singleInstanceType' | 'singleAvailabilityZone' | 'minTargetCapacity' | 'maxTotalPrice'> {
  const rawMaxTotal = options.string('MaxTotalPrice');
  const maxTotalPrice = rawMaxTotal === undefined ? undefined : Number(rawMaxTotal);
  if (maxTotalPrice !== undefined && (!Number.isFinite(maxTotalPrice) || maxTotalPrice <= 0)) {
    throw invalidParameterValue(`Invalid ${name}.MaxTotalPrice '${rawMaxTotal ?? ''}'.`);
  }
  const minTargetCapacity = options.integer('MinTargetCapacity') ?? 0;
  if (minTargetCapacity < 0) throw invalidParameterValue(`${name}.MinTargetCapacity cannot be negative.`);
  return {
    singleInstanceType: options.boolean('SingleInstanceType') ?? false,
    singleAvailabilityZone: options.boolean('SingleAvailabilityZone') ?? false,
    minTargetCapacity,
    maxTotalPrice,
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw invalidParameterValue(`Invalid value '${value}' for ${name}. Valid values: ${allowed.join(', ')}.`);
  return found;
}

const capacityKey = (pool: Pool): string => `${pool.ref.zone}|${pool.ref.instanceType}`;
/** Addresses a subnet gives out are counted in the same map as capacity, under their own key. */
const addressKey = (pool: Pool): string => `subnet|${pool.subnet.subnetId}`;

/** Counts `take` instances of the pool against its capacity and its subnet's addresses. */
function claim(claimed: Map<string, number>, pool: Pool, take: number): void {
  for (const key of [capacityKey(pool), addressKey(pool)]) claimed.set(key, (claimed.get(key) ?? 0) + take);
}

/** Decides one market's launches against the shared `taken` counts, records its errors, and commits what it takes. */
function fulfil(context: Ec2RequestContext, pools: readonly Pool[], market: MarketOptions, taken: Map<string, number>, errors: Ec2FleetLaunchError[]): MarketResult {
  const priced = pools.map((pool) => ({ pool, price: poolPrice(context, pool, market.lifecycle) }));
  const pricedOut = market.lifecycle === 'spot' ? priced.filter(({ pool, price }) => price > (pool.maxPrice ?? pool.typeInfo.onDemandUsdPerHour)) : [];
  const eligible = priced.filter((entry) => !pricedOut.includes(entry));
  // A pool is as deep as its capacity and its subnet's free addresses allow.
  const available = (pool: Pool, claimed: ReadonlyMap<string, number>): number =>
    Math.max(
      0,
      Math.min(
        freeCapacity(context, pool.ref.zone, pool.ref.instanceType) - (claimed.get(capacityKey(pool)) ?? 0),
        freeAddresses(context, pool.subnet) - (claimed.get(addressKey(pool)) ?? 0),
      ),
    );

  const groups = groupPools(eligible, market);
  let best: { result: MarketResult; claimed: Map<string, number> } | undefined;
  for (const group of groups) {
    const claimed = new Map(taken);
    const result = allocate(group, market, (pool) => available(pool, claimed), claimed);
    if (best === undefined || result.units > best.result.units || (result.units === best.result.units && result.cost < best.result.cost)) {
      best = { result, claimed };
    }
  }
  const result = best?.result ?? { allocations: [], units: 0, cost: 0 };
  const met = result.units >= market.target;
  const belowMinimum = market.minTargetCapacity > 0 && result.units < market.minTargetCapacity;
  if (!belowMinimum && best !== undefined) for (const [key, count] of best.claimed) taken.set(key, count);

  if (!met) {
    for (const { pool } of eligible) {
      if (available(pool, taken) > 0 && !belowMinimum) continue;
      const outOfAddresses = !belowMinimum && freeAddresses(context, pool.subnet) - (taken.get(addressKey(pool)) ?? 0) <= 0;
      if (!belowMinimum && !offeredInZone(pool.typeInfo, pool.ref.zone)) {
        errors.push({
          pool: pool.ref,
          lifecycle: market.lifecycle,
          errorCode: 'Unsupported',
          errorMessage: `Your requested instance type (${pool.ref.instanceType}) is not supported in your requested Availability Zone (${pool.ref.zone}).`,
        });
        continue;
      }
      errors.push({
        pool: pool.ref,
        lifecycle: market.lifecycle,
        errorCode: belowMinimum ? 'UnfulfillableCapacity' : outOfAddresses ? 'InsufficientFreeAddressesInSubnet' : 'InsufficientInstanceCapacity',
        errorMessage: belowMinimum
          ? `Unable to fulfill the minimum target capacity of ${market.minTargetCapacity} (${result.units} available); no ${market.lifecycle} instances were launched.`
          : outOfAddresses
            ? `There are not enough free addresses in subnet '${pool.subnet.subnetId}' to satisfy the requested number of instances.`
            : market.lifecycle === 'spot'
            ? `There is no Spot capacity available that matches your request (${pool.ref.instanceType} in ${pool.ref.zone}).`
            : `We currently do not have sufficient ${pool.ref.instanceType} capacity in the Availability Zone you requested (${pool.ref.zone}).`,
      });
    }
    for (const { pool, price } of pricedOut) {
      errors.push({
        pool: pool.ref,
        lifecycle: market.lifecycle,
        errorCode: 'SpotMaxPriceTooLow',
        errorMessage: `Your Spot request price of ${pool.maxPrice ?? pool.typeInfo.onDemandUsdPerHour} is lower than the minimum required Spot request fulfillment price of ${price}.`,
      });
    }
  }
  return belowMinimum ? { allocations: [], units: 0, cost: 0 } : result;
}

function poolPrice(context: Ec2RequestContext, pool: Pool, lifecycle: Ec2FleetLifecycle): number {
  if (lifecycle === 'on-demand') return pool.typeInfo.onDemandUsdPerHour;
  return Number(spotPriceAt(context.state.options.seed, pool.ref.zone, pool.typeInfo, context.now));
}

/** SingleInstanceType / SingleAvailabilityZone: each type (zone, or both) is a candidate on its own; otherwise one group of every pool. */
function groupPools(priced: readonly { pool: Pool; price: number }[], market: MarketOptions): { pool: Pool; price: number }[][] {
  if (!market.singleInstanceType && !market.singleAvailabilityZone) return [[...priced]];
  const groups = new Map<string, { pool: Pool; price: number }[]>();
  for (const entry of priced) {
    const key = `${market.singleInstanceType ? entry.pool.ref.instanceType : ''}|${market.singleAvailabilityZone ? entry.pool.ref.zone : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()];
}

/** Takes from the pools the strategy prefers until the target is met, capacity runs out, or MaxTotalPrice stops it. */
function allocate(
  priced: readonly { pool: Pool; price: number }[],
  market: MarketOptions,
  available: (pool: Pool) => number,
  claimed: Map<string, number>,
): MarketResult {
  const allocations = new Map<number, Allocation>();
  let units = 0;
  let cost = 0;
  let turn = 0;
  for (;;) {
    const remaining = market.target - units;
    if (remaining <= 0) break;
    const open = priced.filter(({ pool }) => available(pool) > 0);
    if (open.length === 0) break;
    const pick = choosePool(open, market.strategy, remaining, available, turn);
    turn += 1;
    const { pool, price } = pick;
    const needed = Math.ceil(remaining / pool.weight);
    let take = market.strategy === 'diversified' ? 1 : Math.min(available(pool), needed);
    if (market.maxTotalPrice !== undefined) take = Math.min(take, Math.floor((market.maxTotalPrice - cost + 1e-9) / price));
    if (take <= 0) break;
    const allocation = allocations.get(pool.index) ?? { pool, count: 0 };
    allocation.count += take;
    allocations.set(pool.index, allocation);
    claim(claimed, pool, take);
    units += take * pool.weight;
    cost += take * price;
  }
  return { allocations: [...allocations.values()].sort((a, b) => a.pool.index - b.pool.index), units, cost };
}

function choosePool(
  open: readonly { pool: Pool; price: number }[],
  strategy: Strategy,
  remaining: number,
  available: (pool: Pool) => number,
  turn: number,
): { pool: Pool; price: number } {
  const unitPrice = (entry: { pool: Pool; price: number }): number => entry.price / entry.pool.weight;
  const cheapest = (a: { pool: Pool; price: number }, b: { pool: Pool; price: number }): number => unitPrice(a) - unitPrice(b) || a.pool.index - b.pool.index;
  const roomiest = (a: { pool: Pool; price: number }, b: { pool: Pool; price: number }): number => available(b.pool) * b.pool.weight - available(a.pool) * a.pool.weight;
  const byPriority = (a: { pool: Pool; price: number }, b: { pool: Pool; price: number }): number => a.pool.priority - b.pool.priority;
  const sorted = (compare: (a: { pool: Pool; price: number }, b: { pool: Pool; price: number }) => number): { pool: Pool; price: number } => {
    const [first] = [...open].sort(compare);
    if (first === undefined) throw new Ec2Error('InternalError', 'no open pool', 500);
    return first;
  };
  switch (strategy) {
    case 'price-capacity-optimized': {
      const deep = open.filter(({ pool }) => available(pool) * pool.weight >= remaining);
      if (deep.length > 0) return [...deep].sort(cheapest)[0] ?? sorted(cheapest);
      return sorted((a, b) => roomiest(a, b) || cheapest(a, b));
    }
    case 'capacity-optimized':
      return sorted((a, b) => roomiest(a, b) || cheapest(a, b));
    case 'capacity-optimized-prioritized':
      return sorted((a, b) => roomiest(a, b) || byPriority(a, b) || cheapest(a, b));
    case 'prioritized':
      return sorted((a, b) => byPriority(a, b) || cheapest(a, b));
    case 'diversified': {
      const ordered = [...open].sort(cheapest);
      return ordered[turn % ordered.length] ?? sorted(cheapest);
    }
    case 'lowest-price':
      return sorted(cheapest);
  }
}

function poolXml(ref: Ec2FleetPoolRef): XmlElement[] {
  return el('launchTemplateAndOverrides', [
    ...el('launchTemplateSpecification', [
      ...el('launchTemplateId', ref.launchTemplateId),
      ...el('launchTemplateName', ref.launchTemplateName),
      ...el('version', ref.version),
    ]),
    ...el('overrides', [
      ...el('instanceType', ref.instanceType),
      ...el('maxPrice', ref.maxPrice),
      ...el('subnetId', ref.subnetId),
      ...el('availabilityZone', ref.zone),
      ...el('weightedCapacity', ref.weightedCapacity),
      ...el('priority', ref.priority),
      ...el('imageId', ref.imageId),
    ]),
  ]);
}

function fleetXml(fleet: Ec2FleetRecord): XmlElement[] {
  return [
    ...el('fleetId', fleet.fleetId),
    ...itemList(
      'errorSet',
      fleet.errors.map((error) => [
        ...poolXml(error.pool),
        ...el('lifecycle', error.lifecycle),
        ...el('errorCode', error.errorCode),
        ...el('errorMessage', error.errorMessage),
      ]),
    ),
    ...itemList(
      'fleetInstanceSet',
      fleet.instances.map((launch) => [
        ...poolXml(launch.pool),
        ...el('lifecycle', launch.lifecycle),
        ...scalarItemList('instanceIds', launch.instanceIds),
        ...el('instanceType', launch.pool.instanceType),
      ]),
    ),
  ];
}
