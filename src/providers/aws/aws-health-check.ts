import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { type HeartbeatResult, isProviderError, type ProviderErrorCode } from '../../contracts/index.js';
import type { Ec2Clients } from './ec2-clients.js';
import { ec2Error } from './ec2-errors.js';
import type { OnDemandPriceBook, PriceRefreshStatus } from './on-demand-price-book.js';

/**
 * health_check: DescribeAvailabilityZones in every region, the cheapest signed call (it proves
 * endpoint, credentials and region in one go); and, when the prices are older than
 * `priceMaxAgeMs` and no failed refresh is backing off, a Price List refresh. A refresh failure
 * is reported, never unhealthy: EC2 works without fresh prices.
 *
 * A failed check carries its taxonomy code (`errorCode`), so the control plane can tell bad
 * credentials (AUTH_ERROR) from an outage at start-up. Its message is built from the error table's
 * messages, which hold no secret.
 */
export async function awsHealthCheck(clients: Ec2Clients, prices: OnDemandPriceBook, priceMaxAgeMs: number): Promise<HeartbeatResult> {
  const failures = (
    await Promise.all(
      clients.regions.map((region) =>
        clients
          .of(region)
          .send(new DescribeAvailabilityZonesCommand({}))
          .then(
            () => null,
            (error: unknown) => ec2Error('DescribeAvailabilityZones', region, error),
          ),
      ),
    )
  ).filter((failure) => failure !== null);
  if (failures.length > 0) {
    const errorCode = mostTelling(failures.flatMap((failure) => (isProviderError(failure) ? [failure.code] : [])));
    return { task: 'health_check', ok: false, message: failures.map((failure) => failure.message).join('; '), ...(errorCode !== undefined && { errorCode }) };
  }
  const pricing = prices.refreshDue(priceMaxAgeMs) ? await prices.refresh(clients.regions) : prices.refreshStatus();
  return { task: 'health_check', ok: true, message: `EC2 answers in ${clients.regions.join(', ')}; ${priceNote(pricing)}` };
}

/** Of the regions' codes, AUTH_ERROR first (the credentials are wrong everywhere), else the first. */
function mostTelling(codes: readonly ProviderErrorCode[]): ProviderErrorCode | undefined {
  return codes.includes('AUTH_ERROR') ? 'AUTH_ERROR' : codes[0];
}

function priceNote(pricing: PriceRefreshStatus): string {
  if (pricing.lastError === null) return `on-demand prices refreshed ${pricing.refreshedAt} (${pricing.pricesRead} read)`;
  const inUse = pricing.refreshedAt === null ? 'the bundled table is in use' : `last refreshed ${pricing.refreshedAt}`;
  const next = pricing.nextAttemptAt === null ? '' : `; next attempt at ${pricing.nextAttemptAt}`;
  return `on-demand prices not refreshed (${pricing.lastError}); ${inUse}${next}`;
}
