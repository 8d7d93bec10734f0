import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { type InstanceRecord, terminationReason } from '../instance-record.js';
import type { RegisteredProvider } from '../provider-registry.js';
import type { InstancePatch } from '../store/instance-store.js';

/**
 * DELETE /v1/instances/:id: record the intent (`terminating`), then ask the provider. The row
 * becomes `terminated` only when the provider confirms the machine is gone; until then the
 * reconciler keeps asking. Repeating the request is harmless.
 */
export async function terminateInstance(ctx: ControlPlaneContext, id: string): Promise<InstanceRecord> {
  const record = await ctx.instances.findById(id);
  if (!record) throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${id}`);
  if (record.status === 'terminated') return record;
  if (record.status === 'failed') return abandonFailedSpawn(ctx, record);
  const entry = ctx.registry.get(record.provider);
  if (!entry) {
    throw new ApiError(409, 'PROVIDER_DISABLED', `provider ${record.provider} is not enabled, so ${id} cannot be terminated now`);
  }
  const terminating =
    record.status === 'terminating'
      ? record
      : await ctx.instances.transition(id, {
          from: ['requested', 'provisioning', 'running', 'lost'],
          to: 'terminating',
          patch: { terminateRequestedAt: new Date().toISOString() },
          event: { type: 'instance.terminate-requested', message: 'termination requested' },
        });
  if (!terminating) return terminateInstance(ctx, id);
  // Without a provider id the spawn is still under way (it terminates what it creates) or its outcome is unknown (reconciliation looks for the machine).
  if (terminating.providerId === null) return terminating;
  return requestTermination(ctx, entry, terminating);
}

/**
 * A failed spawn made no machine, so there is nothing to ask the provider; but the DELETE is
 * remembered (terminateRequestedAt), so a later request under the same Idempotency-Key replays the
 * failure instead of re-driving a spawn the client has given up on.
 */
async function abandonFailedSpawn(ctx: ControlPlaneContext, record: InstanceRecord): Promise<InstanceRecord> {
  if (record.terminateRequestedAt !== null) return record;
  const marked = await ctx.instances.markFailedAbandoned(record.id, new Date().toISOString());
  return marked ?? ((await ctx.instances.findById(record.id)) ?? record);
}

/**
 * Asks the provider to terminate a `terminating` row's machine and counts the attempt; a failure is
 * recorded on the row and retried by reconciliation, never dropped.
 */
export async function requestTermination(
  ctx: ControlPlaneContext,
  entry: RegisteredProvider,
  record: InstanceRecord,
): Promise<InstanceRecord> {
  const providerId = record.providerId;
  if (providerId === null) return record;
  const attempt = { terminateAttempts: record.terminateAttempts + 1, lastTerminateAt: new Date().toISOString() };
  try {
    const result = await callProvider(entry.name, 'terminate', ctx.settings.providerTimeoutMs, (signal) =>
      entry.provider.terminate(providerId, { signal }),
    );
    if (result.status === 'terminated') {
      return (await confirmTerminated(ctx, record, 'the provider confirms the machine is gone', attempt)) ?? record;
    }
    return (
      (await ctx.instances.transition(record.id, {
        from: ['terminating'],
        to: 'terminating',
        patch: { ...attempt, error: terminationReason(record) },
        event: { type: 'instance.terminate-accepted', message: `${entry.name} is terminating ${providerId}` },
      })) ?? record
    );
  } catch (error) {
    const apiError = apiErrorFromProviderCall(error, entry.name);
    ctx.logger.warn('terminate failed; will retry', { instanceId: record.id, provider: entry.name, code: apiError.code });
    return (
      (await ctx.instances.transition(record.id, {
        from: ['terminating'],
        to: 'terminating',
        patch: { ...attempt, error: terminationReason(record) ?? apiError.stored() },
        event: { type: 'instance.terminate-failed', message: apiError.message, data: { code: apiError.code } },
      })) ?? record
    );
  }
}

function confirmTerminated(
  ctx: ControlPlaneContext,
  record: InstanceRecord,
  message: string,
  attempt: InstancePatch,
): Promise<InstanceRecord | null> {
  return ctx.instances.transition(record.id, {
    from: ['terminating'],
    to: 'terminated',
    patch: { ...attempt, terminatedAt: new Date().toISOString(), error: terminationReason(record) },
    event: { type: 'instance.terminated', message },
  });
}
