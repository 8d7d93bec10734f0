import {
  type HeartbeatResult,
  type HeartbeatTask,
  InMemoryCapacitySignals,
  type ProviderRegistration,
  SkippedEntryLog,
  SwitchableCapacitySignals,
} from '../../contracts/index.js';
import { awsHealthCheck } from './aws-health-check.js';
import { type AwsCredentialEnv, createAwsReadiness } from './aws-readiness.js';
import { createAwsDryRunProbe } from './dry-run-probe.js';
import type { AwsConfig } from './aws-config.js';
import type { AWSInstance, AWSSnapshot } from './aws-instance.js';
import { AWS_ON_DEMAND_PRICES, type OnDemandPriceTable } from './aws-pricing.js';
import { type AwsCapabilities, AwsProvider } from './aws-provider.js';
import { type Ec2ClientOptions, Ec2Clients } from './ec2-clients.js';
import { createAwsMultiAzProbe } from './multi-az-probe.js';
import { OnDemandPriceBook, pricingClient } from './on-demand-price-book.js';
import { createAwsPoolLauncher } from './pool-launcher.js';
import { createAwsSpotFleet } from './spot-fleet.js';
import { configuredSubnets } from './subnet-chooser.js';
import { AwsVolumes, type AwsVolumesOptions } from './aws-volumes.js';
import { createWarmVolumesWorkflow } from './warm-volumes-workflow.js';

export interface AwsRegistrationContext extends Ec2ClientOptions {
  /** The bundled on-demand prices the price book starts from. */
  prices?: OnDemandPriceTable;
  pageSize?: number;
  now?: () => number;
  /** See `AwsProviderOptions.consistencyWindowMs`. */
  consistencyWindowMs?: number;
  /** The control plane's ownership marker, for the volumes it creates unasked (warm pools); default `hangar`. */
  owner?: string;
  /** Warm-claim grace and the after-spawn attach task's polling (tests shorten them). */
  volumes?: Pick<AwsVolumesOptions, 'claimGraceMs' | 'attach' | 'poolPassIntervalMs'>;
  /** Where the readiness check `configured` looks for the SDK's credential variables; default `process.env` (what the SDK reads). */
  env?: AwsCredentialEnv;
}

export type AwsRegistration = ProviderRegistration<AWSInstance, AWSSnapshot, AwsCapabilities>;

export function createAwsRegistration(config: AwsConfig, context: AwsRegistrationContext = {}): AwsRegistration {
  const clients = new Ec2Clients(config, context);
  // Where launches go: the configured subnets (read from EC2, shared by spawns and every workflow), or the default VPC.
  const subnets = configuredSubnets(config, clients, context.now);
  // Catalog entries, machines, volumes and prices EC2 answers that Hangar cannot read: skipped, counted, shown in health.
  const skippedEntries = new SkippedEntryLog(context.now);
  const priceBook = new OnDemandPriceBook(
    context.prices ?? AWS_ON_DEMAND_PRICES,
    config.pricing.enabled ? pricingClient(config.pricing.endpoint, context.credentials) : null,
    context.now,
    { skipped: skippedEntries },
  );
  const volumes = new AwsVolumes({
    clients,
    warmPools: config.warmVolumes.pools,
    skippedEntries,
    ...(context.owner !== undefined && { owner: context.owner }),
    ...(context.now !== undefined && { now: context.now }),
    ...context.volumes,
  });
  const provider = new AwsProvider({
    clients,
    volumes,
    defaultImageId: config.defaultImageId,
    subnets,
    ...(config.keyName !== undefined && { keyName: config.keyName }),
    prices: () => priceBook.table(),
    skippedEntries,
    ...(context.pageSize !== undefined && { pageSize: context.pageSize }),
    ...(context.now !== undefined && { now: context.now }),
    ...(context.consistencyWindowMs !== undefined && { consistencyWindowMs: context.consistencyWindowMs }),
  });
  // One set of capacity signals for every workflow (a zone the probe found dry is dry for the fleet too):
  // in memory until a control plane binds its capacity-error cache, then that cache, so there is one owner.
  const capacity = new SwitchableCapacitySignals(new InMemoryCapacitySignals(context.now !== undefined ? { now: context.now } : {}));
  const probe = createAwsMultiAzProbe({ provider, clients, subnets, capacity, ...(context.now !== undefined && { now: context.now }) });
  const fleet = createAwsSpotFleet({
    provider,
    clients,
    subnets,
    capacity,
    defaultImageId: config.defaultImageId,
    ...(config.keyName !== undefined && { keyName: config.keyName }),
    ...(context.now !== undefined && { now: context.now }),
  });
  const dryRunProbe = createAwsDryRunProbe({ clients, subnets, defaultImageId: config.defaultImageId, ...(config.keyName !== undefined && { keyName: config.keyName }) });
  return {
    provider,
    skippedEntries,
    bindCapacitySignals: (signals) => capacity.bind(signals),
    hooks: {
      onShutdown: async () => {
        clients.destroy();
        priceBook.destroy();
      },
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every machine itself; the provider finishes pending volume attachments and tends the warm pools.
        if (task === 'reconcile') return { task, ...(await volumes.reconcile()) };
        return awsHealthCheck(clients, priceBook, config.pricing.refreshIntervalMs);
      },
    },
    workflows: {
      'dry-run-probe': dryRunProbe,
      'warm-volumes': createWarmVolumesWorkflow(volumes.pool),
      'multi-az-probe': probe,
      'spot-fleet': fleet,
    },
    // The placement chain's caller of both: a group of spot offers is one fleet, an offer open to several zones one probe.
    poolLauncher: createAwsPoolLauncher({ provider, fleet, probe }),
    // Configured (a local credential source), DescribeAvailabilityZones, and the dry-run probe above: all free.
    readiness: createAwsReadiness({
      config,
      clients,
      dryRun: dryRunProbe,
      explicitCredentials: context.credentials !== undefined,
      ...(context.env !== undefined && { env: context.env }),
    }),
  };
}
