/**
 * What a provider registers so the readiness layer can prove it usable (`src/readiness/`). Three of
 * the four checks are the provider's; the fourth (the usage event written and read back) is the
 * readiness layer's own. Every probe goes through the provider's own clients, so its rate limiter,
 * retries and error mapping apply (Lambda's one request per second is shared with spawns, never
 * bypassed).
 *
 * A probe fails by throwing: a `ProviderError` (its code is the failure's class: AUTH_ERROR,
 * RATE_LIMIT_ERROR, …), a `ReadinessConfigError` (CONFIG_MISSING), or anything else (an unknown
 * failure, classed by the readiness layer). A probe never spends money: `costUsd` says what one run
 * costs (0 for every probe Hangar ships), and a probe whose cost is not 0 is never run by a schedule.
 */
export interface ReadinessProbes {
  /**
   * Check 1, `configured`: the provider's config section and credentials are present. Reads local
   * state only (no vendor call). Answers the names of what is missing, never the values.
   */
  configured(): ReadinessConfigCheck;
  /** Check 2, `auth_probe_passed`: the cheapest authenticated read (e.g. EC2 DescribeAvailabilityZones). */
  readonly auth: ReadinessProbe;
  /** Check 3, `execution_probe_passed`: exercises the spawn path without spending money (e.g. RunInstances with DryRun). */
  readonly execution: ReadinessProbe;
}

export interface ReadinessConfigCheck {
  readonly ok: boolean;
  /** What is missing or unusable, by name (`LAMBDA_API_KEY`, `providers.aws.regions`); empty when ok. */
  readonly missing: readonly string[];
}

export interface ReadinessProbe {
  /** What the probe does, for the evidence (`DescribeAvailabilityZones in us-east-1`). */
  readonly description: string;
  /** USD one run costs; 0 for a read, a dry run or a local machine. */
  readonly costUsd: number;
  /** Resolves with what it saw (one line, no secrets); throws on failure (see ReadinessProbes). */
  run(context: ReadinessProbeContext): Promise<string>;
}

export interface ReadinessProbeContext {
  /** The control plane's ownership marker: a probe that makes a machine (OrbStack local) marks it, so a crash never leaks it. */
  readonly owner: string;
  /** Aborted at the probe's deadline: stop and throw its reason. */
  readonly signal?: AbortSignal;
}

/** A probe found the provider's configuration missing or unusable: the class CONFIG_MISSING. */
export class ReadinessConfigError extends Error {
  readonly missing: readonly string[];
  constructor(message: string, missing: readonly string[] = []) {
    super(message);
    this.name = 'ReadinessConfigError';
    this.missing = missing;
  }
}
