import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import type { InstanceRecord, InstanceStatus } from '../instance-record.js';

export type WaitTarget = 'running' | 'terminated';

/** For each target, the states from which the row can no longer get there: the wait ends at once. */
const UNREACHABLE: Record<WaitTarget, readonly InstanceStatus[]> = {
  running: ['failed', 'terminating', 'terminated', 'lost'],
  terminated: ['failed'],
};

function settled(record: InstanceRecord, target: WaitTarget): boolean {
  return record.status === target || UNREACHABLE[target].includes(record.status);
}

/**
 * Long-poll behind `GET /v1/instances/:id?waitFor=...&timeout=...`: answers the row as soon as it is
 * in `target` or in a state from which it cannot get there, or as it is when `timeoutMs` has passed
 * (`timedOut: true`). It wakes on the store's change notification (`ctx.instanceChanges`), reading
 * the row once per change, never on a timer. An aborted `signal` (the client went away) ends the
 * wait like a timeout. Unknown id: 404 INSTANCE_NOT_FOUND.
 */
export async function waitForInstanceState(
  ctx: ControlPlaneContext,
  id: string,
  target: WaitTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ record: InstanceRecord; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Subscribe before reading, so a change committed between the read and the wait still wakes us.
    const next = ctx.instanceChanges.next(id, deadline - Date.now(), signal);
    const record = await ctx.instances.findById(id);
    if (!record) {
      next.cancel();
      throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${id}`);
    }
    if (settled(record, target)) {
      next.cancel();
      return { record, timedOut: false };
    }
    if (Date.now() >= deadline || signal?.aborted) {
      next.cancel();
      return { record, timedOut: true };
    }
    const changed = await next.changed;
    if (!changed) {
      const last = (await ctx.instances.findById(id)) ?? record;
      return { record: last, timedOut: !settled(last, target) };
    }
  }
}
