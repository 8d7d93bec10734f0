import {
  type PoolLauncher,
  type PoolLaunchRequest,
  type PoolLaunchResult,
  type PoolTry,
  type ProviderCallOptions,
  ProviderError,
  VendorResponseError,
} from '../../contracts/index.js';
import type { AWSInstance } from './aws-instance.js';
import type { AwsProvider } from './aws-provider.js';
import type { MultiAzProbe } from './multi-az-probe.js';
import type { SpotFleet } from './spot-fleet.js';

/** The most types one fleet takes (the spot-fleet input's limit); each type brings its zones as pools. */
export const FLEET_MAX_POOLS = 20;

/** Machines in these states are the intent's machine on a resumed launch. */
const LIVE_STATUSES = ['pending', 'running', 'stopping', 'stopped'] as const;

export interface AwsPoolLauncherOptions {
  provider: Pick<AwsProvider, 'name' | 'list' | 'get'>;
  fleet: SpotFleet;
  probe: MultiAzProbe<AWSInstance>;
}

/**
 * The placement chain's way into AWS's multi-pool workflows. A spot launch over several pools is one
 * instant EC2 Fleet of one machine (price-capacity-optimized over every type and zone, with the
 * machine's own bootstrap and Hangar id); anything else (on-demand, a machine with volumes, one spot
 * type) is the multi-AZ probe: one type, zone by zone. Both report every refusal to the capacity
 * signals the control plane bound, skip what they block, and derive their EC2 tokens from the
 * attempt's token, so a call repeated after a crash replays rather than launching again.
 */
export function createAwsPoolLauncher(options: AwsPoolLauncherOptions): PoolLauncher {
  const { provider } = options;
  return {
    // The fleet launches from a template and attaches no volumes; a spawn (the probe's) does.
    maxPools: ({ market, volumes }) => (market === 'spot' && volumes === 0 ? FLEET_MAX_POOLS : 1),
    async launch(request, call) {
      if (request.pools.length === 0) throw invalid(provider.name, 'a pool launch needs at least one pool');
      if (request.resumed) {
        // An earlier call may have made the machine: it carries the intent's Hangar id from its launch on.
        const [owned] = await provider.list(
          { owner: request.ownership.owner, hangarInstanceId: request.ownership.instanceId, region: request.region, statuses: [...LIVE_STATUSES] },
          call,
        );
        if (owned !== undefined) return { instance: owned, tries: [{ instanceType: owned.instanceType, zone: owned.zone, outcome: 'launched', errorCode: null, message: `found ${owned.providerId}, launched by an earlier call` }] };
      }
      if (request.market === 'spot' && request.pools.length > 1) {
        if (request.volumes.length > 0) throw invalid(provider.name, 'a fleet launch attaches no volumes: launch a machine with volumes from one pool');
        return viaFleet(options, request, call);
      }
      return viaProbe(options, request, call);
    },
  };
}

async function viaFleet({ provider, fleet }: AwsPoolLauncherOptions, request: PoolLaunchRequest, call: ProviderCallOptions | undefined): Promise<PoolLaunchResult> {
  const instanceTypes = [...new Set(request.pools.map((pool) => pool.instanceType))];
  if (instanceTypes.length > FLEET_MAX_POOLS) throw invalid(provider.name, `a fleet takes at most ${FLEET_MAX_POOLS} instance types, not ${instanceTypes.length}`);
  // Pools with an open zone open every zone of their type; pools pinned to zones keep the fleet to those.
  const pinned = request.pools.every((pool) => pool.zone !== null);
  const zones = pinned ? [...new Set(request.pools.map((pool) => pool.zone as string))] : undefined;
  const result = await fleet.run(
    fleet.input.parse({
      region: request.region,
      instanceTypes,
      ...(zones !== undefined && { zones }),
      count: 1,
      image: request.image,
      tags: { ...request.tags, Name: request.name },
      bootstrap: request.bootstrap,
      maxPricePerHour: request.maxPricePerHour,
      idempotencyToken: request.idempotencyToken,
      ownership: { owner: request.ownership.owner, instanceIds: [request.ownership.instanceId] },
    }),
    call,
  );
  const tries: PoolTry[] = [
    ...result.skipped.map((pool) => ({ instanceType: pool.instanceType, zone: pool.zone, outcome: 'skipped' as const, errorCode: null, message: pool.reason })),
    ...result.errors.map((error) => ({ instanceType: error.instanceType, zone: error.zone, outcome: 'refused' as const, errorCode: error.errorCode, message: error.message })),
  ];
  const machine = result.machines[0];
  if (machine === undefined) {
    const why = tries.map((entry) => `${entry.instanceType}@${entry.zone ?? request.region}: ${entry.errorCode ?? entry.outcome}`).join(', ');
    const error = new ProviderError({
      code: 'CAPACITY_ERROR',
      provider: provider.name,
      message: `${provider.name}: no spot pool of ${request.region} had capacity for one machine (${instanceTypes.join(', ')})${why === '' ? '' : `: ${why}`}`,
    });
    return { instance: null, tries, error };
  }
  const instance = await provider.get(machine.providerId, call);
  if (instance === null) {
    // EC2 answered the machine but does not show it yet: not a refusal. A resumed call finds it (or the fleet replays).
    throw new VendorResponseError(provider.name, `${provider.name}: CreateFleet launched ${machine.providerId} in ${request.region}, which DescribeInstances does not show yet`);
  }
  const by = result.fleetId === null ? 'CreateFleet' : `CreateFleet ${result.fleetId}`;
  tries.push({ instanceType: machine.instanceType, zone: machine.zone, outcome: 'launched', errorCode: null, message: `${by} launched ${machine.providerId}` });
  return { instance, tries };
}

async function viaProbe({ probe }: AwsPoolLauncherOptions, request: PoolLaunchRequest, call: ProviderCallOptions | undefined): Promise<PoolLaunchResult> {
  const [pool] = request.pools;
  if (pool === undefined || request.pools.length > 1) throw invalid('aws', 'a zone probe takes one pool');
  const result = await probe.run(
    probe.input.parse({
      instanceType: pool.instanceType,
      region: request.region,
      ...(pool.zone !== null && { zones: [pool.zone] }),
      spot: request.market === 'spot',
      image: request.image,
      name: request.name,
      tags: request.tags,
      bootstrap: request.bootstrap,
      idempotencyToken: request.idempotencyToken,
      ownership: request.ownership,
      ...(request.volumes.length > 0 && { volumes: request.volumes }),
    }),
    call,
  );
  const tries: PoolTry[] = result.attempts.map((attempt) => ({
    instanceType: pool.instanceType,
    zone: attempt.zone,
    outcome: attempt.outcome === 'launched' ? 'launched' : attempt.outcome === 'failed' ? 'refused' : 'skipped',
    errorCode: attempt.errorCode ?? null,
    message: attempt.message ?? attempt.outcome,
  }));
  if (result.instance !== null) return { instance: result.instance, tries };
  return { instance: null, tries, error: new ProviderError({ code: result.error.code, provider: 'aws', message: result.error.message }) };
}

function invalid(provider: string, message: string): ProviderError {
  return new ProviderError({ code: 'INVALID_SPEC', provider, message: `${provider}: ${message}` });
}
