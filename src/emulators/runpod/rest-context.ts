import type { Context } from 'hono';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { apiKeyOf, keyAccess, reaches } from './api-key.js';
import { problemResponse } from './problem-response.js';
import type { RateLimitWindows } from './rate-limit-windows.js';
import { RunPodRefusal, type RunPodEmulatorState } from './runpod-emulator-state.js';
import { restFault } from './rest-fault.js';

export interface RestContext {
  readonly state: RunPodEmulatorState;
  readonly chaos: EmulatorChaos;
  readonly limits: RateLimitWindows;
}

/**
 * Every REST v2 request: key check (401 carries no quota headers: it is not an authenticated
 * request), the rate limit (429 + Retry-After), a read-only key's write or a restricted key outside
 * its resources (403), the chaos fault if one fires, then the operation.
 * Refusals become problem documents; every answer to an authenticated request carries the
 * RateLimit headers.
 */
export async function restCall(
  ctx: RestContext,
  c: Context,
  chaosCall: ChaosCall | null,
  operation: (headers: Record<string, string>) => Response | Promise<Response>,
): Promise<Response> {
  const key = apiKeyOf(c.req.raw);
  if (key === null) return problemResponse(401, 'missing bearer token');
  const access = keyAccess(ctx.state, key);
  if (access === null) return problemResponse(401, 'invalid bearer token');
  const verdict = ctx.limits.take(key);
  if (!verdict.allowed) {
    return problemResponse(429, 'rate limit exceeded for the minute window', { ...verdict.headers, 'Retry-After': String(verdict.retryAfterSeconds) });
  }
  // A valid key scoped to reads, or restricted to other resources: the v2 ForbiddenError example ("access denied"), with the quota headers of an authenticated answer.
  if (access === 'read' && c.req.method !== 'GET') return problemResponse(403, 'access denied', verdict.headers);
  if (!reaches(ctx.state, key, c.req.path)) return problemResponse(403, 'access denied', verdict.headers);
  const perform = async (): Promise<Response> => {
    try {
      return await operation(verdict.headers);
    } catch (error) {
      if (error instanceof RunPodRefusal) return problemResponse(error.status, error.message, verdict.headers, error.errors);
      throw error;
    }
  };
  const fault = chaosCall === null ? null : await ctx.chaos.before(chaosCall);
  if (fault !== null) return restFault(fault, verdict.headers, perform);
  return perform();
}

/** A JSON body, or a 400 refusal naming what is wrong. */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new RunPodRefusal(400, 'the request body is not valid JSON');
  }
}

export function jsonResponse(body: unknown, status: number, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}
