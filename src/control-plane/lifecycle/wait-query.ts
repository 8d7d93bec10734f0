import { z } from 'zod';
import { ApiError } from '../api-error.js';
import type { WaitTarget } from './wait-for-state.js';

/** The longest long-poll `GET /v1/instances/:id?waitFor=` accepts, in seconds. */
export const MAX_WAIT_SECONDS = 300;
export const DEFAULT_WAIT_SECONDS = 30;

/** The long-poll query of `GET /v1/instances/:id`: `waitFor=running|terminated`, `timeout` in seconds (0..300, default 30). */
export const WaitQuerySchema = z.object({
  waitFor: z.enum(['running', 'terminated']).optional(),
  timeout: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'timeout is a number of seconds')
    .transform(Number)
    .pipe(z.number().min(0).max(MAX_WAIT_SECONDS))
    .optional(),
});

export interface WaitRequest {
  target: WaitTarget;
  timeoutMs: number;
}

/**
 * The wait a GET asks for, or null for a plain read. A bad `waitFor` or `timeout`, or a `timeout`
 * without `waitFor`, is 400 `INVALID_WAIT` naming the field.
 */
export function parseWaitQuery(query: Record<string, string | undefined>): WaitRequest | null {
  const parsed = WaitQuerySchema.safeParse({ waitFor: query.waitFor, timeout: query.timeout });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'waitFor');
    const message = field === 'waitFor' ? 'waitFor is running or terminated' : `timeout is a number of seconds from 0 to ${MAX_WAIT_SECONDS}`;
    throw new ApiError(400, 'INVALID_WAIT', message, { field });
  }
  const { waitFor, timeout } = parsed.data;
  if (waitFor === undefined) {
    if (timeout !== undefined) throw new ApiError(400, 'INVALID_WAIT', 'timeout needs waitFor (running or terminated)', { field: 'timeout' });
    return null;
  }
  return { target: waitFor, timeoutMs: Math.round((timeout ?? DEFAULT_WAIT_SECONDS) * 1000) };
}
