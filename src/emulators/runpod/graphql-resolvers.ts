import type { EmulatedGpuType } from './runpod-catalog-data.js';
import { hourlyCost, portMappings } from './pod-json.js';
import { type EmulatedPod, RunPodRefusal, type RunPodEmulatorState } from './runpod-emulator-state.js';

interface EnvInput {
  key: string;
  value: string;
}

/** The fields of PodRentInterruptableInput / PodFindAndDeployOnDemandInput the emulator acts on; RunPod's schema makes each optional. */
interface DeployInput {
  name?: string | null;
  imageName?: string | null;
  gpuTypeId?: string | null;
  bidPerGpu?: number | null;
  gpuCount?: number | null;
  cloudType?: 'ALL' | 'SECURE' | 'COMMUNITY' | null;
  dataCenterId?: string | null;
  containerDiskInGb?: number | null;
  volumeMountPath?: string | null;
  networkVolumeId?: string | null;
  dockerArgs?: string | null;
  ports?: string | null;
  env?: (EnvInput | null)[] | null;
  startSsh?: boolean | null;
  supportPublicIp?: boolean | null;
  templateId?: string | null;
}

interface LowestPriceInput {
  gpuCount: number;
  dataCenterId?: string | null;
  secureCloud?: boolean | null;
}

/**
 * How the emulator refuses an interruptable rental once RunPod has withdrawn them but kept the
 * mutation (`interruptable: 'refused'`). An emulator assumption: RunPod has not said what the
 * refusal will read; it is a GraphQL error in HTTP 200, like every other refusal.
 */
export const INTERRUPTABLE_WITHDRAWN_MESSAGE =
  'podRentInterruptable is no longer supported: interruptable (spot) pods have been discontinued. Deploy an on-demand pod instead.';

function stockStatus(free: number, count: number): string {
  if (free < count) return 'None';
  if (free <= 2 * count) return 'Low';
  if (free <= 8 * count) return 'Medium';
  return 'High';
}

/** A pod as the GraphQL API renders it (RunPod's `Pod`; a pod whose machine record is gone has `machine: null`). */
function podObject(state: RunPodEmulatorState, pod: EmulatedPod): Record<string, unknown> {
  const status = state.statusOf(pod);
  const desiredStatus = status === 'TERMINATED' ? 'TERMINATED' : status === 'EXITED' ? 'EXITED' : 'RUNNING';
  const running = status === 'RUNNING';
  const uptime = running ? Math.floor((state.now() - state.runningSinceMs(pod)) / 1000) : 0;
  return {
    id: pod.id,
    name: pod.name,
    desiredStatus,
    imageName: pod.image,
    env: Object.entries(pod.env).map(([key, value]) => `${key}=${value}`),
    machineId: pod.machineId,
    machine: pod.machineLost
      ? null
      : { id: pod.machineId, podHostId: `${pod.id}-${pod.machineId.slice(0, 8)}`, gpuDisplayName: state.gpuType(pod.gpuTypeId)?.name ?? null },
    podType: pod.interruptible ? 'INTERRUPTABLE' : 'RESERVED',
    costPerHr: desiredStatus === 'RUNNING' ? hourlyCost(state, pod) : 0,
    gpuCount: pod.gpuCount,
    dockerArgs: pod.args,
    containerDiskInGb: pod.disk,
    volumeInGb: 0,
    volumeMountPath: pod.mountPath,
    networkVolumeId: pod.networkVolumeId,
    ports: pod.ports.join(','),
    lastStatusChange: new Date(pod.stoppedAtMs ?? pod.bootStartedAtMs).toISOString(),
    uptimeSeconds: uptime,
    runtime: running
      ? {
          podId: pod.id,
          machineId: pod.machineId,
          gpuCount: pod.gpuCount,
          uptimeInSeconds: uptime,
          ports: portMappings(pod).map((port) => ({
            privatePort: port.private,
            publicPort: port.public,
            ip: port.ip,
            type: port.type,
            isIpPublic: port.public !== null,
          })),
        }
      : null,
  };
}

/** An on-demand pod, or an interruptable one at `input.bidPerGpu`. */
function deploy(state: RunPodEmulatorState, input: DeployInput, market: 'on-demand' | 'interruptable'): Record<string, unknown> {
  // RunPod's schema leaves these optional; the emulator refuses a rental without them when it runs (it has no templates).
  if (!input.gpuTypeId) throw new RunPodRefusal(400, 'Invalid input: gpuTypeId is required.');
  if (!input.imageName) throw new RunPodRefusal(400, 'Invalid input: imageName is required (this emulator has no templates).');
  const bidPerGpu = market === 'interruptable' ? (input.bidPerGpu ?? null) : null;
  // An emulator assumption: RunPod's schema leaves bidPerGpu optional too; the emulator refuses an interruptable rental without a bid.
  if (market === 'interruptable' && bidPerGpu === null) throw new RunPodRefusal(400, 'Invalid input: bidPerGpu is required.');
  const env: Record<string, string> = {};
  for (const entry of input.env ?? []) if (entry !== null) env[entry.key] = entry.value;
  const pod = state.createPod({
    name: input.name ?? input.imageName,
    image: input.imageName,
    args: input.dockerArgs ?? '',
    disk: input.containerDiskInGb ?? 50,
    ports: input.ports ? input.ports.split(',').map((port) => port.trim()).filter((port) => port !== '') : [],
    env,
    gpuTypeId: input.gpuTypeId,
    gpuCount: input.gpuCount ?? 1,
    cloud: input.cloudType === 'COMMUNITY' ? 'COMMUNITY' : 'SECURE',
    dataCenterIds: input.dataCenterId ? [input.dataCenterId] : [],
    networkVolumeId: input.networkVolumeId ?? null,
    mountPath: input.networkVolumeId ? (input.volumeMountPath ?? '/workspace') : null,
    bidPerGpu,
    startSsh: input.startSsh === true,
    supportPublicIp: input.supportPublicIp === true,
  });
  return podObject(state, pod);
}

/** `lowestPrice(input)`: for one data center when `dataCenterId` is given (null figures where the type is not offered), else the cheapest anywhere. */
function lowestPrice(state: RunPodEmulatorState, gpu: EmulatedGpuType, input: LowestPriceInput | null | undefined): Record<string, unknown> {
  const count = input?.gpuCount ?? 1;
  const dataCenterId = input?.dataCenterId ?? null;
  const places = dataCenterId === null ? gpu.dataCenters : gpu.dataCenters.filter((dc) => dc === dataCenterId);
  if (places.length === 0) return { gpuTypeId: gpu.id, minimumBidPrice: null, uninterruptablePrice: null, stockStatus: null, availableGpuCounts: [] };
  const most = Math.max(0, ...places.map((dc) => state.freeGpus(dc, gpu.id)));
  return {
    gpuTypeId: gpu.id,
    minimumBidPrice: dataCenterId === null ? state.lowestMinimumBid(gpu) : state.minimumBid(gpu, dataCenterId),
    uninterruptablePrice: input?.secureCloud === false ? gpu.price.community : gpu.price.secure,
    stockStatus: stockStatus(most, count),
    availableGpuCounts: [1, 2, 4, 8].filter((n) => n <= most),
  };
}

function gpuTypeObject(state: RunPodEmulatorState, gpu: EmulatedGpuType): Record<string, unknown> {
  return {
    id: gpu.id,
    displayName: gpu.name,
    manufacturer: gpu.manufacturer,
    memoryInGb: gpu.memory,
    maxGpuCount: Math.max(gpu.maxCount.secure, gpu.maxCount.community),
    maxGpuCountSecureCloud: gpu.maxCount.secure,
    maxGpuCountCommunityCloud: gpu.maxCount.community,
    secureCloud: gpu.maxCount.secure > 0,
    communityCloud: gpu.maxCount.community > 0,
    securePrice: gpu.price.secure,
    communityPrice: gpu.price.community,
    secureSpotPrice: state.lowestMinimumBid(gpu),
    communitySpotPrice: Math.round(state.lowestMinimumBid(gpu) * 0.8 * 100) / 100,
    lowestPrice: (args: { input?: LowestPriceInput | null }) => lowestPrice(state, gpu, args.input),
  };
}

/** A GraphQL `gpuTypes` entry without an id (a real-world awkward entry RunPod's schema allows). */
function gpuTypeWithoutId(displayName: string): Record<string, unknown> {
  return { id: null, displayName, manufacturer: null, memoryInGb: null, lowestPrice: () => null };
}

/** The root value graphql-js executes against: one function per root field; nested fields are plain properties. */
export function graphqlRoot(state: RunPodEmulatorState): Record<string, unknown> {
  return {
    myself: () => ({
      id: 'user_emulator',
      pods: () => state.listedPods().map((pod) => podObject(state, pod)),
      networkVolumes: () => [...state.volumes.values()].map((volume) => ({ id: volume.id, name: volume.name, dataCenterId: volume.dataCenter, size: volume.size })),
    }),
    pod: ({ input }: { input?: { podId: string } | null }) => {
      const pod = input ? state.visiblePod(input.podId) : undefined;
      return pod === undefined ? null : podObject(state, pod);
    },
    gpuTypes: ({ input }: { input?: { id?: string | null; ids?: string[] | null } | null }) => {
      const filtered = Boolean(input?.id) || Boolean(input?.ids);
      const listed = state.options.gpuTypes
        .filter((gpu) => (!input?.id || gpu.id === input.id) && (!input?.ids || input.ids.includes(gpu.id)))
        .map((gpu) => gpuTypeObject(state, gpu));
      return filtered ? listed : [...listed, ...state.options.gpuTypesWithoutId.map(gpuTypeWithoutId)];
    },
    podRentInterruptable: ({ input }: { input: DeployInput }) => {
      if (state.interruptable !== 'offered') throw new RunPodRefusal(400, INTERRUPTABLE_WITHDRAWN_MESSAGE);
      return deploy(state, input, 'interruptable');
    },
    podFindAndDeployOnDemand: ({ input }: { input?: DeployInput | null }) => deploy(state, input ?? {}, 'on-demand'),
    podTerminate: ({ input }: { input: { podId: string } }) => {
      state.terminatePod(input.podId);
      return null;
    },
  };
}
