import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import type { HeartbeatResult, HeartbeatTask, ProviderRegistration } from '../../contracts/index.js';
import type { AwsConfig } from './aws-config.js';
import type { AWSInstance, AWSSnapshot } from './aws-instance.js';
import type { OnDemandPriceTable } from './aws-pricing.js';
import { type AwsCapabilities, AwsProvider } from './aws-provider.js';
import { type Ec2ClientOptions, Ec2Clients } from './ec2-clients.js';
import { createAwsMultiAzProbe } from './multi-az-probe.js';
import { createAwsSpotFleet } from './spot-fleet.js';

export interface AwsRegistrationContext extends Ec2ClientOptions {
  prices?: OnDemandPriceTable;
  pageSize?: number;
  now?: () => number;
  /** See `AwsProviderOptions.consistencyWindowMs`. */
  consistencyWindowMs?: number;
}

export type AwsRegistration = ProviderRegistration<AWSInstance, AWSSnapshot, AwsCapabilities>;

export function createAwsRegistration(config: AwsConfig, context: AwsRegistrationContext = {}): AwsRegistration {
  const clients = new Ec2Clients(config, context);
  const provider = new AwsProvider({
    clients,
    defaultImageId: config.defaultImageId,
    ...(config.subnetId !== undefined && { subnetId: config.subnetId }),
    ...(config.keyName !== undefined && { keyName: config.keyName }),
    ...(context.prices !== undefined && { prices: context.prices }),
    ...(context.pageSize !== undefined && { pageSize: context.pageSize }),
    ...(context.now !== undefined && { now: context.now }),
    ...(context.consistencyWindowMs !== undefined && { consistencyWindowMs: context.consistencyWindowMs }),
  });
  return {
    provider,
    hooks: {
      onShutdown: async () => clients.destroy(),
      onHeartbeat: async (task: HeartbeatTask): Promise<HeartbeatResult> => {
        // The control plane's reconcile lists every machine itself; EC2 keeps nothing else to tend.
        if (task === 'reconcile') return { task, ok: true, message: null };
        // The cheapest signed call: it proves endpoint, credentials and region in one go.
        const failures: string[] = [];
        await Promise.all(
          clients.regions.map((region) =>
            clients
              .of(region)
              .send(new DescribeAvailabilityZonesCommand({}))
              .catch((error: unknown) => failures.push(`${region}: ${error instanceof Error ? error.name : 'error'}: ${error instanceof Error ? error.message : String(error)}`)),
          ),
        );
        if (failures.length > 0) return { task, ok: false, message: failures.join('; ') };
        return { task, ok: true, message: `EC2 answers in ${clients.regions.join(', ')}` };
      },
    },
    workflows: {
      'multi-az-probe': createAwsMultiAzProbe({ provider, clients, ...(context.now !== undefined && { now: context.now }) }),
      'spot-fleet': createAwsSpotFleet({ provider, clients, defaultImageId: config.defaultImageId, ...(config.keyName !== undefined && { keyName: config.keyName }), ...(context.now !== undefined && { now: context.now }) }),
    },
  };
}
