import type { PlacementSpawnRequest } from '../api-schemas.js';
import type { ControlPlaneContext } from '../context.js';
import type { InstanceRecord } from '../instance-record.js';
import { recordEvent } from '../store/event-store.js';
import { placeInstance } from './place-instance.js';

/** The Idempotency-Key of an interrupted instance's replacement: one replacement per instance, whatever repeats. */
export function replacementKey(instanceId: string): string {
  return `hangar-replace:${instanceId}`;
}

/**
 * A spot machine was reclaimed: the capacity-error cache learns the slice (placement steers around
 * it), and an instance placed with `onInterruption: replace` gets a replacement through the same
 * chain (its own placement, `replaces` pointing at the old instance, an event on both).
 */
export async function handleSpotInterruption(ctx: ControlPlaneContext, record: InstanceRecord): Promise<InstanceRecord | null> {
  await ctx.capacityErrors.record({
    provider: record.provider,
    region: record.region,
    zone: record.zone,
    instanceType: record.instanceType,
    market: 'spot',
    code: 'SPOT_INTERRUPTED',
    message: `${record.provider} reclaimed the spot machine of ${record.id}`,
    source: 'spot-interruption',
  });
  if (record.placementId === null) return null;
  const placement = await ctx.placements.get(record.placementId);
  if (placement?.request?.onInterruption !== 'replace') return null;
  const request: PlacementSpawnRequest = {
    requirements: placement.requirements,
    placement: placement.policy,
    name: record.name,
    tags: placement.request.tags,
    onInterruption: 'replace',
    ...(placement.request.image !== undefined && { image: placement.request.image }),
    ...(placement.request.volumes !== undefined && { volumes: placement.request.volumes }),
    ...(placement.request.bootstrap !== undefined && { bootstrap: placement.request.bootstrap }),
  };
  const { record: replacement, replayed } = await placeInstance(ctx, request, replacementKey(record.id), { replaces: record.id });
  if (!replayed) {
    await recordEvent(ctx.db, {
      provider: record.provider,
      instanceId: record.id,
      type: 'instance.replaced',
      fromStatus: null,
      toStatus: null,
      message: `spot machine reclaimed; replaced by ${replacement.id} (${replacement.provider} ${replacement.instanceType} in ${replacement.region})`,
      data: { replacement: replacement.id },
    });
  }
  return replacement;
}
