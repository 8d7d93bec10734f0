/**
 * What a provider registers so the readiness layer can prove it usable (`src/readiness/`). Three of
 * the four checks are the provider's; the fourth (the usage event written and read back) is the
 * readiness layer's own. Every probe goes through the provider's own clients, so its rate limiter,
 * retries and error mapping apply (Lambda's one request per second is shared with spawns, never
 * bypassed).
 *
 * A probe fails by throwing: a `ProviderError` (its code is the failure's class: AUTH_ERROR,
 * RATE_LIMIT_ERROR, …), a `ReadinessConfigError` (CONFIG_MISSING), an error that carries its own
 * compute class (`computeErrorClass`, as the LLM runtime's errors do), or anything else (an unknown
 * failure, classed by the readiness layer).
 *
 * Money: `costUsd` is the most one run of the probe can cost (an upper-bound estimate; 0 for every
 * compute probe Hangar ships: reads, dry runs, a local machine). A probe whose `costUsd` is not 0
 * (an LLM provider's smallest real completion) runs only within the readiness layer's daily probe
 * budget: when the budget cannot cover the estimate the check is skipped (and says why), and
 * without a budget it is refused and never run. Such a probe reports what the run actually cost by
 * resolving with a `ReadinessProbeOutcome`.
 */
export interface ReadinessProbes<Result extends ReadinessProbeResult = string> {
  /**
   * Check 1, `configured`: the provider's config section and credentials are present. Reads local
   * state only (no vendor call). Answers the names of what is missing, never the values.
   */
  configured(): ReadinessConfigCheck;
  /** Check 2, `auth_probe_passed`: the cheapest authenticated read (e.g. EC2 DescribeAvailabilityZones, an LLM vendor's GET /models). */
  readonly auth: ReadinessProbe<Result>;
  /**
   * Check 3, `execution_probe_passed`: exercises the work path: a compute provider's spawn path
   * without spending money (e.g. RunInstances with DryRun), an LLM provider's smallest real
   * completion (a few tenths of a cent at most, within the probe budget).
   */
  readonly execution: ReadinessProbe<Result>;
}

/**
 * What a probe resolves with: a line of evidence, or an outcome that also carries the run's cost.
 * `ReadinessProbe` and `ReadinessProbes` take it as a type parameter that defaults to `string` (what
 * every compute provider's probes resolve with, so their callers keep a string); the readiness layer
 * takes either (`ReadinessProbes<ReadinessProbeResult>`); a probe that reports its cost is a
 * `ReadinessProbe<ReadinessProbeOutcome>`.
 */
export type ReadinessProbeResult = string | ReadinessProbeOutcome;

export interface ReadinessConfigCheck {
  readonly ok: boolean;
  /** What is missing or unusable, by name (`LAMBDA_API_KEY`, `providers.aws.regions`); empty when ok. */
  readonly missing: readonly string[];
}

export interface ReadinessProbe<Result extends ReadinessProbeResult = string> {
  /** What the probe does, for the evidence (`DescribeAvailabilityZones in us-east-1`). */
  readonly description: string;
  /**
   * The most one run can cost, in USD (an upper-bound estimate): 0 for a read, a dry run or a local
   * machine. Not 0: the run needs the daily probe budget (see ReadinessProbes).
   */
  readonly costUsd: number;
  /**
   * Resolves with what it saw (one line, no secrets), or with an outcome that also says what the
   * run cost and used; throws on failure (see ReadinessProbes). A plain string from a probe whose
   * `costUsd` is not 0 is taken to have cost its estimate.
   */
  run(context: ReadinessProbeContext): Promise<Result>;
}

/** What a probe run saw, and what it actually cost. */
export interface ReadinessProbeOutcome {
  /** One line, no secrets (as a probe's string result). */
  readonly detail: string;
  /** USD the run actually cost (the vendor's figure, or a priced usage), at most about the probe's `costUsd`. */
  readonly costUsd: number;
  /** What the run used, by name (`inputTokens`, `outputTokens`, …); null where the vendor did not say. */
  readonly usage?: Readonly<Record<string, number | null>>;
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
