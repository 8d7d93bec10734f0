import { type EmulatedPod, type EmulatedPodStatus, type RunPodEmulatorState, tcpPorts } from './runpod-emulator-state.js';

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

/** A running pod's port mappings: TCP ports published on its public IP when it has one; HTTP ports go through RunPod's proxy. */
export interface PortMapping {
  private: number;
  public: number | null;
  type: 'tcp' | 'http';
  ip: string | null;
}

export function portMappings(pod: EmulatedPod): PortMapping[] {
  const tcp = new Set(tcpPorts(pod.ports));
  return pod.ports.flatMap((port): PortMapping[] => {
    const number = Number.parseInt(port, 10);
    if (Number.isNaN(number)) return [];
    if (!tcp.has(number)) return [{ private: number, public: null, type: 'http', ip: null }];
    const published = pod.publicIp === null ? null : (pod.publicPorts[number] ?? null);
    return [{ private: number, public: published, type: 'tcp', ip: published === null ? null : pod.publicIp }];
  });
}

/**
 * A pod as REST v2 renders it (`Pod` in the v2 OpenAPI document). A pod whose machine record is gone
 * renders what is left: `gpu: null` and no data center (a real-world shape the document does not allow).
 */
export function podJson(state: RunPodEmulatorState, pod: EmulatedPod): Record<string, unknown> {
  const now = state.now();
  const status = state.statusOf(pod, now);
  const running = status === 'RUNNING';
  const billed = status !== 'EXITED' && status !== 'TERMINATED';
  const assigned = status !== 'PROVISIONING' && status !== 'TERMINATED';
  const username = `${pod.id}-${pod.machineId.slice(0, 8)}`;
  const ports = running ? portMappings(pod) : [];
  const ssh = ports.find((port) => port.private === 22 && port.type === 'tcp');
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
    gpu: pod.machineLost ? null : { id: pod.gpuTypeId, count: pod.gpuCount },
    cloud: pod.cloud,
    dataCenterId: pod.machineLost ? null : pod.dataCenterId,
    cudaVersion: !pod.machineLost && state.gpuType(pod.gpuTypeId)?.manufacturer === 'NVIDIA' ? '12.8' : null,
    ssh: {
      proxy: assigned && !pod.machineLost ? { host: 'ssh.runpod.io', port: 22, username, command: `ssh ${username}@ssh.runpod.io` } : null,
      // Only with 22/tcp in ports and a public port for it (v2 PodSsh.direct).
      direct: ssh !== undefined && ssh.ip !== null && ssh.public !== null ? { host: ssh.ip, port: ssh.public, username: 'root', command: `ssh root@${ssh.ip} -p ${ssh.public}` } : null,
    },
    template: null,
    cost: billed ? hourlyCost(state, pod) : 0,
    locked: false,
    globalNetworking: { enabled: false },
    runtime: running ? { uptime: Math.max(0, Math.floor((now - state.runningSinceMs(pod)) / 1000)), ports } : null,
    createdAt: iso(pod.createdAtMs),
    startedAt: running ? iso(state.runningSinceMs(pod)) : null,
  };
}

export function volumeJson(volume: { id: string; name: string; size: number | null; dataCenter: string; type: string }): Record<string, unknown> {
  return { id: volume.id, name: volume.name, size: volume.size, dataCenter: volume.dataCenter, type: volume.type };
}
