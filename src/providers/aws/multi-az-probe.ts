import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  BootstrapConfigSchema,
  type CapacitySignals,
  InMemoryCapacitySignals,
  isProviderError,
  ProviderError,
  type ProviderCallOptions,
  type ProviderCore,
  type ProviderInstance,
  type ProviderSnapshot,
  type ProviderWorkflow,
  SpawnOptionsSchema,
  type SpotPrice,
  firstIssue,
} from '../../contracts/index.js';
import { throwIfAborted } from '../../lib/abortable-wait.js';
import { describeSpotPrices } from './aws-catalog.js';
import type { AWSInstance } from './aws-instance.js';
import { type Ec2Clients, runAbortable } from './ec2-clients.js';
import { ec2CodeBehind } from './ec2-errors.js';
import type { SubnetChooser } from './subnet-chooser.js';

const spawnFields = SpawnOptionsSchema.shape;

export const MultiAzProbeInputSchema = z
  .object({
    instanceType: spawnFields.instanceType,
    region: spawnFields.region,
    /** The zones to try (in the probe's order); default every zone of the region offering the type. */
    zones: z.array(z.string().min(1)).min(1).optional(),
    spot: spawnFields.spot.default(false),
    image: spawnFields.image.default(null),
    name: spawnFields.name,
    tags: spawnFields.tags.default({}),
    /** The machine's first-boot bootstrap; the probe renders it once with the provider's generator. */
    bootstrap: BootstrapConfigSchema.omit({ instanceId: true }).strict().default({}),
    /** The intent's token: each zone's attempt gets its own token derived from it. */
    idempotencyToken: spawnFields.idempotencyToken,
    ownership: spawnFields.ownership,
    /** Volumes for the machine, placed and attached as a spawn's are (they may fix the zone). */
    volumes: spawnFields.volumes,
  })
  .strict();

export type MultiAzProbeInput = z.infer<typeof MultiAzProbeInputSchema>;

/** `skipped-no-subnet`: subnets are configured and none is in the zone, so nothing can launch there. */
export const PROBE_ATTEMPT_OUTCOMES = ['launched', 'skipped-cached', 'skipped-no-subnet', 'failed'] as const;

export interface ProbeAttempt {
  zone: string;
  outcome: (typeof PROBE_ATTEMPT_OUTCOMES)[number];
  errorCode?: string;
  message?: string;
}

export type MultiAzProbeResult<TInstance extends ProviderInstance> =
  | { instance: TInstance; attempts: ProbeAttempt[] }
  | { instance: null; attempts: ProbeAttempt[]; error: { code: 'CAPACITY_ERROR'; message: string } };

export type ProbeProvider<TInstance extends ProviderInstance> = Pick<
  ProviderCore<TInstance, ProviderSnapshot>,
  'name' | 'instanceTypes' | 'spawn' | 'generateBootstrap'
>;

export interface MultiAzProbeOptions<TInstance extends ProviderInstance> {
  provider: ProbeProvider<TInstance>;
  /** Where refusals are reported and blocked zones looked up: the control plane's cache when bound. */
  capacity: CapacitySignals;
  /** Today's spot prices of one type in one region, per zone; only spot probes ask. */
  spotPrices: (query: { region: string; instanceType: string }, signal?: AbortSignal) => Promise<SpotPrice[]>;
  /** The configured subnets per zone; absent or null: no subnets configured, every zone can launch. */
  subnets?: Pick<SubnetChooser, 'zones'>;
}

/** The workflow; its `run` also takes the call's options, whose signal stops the zone loop and the spawn in flight. */
export interface MultiAzProbe<TInstance extends ProviderInstance> extends ProviderWorkflow<MultiAzProbeInput, MultiAzProbeResult<TInstance>> {
  run(input: MultiAzProbeInput, call?: ProviderCallOptions): Promise<MultiAzProbeResult<TInstance>>;
}

/**
 * Tries one spawn zone by zone until a zone has capacity: spot by the zone's spot price, on-demand
 * (one price per region) in the catalog's zone order. A zone the capacity signals block (a refusal
 * the probe, the fleet or the control plane met) is skipped as `skipped-cached`; a capacity refusal
 * is reported to them and the probe moves on; any other error ends the probe unchanged, since
 * another zone cannot fix a bad spec, a quota or an unknown outcome, and the caller owns retries. An
 * aborted call's signal ends the probe at once with its reason: no further zone is tried and nothing
 * is reported for the zone in flight.
 */
export function createMultiAzProbe<TInstance extends ProviderInstance>(options: MultiAzProbeOptions<TInstance>): MultiAzProbe<TInstance> {
  const { provider, capacity } = options;
  return {
    description: 'spawn in the cheapest zone of a region that has capacity (spot by zone price), skipping zones that recently refused',
    input: MultiAzProbeInputSchema,
    run(raw, call) {
      return runAbortable(call?.signal, () => probe(raw, call?.signal));
    },
  };

  async function probe(raw: MultiAzProbeInput, signal: AbortSignal | undefined): Promise<MultiAzProbeResult<TInstance>> {
    const input = parseInput(provider.name, raw);
    const market = input.spot ? 'spot' : 'on-demand';
    const zones = await probeOrder(options, input, signal);
    const subnets = (await options.subnets?.zones(input.region, signal)) ?? null;
    if (subnets !== null && !zones.some((zone) => subnets.byZone.has(zone))) {
      throw new ProviderError({
        code: 'INVALID_SPEC',
        provider: provider.name,
        message: `${provider.name}: no zone of ${input.region} offering ${input.instanceType} (${zones.join(', ')}) has a configured subnet: ${subnets.why(zones.join(', '))}`,
      });
    }
    const bootstrap = provider.generateBootstrap({ ...input.bootstrap, instanceId: input.ownership.instanceId });
    const attempts: ProbeAttempt[] = [];
    for (const zone of zones) {
      // Only a subnet in the zone can put a machine there: a spawn would be refused (INVALID_SPEC), so skip it and say why.
      if (subnets !== null && !subnets.byZone.has(zone)) {
        attempts.push({ zone, outcome: 'skipped-no-subnet', message: subnets.why(zone) });
        continue;
      }
      const offering = { region: input.region, zone, instanceType: input.instanceType, market } as const;
      const blocked = capacity.blockOf(offering);
      if (blocked !== null) {
        attempts.push({ zone, outcome: 'skipped-cached', message: blocked.message });
        continue;
      }
      throwIfAborted(signal);
      try {
        const spawnOptions = {
          instanceType: input.instanceType,
          region: input.region,
          zone,
          spot: input.spot,
          image: input.image,
          name: input.name,
          tags: input.tags,
          bootstrap,
          idempotencyToken: zoneToken(input.idempotencyToken, zone),
          ownership: input.ownership,
          ...(input.volumes !== undefined && { volumes: input.volumes }),
        };
        const instance = await provider.spawn(spawnOptions, signal === undefined ? undefined : { signal });
        attempts.push({ zone, outcome: 'launched' });
        return { instance, attempts };
      } catch (error) {
        // An abort says nothing about the zone: stop here, remember nothing.
        throwIfAborted(signal);
        if (!isProviderError(error) || error.code !== 'CAPACITY_ERROR') throw error;
        // A price above the caller's ceiling says nothing about the zone's capacity: try on, but remember nothing.
        if (ec2CodeBehind(error) !== 'SpotMaxPriceTooLow') capacity.report({ ...offering, code: 'CAPACITY_ERROR', message: error.message });
        attempts.push({ zone, outcome: 'failed', errorCode: error.code, message: error.message });
      }
    }
    const message = `${provider.name}: no zone of ${input.region} has ${market} capacity for ${input.instanceType} (${attempts.map((attempt) => `${attempt.zone}: ${attempt.outcome}`).join(', ')})`;
    return { instance: null, attempts, error: { code: 'CAPACITY_ERROR', message } };
  }
}

/**
 * One token across zones would make each zone's attempt a different request under the same token,
 * which EC2 refuses (IdempotentParameterMismatch). A token per intent and zone lets a retried probe
 * find, never duplicate, the machine an earlier run launched in that zone. Hashed to stay within
 * EC2's 64 characters whatever the zone's name.
 */
export function zoneToken(idempotencyToken: string, zone: string): string {
  return `az-${createHash('sha256').update(`${idempotencyToken}\n${zone}`, 'utf8').digest('hex').slice(0, 48)}`;
}

/** The catalog's zones of the region; for spot, by today's zone price, unpriced zones last. */
async function probeOrder<TInstance extends ProviderInstance>(
  options: MultiAzProbeOptions<TInstance>,
  input: MultiAzProbeInput,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const offerings = await options.provider.instanceTypes(signal === undefined ? undefined : { signal });
  const zones = offerings.find((offering) => offering.name === input.instanceType)?.regions.find((entry) => entry.region === input.region)?.zones ?? [];
  if (zones.length === 0) {
    throw new ProviderError({
      code: 'INVALID_SPEC',
      provider: options.provider.name,
      message: `${options.provider.name}: ${input.instanceType} is not offered in any zone of ${input.region}`,
    });
  }
  const wanted = input.zones;
  if (wanted !== undefined) {
    const unknown = wanted.filter((zone) => !zones.includes(zone));
    if (unknown.length > 0) {
      throw new ProviderError({
        code: 'INVALID_SPEC',
        provider: options.provider.name,
        message: `${options.provider.name}: ${input.instanceType} is not offered in ${unknown.join(', ')} (${input.region} offers it in ${zones.join(', ')})`,
      });
    }
  }
  const candidates = wanted === undefined ? zones : zones.filter((zone) => wanted.includes(zone));
  if (!input.spot) return [...candidates];
  const prices = await options.spotPrices({ region: input.region, instanceType: input.instanceType }, signal);
  const priceOf = new Map<string, number>();
  for (const price of prices) {
    if (price.instanceType !== input.instanceType || price.region !== input.region || price.zone === null) continue;
    priceOf.set(price.zone, Math.min(price.pricePerHour, priceOf.get(price.zone) ?? Infinity));
  }
  const rank = (zone: string): number => priceOf.get(zone) ?? Number.MAX_VALUE;
  return [...candidates].sort((a, b) => rank(a) - rank(b));
}

function parseInput(provider: string, raw: unknown): MultiAzProbeInput {
  const parsed = MultiAzProbeInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ProviderError({ code: 'INVALID_SPEC', provider, message: `${provider}: multi-az-probe input (${firstIssue(parsed.error)})`, cause: parsed.error });
}

export interface AwsMultiAzProbeOptions {
  provider: ProbeProvider<AWSInstance>;
  clients: Ec2Clients;
  now?: () => number;
  /** The provider's capacity signals, shared with the spot fleet; an in-memory port on the provider's clock by default. */
  capacity?: CapacitySignals;
  /** The provider's subnets: zones without one are skipped. Default: none configured. */
  subnets?: SubnetChooser;
}

/** The probe over the AWS provider, with zone spot prices straight from DescribeSpotPriceHistory. */
export function createAwsMultiAzProbe(options: AwsMultiAzProbeOptions): MultiAzProbe<AWSInstance> {
  const now = options.now ?? Date.now;
  return createMultiAzProbe({
    provider: options.provider,
    capacity: options.capacity ?? new InMemoryCapacitySignals({ now }),
    spotPrices: ({ region, instanceType }, signal) => describeSpotPrices(options.clients, region, now(), instanceType, undefined, signal),
    ...(options.subnets !== undefined && { subnets: options.subnets }),
  });
}
