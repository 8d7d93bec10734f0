import { type Provider, supports, unsupportedReasons } from '../../contracts/index.js';
import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { newId } from '../ids.js';
import type { RegisteredProvider } from '../provider-registry.js';
import type { SnapshotRecord, SnapshotStatus } from '../snapshot-record.js';

const SNAPSHOT_STATUS: Record<string, SnapshotStatus> = {
  pending: 'pending',
  available: 'available',
  failed: 'failed',
  deleting: 'deleting',
  deleted: 'deleted',
};

function snapshotProvider(entry: RegisteredProvider) {
  const provider: Provider = entry.provider;
  if (!supports(provider, 'snapshots')) {
    throw new ApiError(422, 'CAPABILITY_UNSUPPORTED', `${entry.name} does not support snapshots`, {
      capability: 'snapshots',
      reason: unsupportedReasons(provider.capabilities).snapshots,
      provider: entry.name,
    });
  }
  return provider;
}

/** POST /v1/instances/:id/snapshots */
export async function createSnapshot(
  ctx: ControlPlaneContext,
  instanceId: string,
  description: string | null,
): Promise<SnapshotRecord> {
  const instance = await ctx.instances.findById(instanceId);
  if (!instance) throw new ApiError(404, 'INSTANCE_NOT_FOUND', `no instance ${instanceId}`);
  const entry = ctx.registry.get(instance.provider);
  if (!entry) throw new ApiError(409, 'PROVIDER_DISABLED', `provider ${instance.provider} is not enabled`);
  const provider = snapshotProvider(entry);
  const providerInstanceId = instance.providerId;
  if (providerInstanceId === null || (instance.status !== 'running' && instance.status !== 'provisioning')) {
    throw new ApiError(409, 'INVALID_STATE', `instance ${instanceId} is ${instance.status}; snapshots need a created machine`, {
      status: instance.status,
    });
  }
  const now = new Date().toISOString();
  const record: SnapshotRecord = {
    id: newId('snap'),
    instanceId,
    provider: entry.name,
    providerSnapshotId: null,
    status: 'requested',
    sizeGiB: null,
    description,
    error: null,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.snapshots.insert(record);
  try {
    const snapshot = await callProvider(entry.name, 'createSnapshot', ctx.settings.providerTimeoutMs, (signal) =>
      provider.createSnapshot(providerInstanceId, description === null ? undefined : { description }, { signal }),
    );
    return (
      (await ctx.snapshots.update(record.id, ['requested'], {
        status: SNAPSHOT_STATUS[snapshot.status] ?? 'pending',
        providerSnapshotId: snapshot.providerSnapshotId,
        sizeGiB: snapshot.sizeGiB,
      })) ?? record
    );
  } catch (error) {
    const apiError = apiErrorFromProviderCall(error, entry.name);
    await ctx.snapshots.update(record.id, ['requested'], { status: 'failed', error: apiError.stored() });
    throw apiError;
  }
}

/** DELETE /v1/snapshots/:id: idempotent; the row stays as `deleted` once the provider confirms. */
export async function deleteSnapshot(ctx: ControlPlaneContext, id: string): Promise<SnapshotRecord> {
  const record = await ctx.snapshots.findById(id);
  if (!record) throw new ApiError(404, 'SNAPSHOT_NOT_FOUND', `no snapshot ${id}`);
  if (record.status === 'deleted' || record.status === 'failed') return record;
  const providerSnapshotId = record.providerSnapshotId;
  if (providerSnapshotId === null) {
    throw new ApiError(409, 'INVALID_STATE', `snapshot ${id} is still being requested; try again shortly`);
  }
  const entry = ctx.registry.get(record.provider);
  if (!entry) throw new ApiError(409, 'PROVIDER_DISABLED', `provider ${record.provider} is not enabled`);
  const provider = snapshotProvider(entry);
  try {
    await callProvider(entry.name, 'deleteSnapshot', ctx.settings.providerTimeoutMs, (signal) =>
      provider.deleteSnapshot(providerSnapshotId, { signal }),
    );
  } catch (error) {
    throw apiErrorFromProviderCall(error, entry.name);
  }
  return (await ctx.snapshots.update(id, ['pending', 'available', 'deleting'], { status: 'deleting' })) ?? record;
}

/** Moves a pending or deleting snapshot on from what the provider reports now. */
export async function refreshSnapshot(ctx: ControlPlaneContext, record: SnapshotRecord): Promise<void> {
  const entry = ctx.registry.get(record.provider);
  const providerSnapshotId = record.providerSnapshotId;
  if (!entry || providerSnapshotId === null) return;
  const provider = snapshotProvider(entry);
  try {
    const snapshot = await callProvider(entry.name, 'getSnapshotStatus', ctx.settings.providerTimeoutMs, (signal) =>
      provider.getSnapshotStatus(providerSnapshotId, { signal }),
    );
    if (record.status === 'deleting') {
      if (snapshot === null || snapshot.status === 'deleted')
        await ctx.snapshots.update(record.id, ['deleting'], { status: 'deleted' });
      return;
    }
    const status: SnapshotStatus = snapshot === null ? 'failed' : (SNAPSHOT_STATUS[snapshot.status] ?? 'pending');
    if (status !== record.status) {
      await ctx.snapshots.update(record.id, ['pending'], { status, sizeGiB: snapshot?.sizeGiB ?? record.sizeGiB });
    }
  } catch (error) {
    ctx.logger.warn('snapshot refresh failed', { snapshotId: record.id, code: apiErrorFromProviderCall(error, entry.name).code });
  }
}
