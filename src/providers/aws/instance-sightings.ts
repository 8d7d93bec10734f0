import type { AWSInstance } from './aws-instance.js';

/** AWS's waiters retry InvalidInstanceID.NotFound after RunInstances for minutes; two is ample in practice. */
export const DEFAULT_CONSISTENCY_WINDOW_MS = 120_000;

/**
 * What this process has seen of its instances lately, to live with EC2's eventual consistency:
 * a machine it just launched may be unknown to DescribeInstances and TerminateInstances for a while
 * ("does not mean the instance does not exist"), and a machine seen shutting down will only ever
 * end terminated, so it need not be asked to terminate again. Bounded, oldest forgotten first.
 */
export class InstanceSightings {
  private readonly launches = new Map<string, { instance: AWSInstance; at: number }>();
  private readonly endings = new Map<string, 'terminating' | 'terminated'>();

  constructor(
    private readonly windowMs = DEFAULT_CONSISTENCY_WINDOW_MS,
    private readonly capacity = 50_000,
  ) {}

  launched(instance: AWSInstance, at: number): void {
    bounded(this.launches, this.capacity).set(instance.providerId, { instance, at });
  }

  /** The instance as launched, while EC2 may still not know it; null once the window has passed. */
  launchedRecently(providerId: string, now: number): AWSInstance | null {
    const launch = this.launches.get(providerId);
    if (launch === undefined) return null;
    if (now - launch.at < this.windowMs) return launch.instance;
    this.launches.delete(providerId);
    return null;
  }

  /** Records what a read or a terminate showed: once EC2 answers for an instance, its launch needs no cover. */
  saw(providerId: string, status: AWSInstance['status']): void {
    this.launches.delete(providerId);
    if (status === 'terminating' || status === 'terminated') bounded(this.endings, this.capacity).set(providerId, status);
  }

  /** Set when the machine was seen shutting down or gone: terminating it again would change nothing. */
  ending(providerId: string): 'terminating' | 'terminated' | undefined {
    return this.endings.get(providerId);
  }
}

function bounded<K, V>(map: Map<K, V>, capacity: number): Map<K, V> {
  if (map.size >= capacity) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  return map;
}
