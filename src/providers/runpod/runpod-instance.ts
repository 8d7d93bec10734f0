import { z } from 'zod';
import {
  materialize,
  OWNERSHIP_TAGS,
  ownershipTags,
  ProviderInstanceSchema,
  type ProviderInstanceStatus,
  type ProviderVolume,
  ProviderVolumeSchema,
} from '../../contracts/index.js';
import { instanceTypeName, parsePodName, parseVolumeName, POD_ENV } from './runpod-naming.js';
import { type NetworkVolumeWire, POD_STATUSES, type PodWire, PodWireSchema, type RunPodPodStatus } from './runpod-wire.js';

/** The RunPod provider's enhanced instance: the generic fields plus what v2 reports of the pod. */
export const RunPodInstanceSchema = ProviderInstanceSchema.extend({
  podId: z.string().min(1),
  podName: z.string(),
  podStatus: z.enum(POD_STATUSES),
  gpuTypeId: z.string().nullable(),
  gpuCount: z.number().int().nonnegative(),
  cloud: z.enum(['SECURE', 'COMMUNITY']),
  dataCenterId: z.string().nullable(),
  /** Created through GraphQL `podRentInterruptable` (Hangar's own `HANGAR_MARKET` marker; v2 does not say). */
  interruptible: z.boolean(),
  /** USD per hour as RunPod bills it now (0 when stopped or terminated). */
  costPerHour: z.number().nonnegative(),
  networkVolumeId: z.string().nullable(),
  bootstrapChecksum: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
});

export type RunPodInstance = z.infer<typeof RunPodInstanceSchema>;

/** PodStatus -> generic status. Hangar never stops pods, so EXITED is a stop by someone else or, for an interruptible pod, the vendor's reclaim. */
export const POD_STATUS: Readonly<Record<RunPodPodStatus, ProviderInstanceStatus>> = {
  PROVISIONING: 'pending',
  STARTING: 'pending',
  RUNNING: 'running',
  EXITED: 'stopped',
  ERROR: 'failed',
  TERMINATED: 'terminated',
};

function callerTags(env: Record<string, string>): Record<string, string> {
  const raw = env[POD_ENV.tags];
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

/** The enhanced instance's fields from a v2 `Pod`, not yet checked against RunPodInstanceSchema. */
function podInstanceFields(pod: PodWire): Record<string, unknown> {
  const ownership = parsePodName(pod.name);
  const tags = { ...callerTags(pod.env), ...(ownership === null ? {} : ownershipTags(ownership)) };
  const interruptible = pod.env[POD_ENV.market] === 'spot';
  const gpuCount = pod.gpu?.count ?? 0;
  const reclaimed = interruptible && pod.status === 'EXITED';
  return {
    providerId: pod.id,
    name: pod.env[POD_ENV.name] ?? pod.name,
    status: POD_STATUS[pod.status],
    instanceType: pod.gpu === undefined ? 'cpu' : instanceTypeName(pod.gpu.id, gpuCount),
    region: pod.dataCenterId ?? 'unassigned',
    zone: null,
    spot: interruptible,
    image: pod.image,
    tags,
    owner: tags[OWNERSHIP_TAGS.owner] ?? null,
    hangarInstanceId: tags[OWNERSHIP_TAGS.instanceId] ?? null,
    launchedAt: normalizeIso(pod.createdAt),
    stateReason: reclaimed ? { code: 'SPOT_INTERRUPTED', message: `RunPod stopped interruptible pod ${pod.id} (outbid or reclaimed for another pod)` } : null,
    podId: pod.id,
    podName: pod.name,
    podStatus: pod.status,
    gpuTypeId: pod.gpu?.id ?? null,
    gpuCount,
    cloud: pod.cloud,
    dataCenterId: pod.dataCenterId,
    interruptible,
    costPerHour: pod.cost,
    networkVolumeId: pod.mounts.network?.[0]?.volumeId ?? null,
    bootstrapChecksum: pod.env[POD_ENV.bootstrapChecksum] ?? null,
    startedAt: pod.startedAt === null ? null : normalizeIso(pod.startedAt),
  };
}

/** A v2 `Pod` as the enhanced instance; a shape Hangar cannot read fails loudly (VendorResponseError): `get` and a spawn's answer. */
export function toRunPodInstance(pod: PodWire): RunPodInstance {
  return materialize(RunPodInstanceSchema, podInstanceFields(pod), 'runpod', `pod ${pod.id}`);
}

/**
 * One entry of `GET /v2/pods` as the enhanced instance, for `readEach`: a pod Hangar cannot read is
 * skipped from a list and named in the log (its `get` still fails loudly).
 */
export const ListedPodSchema = PodWireSchema.transform(podInstanceFields).pipe(RunPodInstanceSchema);

/** RunPod writes `2026-06-01T12:00:00Z`; the contract's datetime accepts it, but an offset form is normalised. */
function normalizeIso(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** A v2 `NetworkVolume` as the generic volume; `attachedTo` comes from the pods that mount it. */
export function toRunPodVolume(volume: NetworkVolumeWire, attachedTo: string[]): ProviderVolume {
  const owned = parseVolumeName(volume.name);
  return materialize(
    ProviderVolumeSchema,
    {
      providerVolumeId: volume.id,
      name: owned?.name ?? volume.name,
      region: volume.dataCenter,
      zone: null,
      sizeGiB: volume.size,
      status: attachedTo.length > 0 ? 'in-use' : 'available',
      attachedTo,
      tags: owned === null ? {} : { [OWNERSHIP_TAGS.owner]: owned.owner },
      // v2 NetworkVolume has no creation time.
      createdAt: null,
    },
    'runpod',
    `network volume ${volume.id}`,
  );
}
