/**
 * Lambda's limits as the server sees them, per API key: a request closer than `requestIntervalMs` to
 * the key's previous accepted request is refused, and a launch closer than `launchIntervalMs` to the
 * previous accepted launch too. Refused requests do not count (the budget is what was served).
 */
export class RateLimitGate {
  private readonly lastRequest = new Map<string, number>();
  private readonly lastLaunch = new Map<string, number>();
  /** Requests refused so far, per kind (tests assert a paced client never sees one). */
  readonly refused = { requests: 0, launches: 0 };

  constructor(private readonly limits: { readonly requestIntervalMs: number; readonly launchIntervalMs: number; readonly toleranceMs: number }) {}

  /** Null when the request may proceed (and is counted), else how long the caller should wait. */
  admit(key: string, launch: boolean, now: number): number | null {
    const { requestIntervalMs, launchIntervalMs, toleranceMs } = this.limits;
    const sinceRequest = now - (this.lastRequest.get(key) ?? Number.NEGATIVE_INFINITY);
    const requestWait = sinceRequest + toleranceMs < requestIntervalMs ? requestIntervalMs - sinceRequest : 0;
    const sinceLaunch = now - (this.lastLaunch.get(key) ?? Number.NEGATIVE_INFINITY);
    const launchWait = launch && sinceLaunch + toleranceMs < launchIntervalMs ? launchIntervalMs - sinceLaunch : 0;
    if (requestWait > 0 || launchWait > 0) {
      if (launchWait > 0) this.refused.launches += 1;
      else this.refused.requests += 1;
      return Math.max(requestWait, launchWait);
    }
    this.lastRequest.set(key, now);
    if (launch) this.lastLaunch.set(key, now);
    return null;
  }
}
