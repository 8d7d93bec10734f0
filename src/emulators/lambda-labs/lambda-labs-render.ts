import { mergePatch } from './entry-patches.js';
import { regionOf } from './lambda-labs-catalog.js';
import type { EmulatedFileSystem, EmulatedInstance, EmulatedSshKey, LambdaLabsState } from './lambda-labs-state.js';

/** The emulator's one user: file systems name their creator. */
export const EMULATED_USER = { id: '3da5a70a57a7422ea8a7203f98b2198b', email: 'emulator@example.com', status: 'active' } as const;

function action(available: boolean, reason: 'vm-has-not-launched' | 'vm-is-terminating'): Record<string, unknown> {
  return available ? { available: true } : { available: false, reason_code: reason, reason_description: reason.replaceAll('-', ' ') };
}

/** An `Instance` as the API answers it. */
export function renderInstance(state: LambdaLabsState, instance: EmulatedInstance): Record<string, unknown> {
  const status = state.statusOf(instance);
  const running = status === 'active' || status === 'unhealthy';
  const reason = status === 'booting' ? 'vm-has-not-launched' : 'vm-is-terminating';
  const fileSystems = instance.fileSystemNames.flatMap((name) => {
    const fileSystem = state.fileSystemByName(name);
    return fileSystem === undefined ? [] : [{ mount_point: `/lambda/nfs/${name}`, file_system_id: fileSystem.id }];
  });
  const rendered = {
    id: instance.id,
    ...(instance.name !== null && { name: instance.name }),
    ...(status !== 'booting' && { ip: instance.ip, private_ip: instance.privateIp }),
    status: status === 'gone' ? 'terminated' : status,
    ssh_key_names: [...instance.sshKeyNames],
    file_system_names: [...instance.fileSystemNames],
    ...(fileSystems.length > 0 && { file_system_mounts: fileSystems }),
    region: regionOf(instance.region),
    instance_type: instance.type,
    hostname: instance.hostname ?? instance.ip.replaceAll('.', '-'),
    jupyter_token: instance.id.split('').reverse().join(''),
    jupyter_url: `https://jupyter-${instance.id}.lambdaspaces.example/?token=${instance.id.split('').reverse().join('')}`,
    actions: {
      migrate: action(false, reason),
      rebuild: action(running, reason),
      restart: action(running, reason),
      cold_reboot: action(running, reason),
      terminate: action(state.canTerminate(instance), reason),
    },
    tags: instance.tags.map((tag) => ({ ...tag })),
    firewall_rulesets: [],
  };
  return mergePatch(rendered, state.entryPatches.instances[instance.id]) as Record<string, unknown>;
}

export function renderFileSystem(state: LambdaLabsState, fileSystem: EmulatedFileSystem): Record<string, unknown> {
  const rendered = {
    id: fileSystem.id,
    name: fileSystem.name,
    mount_point: `/lambda/nfs/${fileSystem.name}`,
    created: new Date(fileSystem.createdAtMs).toISOString(),
    created_by: EMULATED_USER,
    is_in_use: state.fileSystemInUse(fileSystem),
    region: regionOf(fileSystem.region),
    bytes_used: 0,
  };
  return mergePatch(rendered, state.entryPatches.fileSystems[fileSystem.id]) as Record<string, unknown>;
}

export function renderSshKey(key: EmulatedSshKey): Record<string, unknown> {
  return { id: key.id, name: key.name, public_key: key.publicKey };
}
