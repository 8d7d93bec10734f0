import { createHash } from 'node:crypto';
import {
  CreateFleetCommand,
  type CreateFleetCommandInput,
  type CreateFleetCommandOutput,
  CreateLaunchTemplateCommand,
  type CreateLaunchTemplateCommandInput,
  CreateTagsCommand,
  DeleteLaunchTemplateCommand,
  type FleetLaunchTemplateOverridesRequest,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import {
  BootstrapConfigSchema,
  type CapacitySignals,
  InMemoryCapacitySignals,
  OWNERSHIP_TAGS,
  type ProviderCallOptions,
  type ProviderCore,
  ProviderError,
  type ProviderErrorCode,
  type ProviderInstance,
  type ProviderSnapshot,
  type ProviderWorkflow,
  SpawnOptionsSchema,
  VendorResponseError,
  firstIssue,
} from '../../contracts/index.js';
import { abortableDelay, throwIfAborted } from '../../lib/abortable-wait.js';
import { forEachLimited } from '../../lib/for-each-limited.js';
import { toTagList } from './aws-instance.js';
import { describeSpotPrices } from './aws-catalog.js';
import { EC2_MIN_SPOT_MAX_PRICE } from './aws-spot.js';
import { type Ec2Clients, runAbortable, sendOptions } from './ec2-clients.js';
import { Ec2CallError, ec2CodeOf, ec2Error, ec2ErrorRow } from './ec2-errors.js';
import type { SubnetChooser } from './subnet-chooser.js';
import type { KnownSubnet } from './subnet-discovery.js';

/**
 * The `spot-fleet` workflow: N spot machines across several instance types and zones in one
 * CreateFleet (type `instant`, `price-capacity-optimized`), so one dry pool costs a fleet a
 * pool, not the whole request.
 *
 * Launch template and user data. CreateFleet launches only from a launch template, and a request's
 * launch parameters can vary per pool only through its overrides (type, zone, subnet, image, max
 * price, weight, priority); UserData is not among them. One CreateFleet therefore cannot give each
 * of several machines its own bootstrap, and Hangar's bootstrap carries the machine's own Hangar id.
 * So a fleet of several machines takes no bootstrap: they boot their image as is, and each learns
 * its Hangar id from its `hangar:instance-id` tag through the instance metadata service (the
 * template enables InstanceMetadataTags). A fleet of one machine (the placement chain's pool
 * launch) is a spawn like any other: its template carries the machine's bootstrap as UserData and
 * its launch tags carry its Hangar id. Image and types ride in the overrides.
 *
 * One template per fleet call, deleted when the call is done (launched, refused or aborted): an
 * account holds at most 5,000 launch templates per region, and templates left behind would count
 * against it forever. An `instant` fleet has launched everything by the time CreateFleet answers,
 * so nothing needs the template afterwards. Its name is derived from the intent's token and the
 * template's content, so a retry with the same token re-creates the same name and sends a
 * CreateFleet identical to the first (its ClientToken replays), while concurrent fleets never share
 * (and never delete) each other's template. A template left by a crash, or by a delete that failed,
 * is found again by name (AlreadyExists) and deleted by the retry with the same token.
 *
 * Ownership. A fleet's TagSpecifications apply to all its machines alike, so each machine of a
 * fleet of several is launched carrying `hangar:owner` and gets its own `hangar:instance-id` right
 * after (CreateTags); a fleet of one launches its machine with both.
 * A crash between the two leaves owned machines without a Hangar id: reconciliation collects them
 * as orphans, never leaks them; a retry with the same idempotency token replays the same fleet
 * (ClientToken) and finishes the tagging, and the reconciler then adopts each machine into its row.
 */

export const SPOT_FLEET_TEMPLATE_PREFIX = 'hangar-fleet-';

/** EC2 Fleet instances carry this tag (set by EC2, not by Hangar). */
export const FLEET_ID_TAG = 'aws:ec2:fleet-id';

export const SpotFleetInputSchema = z
  .object({
    region: SpawnOptionsSchema.shape.region,
    /** The types the fleet may use; one capacity pool per type and zone. */
    instanceTypes: z.array(z.string().min(1)).min(1).max(20),
    /** Default: every zone of the region where the types are offered. */
    zones: z.array(z.string().min(1)).min(1).optional(),
    /** Target capacity: machines wanted. */
    count: z.number().int().min(1).max(100),
    image: SpawnOptionsSchema.shape.image.default(null),
    tags: SpawnOptionsSchema.shape.tags.default({}),
    /** The machine's first-boot bootstrap, rendered for its Hangar id; only for a fleet of one machine (see above). */
    bootstrap: BootstrapConfigSchema.omit({ instanceId: true }).strict().optional(),
    /** Highest spot price per machine-hour in any pool; null: up to the on-demand price (EC2's default). */
    maxPricePerHour: z.number().positive().nullable().default(null),
    /** The intent's token: the fleet's ClientToken is derived from it, so a retry replays, never duplicates. */
    idempotencyToken: SpawnOptionsSchema.shape.idempotencyToken,
    /** One Hangar id per machine, in the order machines are assigned to them. */
    ownership: z.object({ owner: z.string().min(1), instanceIds: z.array(z.string().min(1)).min(1) }).strict(),
  })
  .strict()
  .refine((input) => input.ownership.instanceIds.length === input.count, {
    message: 'ownership.instanceIds must name one Hangar id per machine (count)',
    path: ['ownership', 'instanceIds'],
  })
  .refine((input) => new Set(input.ownership.instanceIds).size === input.ownership.instanceIds.length, {
    message: 'ownership.instanceIds must be distinct',
    path: ['ownership', 'instanceIds'],
  })
  .refine((input) => input.bootstrap === undefined || input.count === 1, {
    message: 'a bootstrap is for a fleet of one machine: one CreateFleet cannot give several machines each its own user data',
    path: ['bootstrap'],
  });

export type SpotFleetInput = z.infer<typeof SpotFleetInputSchema>;

export const SPOT_FLEET_OUTCOMES = ['fulfilled', 'partial', 'none'] as const;
export type SpotFleetOutcome = (typeof SPOT_FLEET_OUTCOMES)[number];

/** One launched machine, in generic terms: the control plane records it against `hangarInstanceId`. */
export interface SpotFleetMachine {
  providerId: string;
  hangarInstanceId: string;
  instanceType: string;
  region: string;
  zone: string;
  spot: true;
  /** The pool's spot price when the fleet was requested (USD/hour), null when EC2 published none. */
  pricePerHour: number | null;
}

export interface SpotFleetPoolError {
  instanceType: string;
  zone: string | null;
  /** EC2's error code, verbatim. */
  errorCode: string;
  /** Its meaning in the taxonomy, or null for a code Hangar does not classify. */
  code: ProviderErrorCode | null;
  message: string;
}

export interface SpotFleetSkippedPool {
  instanceType: string;
  zone: string;
  reason: string;
}

export interface SpotFleetResult {
  outcome: SpotFleetOutcome;
  requested: number;
  /** Null when no fleet was requested (every pool skipped). */
  fleetId: string | null;
  machines: SpotFleetMachine[];
  /** Pools EC2 could not launch in; capacity errors among them are reported to the capacity signals. */
  errors: SpotFleetPoolError[];
  /** Pools left out of the request: blocked by the capacity signals, or in a zone without a configured subnet. */
  skipped: SpotFleetSkippedPool[];
  /** Hangar ids no machine was launched for. */
  unassigned: string[];
}

export type SpotFleetProvider = Pick<ProviderCore<ProviderInstance, ProviderSnapshot>, 'name' | 'instanceTypes' | 'generateBootstrap'>;

export interface SpotFleetOptions {
  provider: SpotFleetProvider;
  clients: Ec2Clients;
  /** The AMI when the input names none (the provider's configured default). */
  defaultImageId: string;
  keyName?: string;
  /** Where pool refusals are reported and blocked pools looked up; an in-memory port on the clock by default. */
  capacity?: CapacitySignals;
  /** The provider's subnets: each pool launches in its zone's subnet, zones without one are skipped. Default: none configured. */
  subnets?: SubnetChooser;
  now?: () => number;
  /** CreateTags right after launch can meet EC2's eventual consistency (InvalidInstanceID.NotFound): retried this often. */
  tagAttempts?: number;
  tagRetryDelayMs?: number;
}

/**
 * The workflow; its `run` also takes the call's options. An aborted signal rejects the run at once
 * with its reason and stops what is left (the catalog and price reads, CreateFleet in flight, the
 * tagging retries). Machines a fleet already launched carry `hangar:owner`; those not yet given their
 * `hangar:instance-id` are collected by reconciliation as orphans, or tagged by a rerun with the same token.
 */
export interface SpotFleet extends ProviderWorkflow<SpotFleetInput, SpotFleetResult> {
  run(input: SpotFleetInput, call?: ProviderCallOptions): Promise<SpotFleetResult>;
}

interface Pool {
  instanceType: string;
  zone: string;
  /** The zone's configured subnet, when subnets are configured. */
  subnetId?: string;
}

/** Each zone's chosen subnet, when subnets are configured. */
interface ZoneSubnets {
  get(zone: string): KnownSubnet | null;
  why(zone: string): string;
}

const TAG_CONCURRENCY = 8;

export function createAwsSpotFleet(options: SpotFleetOptions): SpotFleet {
  const now = options.now ?? Date.now;
  const capacity = options.capacity ?? new InMemoryCapacitySignals({ now });
  const providerName = options.provider.name;

  /**
   * The fleet's own template. AlreadyExists is success: the same token's template, left by a run
   * that crashed or could not delete it, has the same content (its name hashes it).
   */
  async function createTemplate(region: string, request: CreateLaunchTemplateCommandInput, signal: AbortSignal | undefined): Promise<void> {
    try {
      await options.clients.of(region).send(new CreateLaunchTemplateCommand(request), sendOptions(signal));
    } catch (error) {
      throwIfAborted(signal);
      if (ec2CodeOf(error) !== 'InvalidLaunchTemplateName.AlreadyExistsException') throw ec2Error('CreateLaunchTemplate', region, error);
    }
  }

  /**
   * Deletes the fleet's template, whatever became of the fleet. Not on the caller's signal: an
   * aborted call still cleans up behind itself. Already gone is success; any other failure leaves
   * the template (found and deleted by the next run with the same token) and never hides the
   * fleet's own outcome.
   */
  async function deleteTemplate(region: string, name: string): Promise<void> {
    try {
      await options.clients.of(region).send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: name }));
    } catch {
      // InvalidLaunchTemplateName.NotFoundException: never created (a refused create) or already deleted.
    }
  }

  return {
    description: 'launch N spot machines across instance types and zones in one instant EC2 Fleet (price-capacity-optimized), tagged for adoption; partial fulfilment is a result, not an error',
    input: SpotFleetInputSchema,
    run(raw, call) {
      return runAbortable(call?.signal, () => launchFleet(raw, call?.signal));
    },
  };

  async function launchFleet(raw: SpotFleetInput, signal: AbortSignal | undefined): Promise<SpotFleetResult> {
    const input = parseInput(providerName, raw);
    const { region } = input;
    if (input.maxPricePerHour !== null && input.maxPricePerHour < EC2_MIN_SPOT_MAX_PRICE) {
      throw new ProviderError({
        code: 'INVALID_SPEC',
        provider: providerName,
        message: `${providerName}: a maximum price of ${input.maxPricePerHour} USD/hour is below EC2's lowest accepted spot price (${EC2_MIN_SPOT_MAX_PRICE})`,
      });
    }
    const offered = await offeredZones(options.provider, input, signal);
    const zones = fleetZones(options.provider.name, input, offered);
    const subnetOf = await zoneSubnets(options.subnets, region, zones, input.idempotencyToken, signal);
    const prices = await spotPriceTable(options.clients, region, now(), signal);
    const pools: Pool[] = [];
    const skipped: SpotFleetSkippedPool[] = [];
    for (const instanceType of input.instanceTypes) {
      // Only the zones that offer the type: a pool EC2 cannot launch in at all is no pool.
      for (const zone of zones.filter((candidate) => offered.get(instanceType)?.has(candidate) === true)) {
        const subnet = subnetOf?.get(zone);
        if (subnet === null) {
          skipped.push({ instanceType, zone, reason: subnetOf?.why(zone) ?? '' });
          continue;
        }
        const blocked = capacity.blockOf({ region, zone, instanceType, market: 'spot' });
        if (blocked === null) pools.push({ instanceType, zone, ...(subnet !== undefined && { subnetId: subnet.subnetId }) });
        else skipped.push({ instanceType, zone, reason: blocked.message });
      }
    }
    if (pools.length === 0) {
      return { outcome: 'none', requested: input.count, fleetId: null, machines: [], errors: [], skipped, unassigned: [...input.ownership.instanceIds] };
    }

    const userData = input.bootstrap === undefined ? undefined : renderUserData(options.provider, input.bootstrap, input.ownership.instanceIds[0] ?? '');
    const template = launchTemplateRequest(input.ownership.owner, options.keyName, input.idempotencyToken, userData);
    const templateName = template.LaunchTemplateName ?? '';
    let answer: CreateFleetCommandOutput;
    try {
      await createTemplate(region, template, signal);
      const request = fleetRequest(input, pools, templateName, options.defaultImageId);
      answer = await options.clients
        .of(region)
        .send(new CreateFleetCommand(request), sendOptions(signal))
        .catch((error: unknown) => {
          throw ec2Error('CreateFleet', region, error);
        });
    } finally {
      await deleteTemplate(region, templateName);
    }

    const errors = poolErrors(answer);
    for (const error of errors) {
      // A price refusal says nothing of the pool's capacity, and another request may bid higher.
      if (error.code !== 'CAPACITY_ERROR' || error.errorCode === 'SpotMaxPriceTooLow' || error.zone === null) continue;
      capacity.report({ region, zone: error.zone, instanceType: error.instanceType, market: 'spot', code: 'CAPACITY_ERROR', message: `${error.errorCode}: ${error.message}` });
    }
    const launched = launchedMachines(providerName, region, answer);
    if (launched.length > input.count) {
      throw new VendorResponseError(providerName, `${providerName}: CreateFleet in ${region} launched ${launched.length} machines for a target of ${input.count}`);
    }
    // Each machine took an address of its zone's subnet, as a spawn's does: the next choice sees it.
    for (const machine of launched) {
      const subnet = subnetOf?.get(machine.zone);
      if (subnet !== undefined && subnet !== null) options.subnets?.noteLaunch(subnet);
    }
    const machines: SpotFleetMachine[] = launched.map((machine, index) => ({
      ...machine,
      hangarInstanceId: input.ownership.instanceIds[index] ?? '',
      region,
      spot: true,
      pricePerHour: prices.get(`${machine.instanceType}|${machine.zone}`) ?? null,
    }));
    // A fleet of one launched its machine with its Hangar id (fleetRequest); several get theirs now.
    if (input.count > 1) await forEachLimited(machines, TAG_CONCURRENCY, (machine) => tagMachine(options, region, machine, signal));
    const outcome: SpotFleetOutcome = machines.length === 0 ? 'none' : machines.length < input.count ? 'partial' : 'fulfilled';
    return {
      outcome,
      requested: input.count,
      fleetId: answer.FleetId ?? null,
      machines,
      errors,
      skipped,
      unassigned: input.ownership.instanceIds.slice(machines.length),
    };
  }
}

function parseInput(provider: string, raw: unknown): SpotFleetInput {
  const parsed = SpotFleetInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ProviderError({ code: 'INVALID_SPEC', provider, message: `${provider}: spot-fleet input (${firstIssue(parsed.error)})`, cause: parsed.error });
}

/** The zones of the region each type is offered in (the catalog); each type must be offered somewhere in the region. */
async function offeredZones(provider: SpotFleetProvider, input: SpotFleetInput, signal: AbortSignal | undefined): Promise<Map<string, Set<string>>> {
  const offerings = await provider.instanceTypes(signal === undefined ? undefined : { signal });
  const offered = new Map<string, Set<string>>();
  for (const instanceType of input.instanceTypes) {
    const zones = offerings.find((offering) => offering.name === instanceType)?.regions.find((entry) => entry.region === input.region)?.zones ?? [];
    if (zones.length === 0) {
      throw new ProviderError({ code: 'INVALID_SPEC', provider: provider.name, message: `${provider.name}: ${instanceType} is not offered in any zone of ${input.region}` });
    }
    offered.set(instanceType, new Set(zones));
  }
  return offered;
}

/** The zones asked for, or every zone the catalog offers any of the types in. */
function fleetZones(provider: string, input: SpotFleetInput, offered: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const any = new Set([...offered.values()].flatMap((zones) => [...zones]));
  if (input.zones === undefined) return [...any].sort();
  const unknown = input.zones.filter((zone) => !any.has(zone));
  if (unknown.length > 0) {
    throw new ProviderError({ code: 'INVALID_SPEC', provider, message: `${provider}: zones ${unknown.join(', ')} are not zones of ${input.region} offering these types` });
  }
  return [...new Set(input.zones)];
}

/** A fleet of one machine's user data: the provider's bootstrap rendered for its Hangar id, base64 as EC2 takes it. */
function renderUserData(provider: SpotFleetProvider, bootstrap: NonNullable<SpotFleetInput['bootstrap']>, instanceId: string): string {
  return Buffer.from(provider.generateBootstrap({ ...bootstrap, instanceId }).content, 'utf8').toString('base64');
}

/**
 * Each zone's subnet (null: the zone has none, and why), or null when no subnet is configured. The
 * choice is kept per intent and zone, so a retried fleet sends the same overrides (ClientToken).
 * No zone with a subnet is INVALID_SPEC.
 */
async function zoneSubnets(
  subnets: SubnetChooser | undefined,
  region: string,
  zones: readonly string[],
  idempotencyToken: string,
  signal: AbortSignal | undefined,
): Promise<ZoneSubnets | null> {
  const known = (await subnets?.zones(region, signal)) ?? null;
  if (subnets === undefined || known === null) return null;
  const chosen = new Map<string, KnownSubnet>();
  for (const zone of zones) {
    if (!known.byZone.has(zone)) continue;
    const subnet = await subnets.choose(region, zone, `spot-fleet\n${idempotencyToken}`, signal);
    if (subnet !== null) chosen.set(zone, subnet);
  }
  if (chosen.size === 0) {
    throw new ProviderError({ code: 'INVALID_SPEC', provider: 'aws', message: `aws: no zone of the fleet (${zones.join(', ')}) has a configured subnet: ${known.why(zones.join(', '))}` });
  }
  return { get: (zone) => chosen.get(zone) ?? null, why: (zone) => known.why(zone) };
}

/** Today's spot price per `type|zone`, for reporting what each machine costs. */
async function spotPriceTable(clients: Ec2Clients, region: string, now: number, signal: AbortSignal | undefined): Promise<Map<string, number>> {
  const prices = await describeSpotPrices(clients, region, now, undefined, undefined, signal);
  return new Map(prices.flatMap((price) => (price.zone === null ? [] : [[`${price.instanceType}|${price.zone}`, price.pricePerHour] as const])));
}

/**
 * One fleet's template: metadata tags on (a machine reads its `hangar:instance-id` from IMDS), IMDSv2
 * only, the root volume tagged with the owner. Its name hashes the intent's token with its content:
 * a retry of the intent names the same template (so its CreateFleet is identical and replays), and
 * no two intents share one, so deleting it after the fleet never pulls it from under another fleet.
 * The name is the idempotency key (AlreadyExists is success), so the request carries no
 * ClientToken: a token outlives its template, and re-creating a deleted template with the same
 * token is IdempotentParameterMismatch ("associated with a resource that is already deleted").
 */
export function launchTemplateRequest(owner: string, keyName: string | undefined, idempotencyToken: string, userData?: string): CreateLaunchTemplateCommandInput {
  const ownerTag = [{ Key: OWNERSHIP_TAGS.owner, Value: owner }];
  const data: CreateLaunchTemplateCommandInput['LaunchTemplateData'] = {
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', InstanceMetadataTags: 'enabled' },
    TagSpecifications: [{ ResourceType: 'volume', Tags: ownerTag }],
    ...(keyName !== undefined && { KeyName: keyName }),
    ...(userData !== undefined && { UserData: userData }),
  };
  const digest = createHash('sha256').update(JSON.stringify({ idempotencyToken, owner, data }), 'utf8').digest('hex');
  return {
    LaunchTemplateName: `${SPOT_FLEET_TEMPLATE_PREFIX}${digest.slice(0, 32)}`,
    LaunchTemplateData: data,
    VersionDescription: 'One Hangar spot fleet; deleted when its CreateFleet is done',
    TagSpecifications: [{ ResourceType: 'launch-template', Tags: ownerTag }],
  };
}

/**
 * The CreateFleet request. Overrides are in input order (types × zones), not price order: the
 * allocation strategy ranks pools by EC2's live price and capacity itself, and a request that does
 * not depend on the hour's prices stays identical on retry, which its ClientToken requires.
 */
export function fleetRequest(input: SpotFleetInput, pools: readonly Pool[], templateName: string, defaultImageId: string): CreateFleetCommandInput {
  const imageId = input.image ?? defaultImageId;
  const overrides: FleetLaunchTemplateOverridesRequest[] = pools.map((pool) => ({
    InstanceType: pool.instanceType as _InstanceType,
    // With a subnet the zone is the subnet's; it stays named, as Karpenter does, so answers and errors say the zone.
    AvailabilityZone: pool.zone,
    ...(pool.subnetId !== undefined && { SubnetId: pool.subnetId }),
    ImageId: imageId,
    // At or above EC2's floor `String` writes plain decimals, never exponent form.
    ...(input.maxPricePerHour !== null && { MaxPrice: String(input.maxPricePerHour) }),
  }));
  // Ownership last, so no caller tag can overwrite the marks reconciliation depends on. A fleet of one launches its machine with its Hangar id.
  const only = input.count === 1 ? input.ownership.instanceIds[0] : undefined;
  const instanceTags = { ...input.tags, [OWNERSHIP_TAGS.owner]: input.ownership.owner, ...(only !== undefined && { [OWNERSHIP_TAGS.instanceId]: only }) };
  return {
    Type: 'instant',
    ClientToken: fleetToken(input.idempotencyToken),
    LaunchTemplateConfigs: [{ LaunchTemplateSpecification: { LaunchTemplateName: templateName, Version: '$Latest' }, Overrides: overrides }],
    TargetCapacitySpecification: { TotalTargetCapacity: input.count, DefaultTargetCapacityType: 'spot' },
    SpotOptions: { AllocationStrategy: 'price-capacity-optimized', InstanceInterruptionBehavior: 'terminate' },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: toTagList(instanceTags) },
      { ResourceType: 'fleet', Tags: [{ Key: OWNERSHIP_TAGS.owner, Value: input.ownership.owner }] },
    ],
  };
}

/** A token of its own (not the intent's token verbatim), within EC2's 64 characters. */
export function fleetToken(idempotencyToken: string): string {
  return `fleet-${createHash('sha256').update(`spot-fleet\n${idempotencyToken}`, 'utf8').digest('hex').slice(0, 48)}`;
}

function poolErrors(answer: CreateFleetCommandOutput): SpotFleetPoolError[] {
  return (answer.Errors ?? []).map((error) => {
    const overrides = error.LaunchTemplateAndOverrides?.Overrides;
    const errorCode = error.ErrorCode ?? 'Unknown';
    return {
      instanceType: overrides?.InstanceType ?? 'unknown',
      zone: overrides?.AvailabilityZone ?? null,
      errorCode,
      code: ec2ErrorRow(errorCode)?.outcome ?? null,
      message: error.ErrorMessage ?? '',
    };
  });
}

/** Machines in answer order; ids sorted within each pool, so a replayed answer maps ids the same way. */
function launchedMachines(provider: string, region: string, answer: CreateFleetCommandOutput): { providerId: string; instanceType: string; zone: string }[] {
  return (answer.Instances ?? []).flatMap((group) => {
    const instanceType = group.InstanceType ?? group.LaunchTemplateAndOverrides?.Overrides?.InstanceType;
    const zone = group.LaunchTemplateAndOverrides?.Overrides?.AvailabilityZone;
    if (instanceType === undefined || zone === undefined) {
      throw new VendorResponseError(provider, `${provider}: CreateFleet in ${region} answered instances without their type or zone`);
    }
    return [...(group.InstanceIds ?? [])].sort().map((providerId) => ({ providerId, instanceType, zone }));
  });
}

async function tagMachine(options: SpotFleetOptions, region: string, machine: SpotFleetMachine, signal: AbortSignal | undefined): Promise<void> {
  const attempts = options.tagAttempts ?? 5;
  const delayMs = options.tagRetryDelayMs ?? 250;
  const command = new CreateTagsCommand({ Resources: [machine.providerId], Tags: [{ Key: OWNERSHIP_TAGS.instanceId, Value: machine.hangarInstanceId }] });
  for (let attempt = 1; ; attempt += 1) {
    try {
      await options.clients.of(region).send(command, sendOptions(signal));
      return;
    } catch (error) {
      // Aborted: stop retrying; the machine keeps its owner tag (see SpotFleet).
      throwIfAborted(signal);
      // A machine launched a moment ago may be unknown to CreateTags yet (eventual consistency).
      const code = ec2CodeOf(error);
      if (code !== 'InvalidInstanceID.NotFound') throw ec2Error('CreateTags', region, error);
      if (attempt >= attempts) {
        // Not NOT_FOUND: the machine exists and is owned. Retrying the workflow with the same token replays the fleet and tags it.
        throw new Ec2CallError(
          'CreateTags',
          region,
          code,
          `aws: spot fleet machine ${machine.providerId} (for ${machine.hangarInstanceId}) is not yet known to CreateTags in ${region} after ${attempts} attempts; run the workflow again with the same idempotency token to finish tagging`,
          error instanceof Error ? new Error(error.message) : undefined,
        );
      }
      await abortableDelay(delayMs * 2 ** (attempt - 1), signal);
    }
  }
}
