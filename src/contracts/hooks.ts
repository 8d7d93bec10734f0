import { z } from 'zod';

export const HEARTBEAT_TASKS = ['health_check', 'reconcile'] as const;
export type HeartbeatTask = (typeof HEARTBEAT_TASKS)[number];

export const HeartbeatResultSchema = z.object({
  task: z.enum(HEARTBEAT_TASKS),
  ok: z.boolean(),
  message: z.string().nullable(),
});

export type HeartbeatResult = z.infer<typeof HeartbeatResultSchema>;

/** Lifecycle hooks the control plane calls: once at start, once at stop, and on every heartbeat. */
export interface ProviderHooks {
  onStartup?(): Promise<void>;
  onShutdown?(): Promise<void>;
  onHeartbeat?(task: HeartbeatTask): Promise<HeartbeatResult>;
}
