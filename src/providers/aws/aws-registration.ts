import type { HeartbeatResult, HeartbeatTask, ProviderRegistration } from '../../contracts/index.js';
import { awsHealthCheck } from './aws-health-check.js';
import type { AwsConfig } from './aws-config.js';
import type { AWSInstance, AWSSnapshot } from './aws-instance.js';
import { AWS_ON_DEMAND_PRICES, type OnDemandPriceTable } from './aws-pricing.js';
import { type AwsCapabilities, AwsProvider } from './aws-provider.js';
import { type Ec2ClientOptions, Ec2Clients } from './ec2-clients.js';
import { createAwsMultiAzProbe } from './multi-az-probe.js';
import { OnDemandPriceBook, pricingClient } from './on-demand-price-book.js';
import { createAwsSpotFleet } from './spot-fleet.js';

export interface AwsRegistrationContext extends Ec2ClientOptions {
  /** The bundled on-demand prices the price book starts from. */
  prices?: OnDemandPriceTable;
  pageSize?: number;
  now?: () => number;
  /** See `AwsProviderOptions.consistencyWindowMs`. */
  consistencyWindowMs?: number;
}

export type AwsRegistration = ProviderRegistration<AWSInstance, AWSSnapshot, AwsCapabilities>;

export function createAwsRegistration(config: AwsConfig, context: AwsRegistrationContext = {}): AwsRegistration {
  const clients = new Ec2Clients(config, context);
  const priceBook = new OnDemandPriceBook(
    context.prices ?? AWS_ON_DEMAND_PRICES,
    config.pricing.enabled ? pricingClient(config.pricing.endpoint, context.credentials) : null,
    context.now,
  );
  const provider = new AwsProvider({
    clients,
    defaultImageId: config.defaultImageId,
    ...(config.subnetId !== undefined && { subnetId: config.subnetId }),
    ...(config.keyName !== undefined && { keyName: config.keyName }),
    prices: () => priceBook.table(),
    ...(context.pageSize !== undefined && { pageSize: context.pageSize }),
    ...(context.now !== undefined && { now: context.now }),
    ...(context.consistencyWindowMs !== undefined && { consistencyWindowMs: context.consistencyWindowMs }),
  });
  return {
    provider,
    hooks: {
      onShutdown: async () => {
        clients.destroy();
        priceBook.destroy();
      },
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every machine itself; EC2 keeps nothing else to tend.
        if (task === 'reconcile') return { task, ok: true, message: null };
        return awsHealthCheck(clients, priceBook, config.pricing.refreshIntervalMs);
      },
    },
    workflows: {
      'multi-az-probe': createAwsMultiAzProbe({ provider, clients, ...(context.now !== undefined && { now: context.now }) }),
      'spot-fleet': createAwsSpotFleet({ provider, clients, defaultImageId: config.defaultImageId, ...(config.keyName !== undefined && { keyName: config.keyName }), ...(context.now !== undefined && { now: context.now }) }),
    },
  };
}
