import type { RunPodEmulatorState, EmulatedPod, EmulatedPodStatus } from './runpod-emulator-state.js';

const ACTIONS: Readonly<Record<EmulatedPodStatus, string[]>> = {
  PROVISIONING: ['stop', 'terminate'],
  STARTING: ['stop', 'terminate'],
  RUNNING: ['stop', 'restart', 'terminate'],
  EXITED: ['start', 'terminate'],
  ERROR: ['start', 'terminate'],
  TERMINATED: [],
};

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function hourlyCost(state: RunPodEmulatorState, pod: EmulatedPod): number {
  const gpu = state.gpuType(pod.gpuTypeId);
  const perGpu = pod.bidPerGpu ?? (gpu === undefined ? 0 : pod.cloud === 'SECURE' ? gpu.price.secure : gpu.price.community);
  return Math.round(perGpu * pod.gpuCount * 1000) / 1000;
}

/** A pod as REST v2 renders it (`Pod` in the v2 OpenAPI document). */
export function podJson(state: RunPodEmulatorState, pod: EmulatedPod): Record<string, unknown> {
  const now = state.now();
  const status = state.statusOf(pod, now);
  const running = status === 'RUNNING';
  const billed = status !== 'EXITED' && status !== 'TERMINATED';
  const assigned = status !== 'PROVISIONING' && status !== 'TERMINATED';
  const username = `${pod.id}-${pod.machineId.slice(0, 8)}`;
  return {
    id: pod.id,
    name: pod.name,
    image: pod.image,
    args: pod.args,
    disk: pod.disk,
    ports: pod.ports,
    env: pod.env,
    registry: null,
    status,
    actions: ACTIONS[status],
    mounts: pod.networkVolumeId === null ? {} : { network: [{ volumeId: pod.networkVolumeId, path: pod.mountPath ?? '/workspace' }] },
    gpu: { id: pod.gpuTypeId, count: pod.gpuCount },
    cloud: pod.cloud,
    dataCenterId: pod.dataCenterId,
    cudaVersion: state.gpuType(pod.gpuTypeId)?.manufacturer === 'NVIDIA' ? '12.8' : null,
    ssh: {
      proxy: assigned ? { host: 'ssh.runpod.io', port: 22, username, command: `ssh ${username}@ssh.runpod.io` } : null,
      direct: null,
    },
    template: null,
    cost: billed ? hourlyCost(state, pod) : 0,
    locked: false,
    globalNetworking: { enabled: false },
    runtime: running ? { uptime: Math.max(0, Math.floor((now - state.runningSinceMs(pod)) / 1000)), ports: [] } : null,
    createdAt: iso(pod.createdAtMs),
    startedAt: running ? iso(state.runningSinceMs(pod)) : null,
  };
}

export function volumeJson(volume: { id: string; name: string; size: number; dataCenter: string; type: string }): Record<string, unknown> {
  return { id: volume.id, name: volume.name, size: volume.size, dataCenter: volume.dataCenter, type: volume.type };
}
