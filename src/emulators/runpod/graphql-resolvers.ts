import { hourlyCost } from './pod-json.js';
import type { EmulatedPod, RunPodEmulatorState } from './runpod-emulator-state.js';

interface EnvInput {
  key: string;
  value: string;
}

interface DeployInput {
  name?: string | null;
  imageName: string;
  gpuTypeId: string;
  bidPerGpu?: number;
  gpuCount?: number | null;
  cloudType?: 'ALL' | 'SECURE' | 'COMMUNITY' | null;
  dataCenterId?: string | null;
  containerDiskInGb?: number | null;
  volumeMountPath?: string | null;
  networkVolumeId?: string | null;
  dockerArgs?: string | null;
  ports?: string | null;
  env?: (EnvInput | null)[] | null;
}

/** A pod as the GraphQL API renders it (field names from runpod-python / the docs). */
function podObject(state: RunPodEmulatorState, pod: EmulatedPod): Record<string, unknown> {
  const status = state.statusOf(pod);
  const desiredStatus = status === 'TERMINATED' ? 'TERMINATED' : status === 'EXITED' ? 'EXITED' : 'RUNNING';
  const running = status === 'RUNNING';
  return {
    id: pod.id,
    name: pod.name,
    desiredStatus,
    imageName: pod.image,
    env: Object.entries(pod.env).map(([key, value]) => `${key}=${value}`),
    machineId: pod.machineId,
    machine: { podHostId: `${pod.id}-${pod.machineId.slice(0, 8)}`, gpuDisplayName: state.gpuType(pod.gpuTypeId)?.name ?? null },
    podType: pod.interruptible ? 'INTERRUPTABLE' : 'RESERVED',
    costPerHr: desiredStatus === 'RUNNING' ? hourlyCost(state, pod) : 0,
    gpuCount: pod.gpuCount,
    dockerArgs: pod.args,
    containerDiskInGb: pod.disk,
    volumeInGb: 0,
    volumeMountPath: pod.mountPath,
    networkVolumeId: pod.networkVolumeId,
    dataCenterId: pod.dataCenterId,
    lastStatusChange: new Date(pod.stoppedAtMs ?? pod.bootStartedAtMs).toISOString(),
    uptimeSeconds: running ? Math.floor((state.now() - state.runningSinceMs(pod)) / 1000) : 0,
    runtime: running ? { uptimeInSeconds: Math.floor((state.now() - state.runningSinceMs(pod)) / 1000) } : null,
  };
}

function deploy(state: RunPodEmulatorState, input: DeployInput, bidPerGpu: number | null): Record<string, unknown> {
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
  });
  return podObject(state, pod);
}

/** The root value graphql-js executes against: one function per root field; nested fields are plain properties. */
export function graphqlRoot(state: RunPodEmulatorState): Record<string, unknown> {
  return {
    myself: () => ({
      id: 'user_emulator',
      pods: () => state.listedPods().map((pod) => podObject(state, pod)),
      networkVolumes: () => [...state.volumes.values()].map((volume) => ({ id: volume.id, name: volume.name, dataCenterId: volume.dataCenter, size: volume.size })),
    }),
    pod: ({ input }: { input: { podId: string } }) => {
      const pod = state.visiblePod(input.podId);
      return pod === undefined ? null : podObject(state, pod);
    },
    gpuTypes: ({ input }: { input?: { id?: string | null } | null }) =>
      state.options.gpuTypes
        .filter((gpu) => !input?.id || gpu.id === input.id)
        .map((gpu) => ({
          id: gpu.id,
          displayName: gpu.name,
          manufacturer: gpu.manufacturer,
          memoryInGb: gpu.memory,
          maxGpuCount: Math.max(gpu.maxCount.secure, gpu.maxCount.community),
          secureCloud: gpu.maxCount.secure > 0,
          communityCloud: gpu.maxCount.community > 0,
          securePrice: gpu.price.secure,
          communityPrice: gpu.price.community,
          secureSpotPrice: gpu.minimumBid,
          communitySpotPrice: Math.round(gpu.minimumBid * 0.8 * 100) / 100,
          lowestPrice: (args: { input?: { gpuCount?: number | null; secureCloud?: boolean | null } | null }) => {
            const count = args.input?.gpuCount ?? 1;
            const free = gpu.dataCenters.map((dc) => state.freeGpus(dc, gpu.id));
            const most = Math.max(0, ...free);
            const stockStatus = most < count ? 'None' : most <= 2 * count ? 'Low' : most <= 8 * count ? 'Medium' : 'High';
            return {
              minimumBidPrice: gpu.minimumBid,
              uninterruptablePrice: args.input?.secureCloud === false ? gpu.price.community : gpu.price.secure,
              stockStatus,
              availableGpuCounts: [1, 2, 4, 8].filter((n) => n <= most),
            };
          },
        })),
    podRentInterruptable: ({ input }: { input: DeployInput & { bidPerGpu: number } }) => deploy(state, input, input.bidPerGpu),
    podFindAndDeployOnDemand: ({ input }: { input: DeployInput }) => deploy(state, input, null),
    podTerminate: ({ input }: { input: { podId: string } }) => {
      state.terminatePod(input.podId);
      return null;
    },
    podStop: ({ input }: { input: { podId: string } }) => podObject(state, state.stopPod(input.podId)),
    podResume: ({ input }: { input: { podId: string } }) => podObject(state, state.startPod(input.podId)),
  };
}
