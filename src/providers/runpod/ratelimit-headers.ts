/** One window of the IETF ratelimit-headers draft as RunPod sends it: `"minute";r=59;t=60` and `"minute";q=60;w=60`. */
export interface RateLimitWindowState {
  name: string;
  /** Requests left in the window (`r`). */
  remaining: number;
  /** Seconds until the window resets (`t`). */
  resetSeconds: number;
}

export interface RateLimitWindowPolicy {
  name: string;
  /** Requests per window (`q`). */
  quota: number;
  /** Window length in seconds (`w`). */
  windowSeconds: number;
}

/** The members of a structured-field list: `"name";k=v;k=v, ...` -> [{name, params}]. Malformed members are skipped. */
function members(header: string): { name: string; params: Map<string, number> }[] {
  return header.split(',').flatMap((member) => {
    const [rawName, ...rawParams] = member.trim().split(';');
    const name = rawName?.trim().replace(/^"(.*)"$/, '$1');
    if (!name) return [];
    const params = new Map<string, number>();
    for (const param of rawParams) {
      const [key, value] = param.split('=');
      const number = Number(value?.trim());
      if (key !== undefined && value !== undefined && Number.isFinite(number)) params.set(key.trim(), number);
    }
    return [{ name, params }];
  });
}

export function parseRateLimit(header: string | null): RateLimitWindowState[] {
  if (header === null) return [];
  return members(header).flatMap(({ name, params }) => {
    const remaining = params.get('r');
    const resetSeconds = params.get('t');
    return remaining === undefined || resetSeconds === undefined ? [] : [{ name, remaining, resetSeconds }];
  });
}

export function parseRateLimitPolicy(header: string | null): RateLimitWindowPolicy[] {
  if (header === null) return [];
  return members(header).flatMap(({ name, params }) => {
    const quota = params.get('q');
    const windowSeconds = params.get('w');
    return quota === undefined || windowSeconds === undefined ? [] : [{ name, quota, windowSeconds }];
  });
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
