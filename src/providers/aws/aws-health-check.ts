import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import type { HeartbeatResult } from '../../contracts/index.js';
import type { Ec2Clients } from './ec2-clients.js';
import type { OnDemandPriceBook } from './on-demand-price-book.js';

/**
 * health_check: DescribeAvailabilityZones in every region, the cheapest signed call (it proves
 * endpoint, credentials and region in one go); and, when the prices are older than
 * `priceMaxAgeMs`, a Price List refresh. A refresh failure is reported, never unhealthy: EC2 works
 * without fresh prices.
 */
export async function awsHealthCheck(clients: Ec2Clients, prices: OnDemandPriceBook, priceMaxAgeMs: number): Promise<HeartbeatResult> {
  const failures: string[] = [];
  await Promise.all(
    clients.regions.map((region) =>
      clients
        .of(region)
        .send(new DescribeAvailabilityZonesCommand({}))
        .catch((error: unknown) => failures.push(`${region}: ${error instanceof Error ? error.name : 'error'}: ${error instanceof Error ? error.message : String(error)}`)),
    ),
  );
  if (failures.length > 0) return { task: 'health_check', ok: false, message: failures.join('; ') };
  const pricing = prices.isStale(priceMaxAgeMs) ? await prices.refresh(clients.regions) : prices.refreshStatus();
  const priceNote =
    pricing.lastError !== null
      ? `on-demand prices not refreshed (${pricing.lastError}); ${pricing.refreshedAt === null ? 'the bundled table is in use' : `last refreshed ${pricing.refreshedAt}`}`
      : `on-demand prices refreshed ${pricing.refreshedAt} (${pricing.pricesRead} read)`;
  return { task: 'health_check', ok: true, message: `EC2 answers in ${clients.regions.join(', ')}; ${priceNote}` };
}
