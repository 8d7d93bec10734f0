import { z } from 'zod';
import { isProviderError } from './errors.js';

export const HEARTBEAT_TASKS = ['health_check', 'reconcile'] as const;
export type HeartbeatTask = (typeof HEARTBEAT_TASKS)[number];

export const HeartbeatResultSchema = z.object({
  task: z.enum(HEARTBEAT_TASKS),
  ok: z.boolean(),
  message: z.string().nullable(),
  /** When the check failed with a taxonomy error: its code (AUTH_ERROR makes the control plane warn at start-up). */
  errorCode: z.string().min(1).optional(),
});

export type HeartbeatResult = z.infer<typeof HeartbeatResultSchema>;

/** Lifecycle hooks the control plane calls: once at start, once at stop, and on every heartbeat. */
export interface ProviderHooks {
  onStartup?(): Promise<void>;
  onShutdown?(): Promise<void>;
  onHeartbeat?(task: HeartbeatTask): Promise<HeartbeatResult>;
}

/** A failed heartbeat from the error that ended it: the taxonomy code travels with the message. */
export function heartbeatFailure(task: HeartbeatTask, error: unknown): HeartbeatResult {
  const message = error instanceof Error ? error.message : String(error);
  return { task, ok: false, message, ...(isProviderError(error) && { errorCode: error.code }) };
}
