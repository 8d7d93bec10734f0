import { type BootstrapConfig, type BootstrapOutput, bootstrapOutput, ProviderError, renderShellBootstrap } from '../../contracts/index.js';
import { POD_ENV } from './runpod-naming.js';

/**
 * A RunPod pod is a container, not a VM: there is no cloud-init and no user data. What REST v2
 * `CreatePodRequest` offers is `env` and `args` (the start command). So the bootstrap is a POSIX
 * shell script, shipped base64-encoded in the `HANGAR_BOOTSTRAP` environment variable (with its
 * checksum beside it), and the pod's start command decodes and runs it, then keeps the container
 * alive the way a machine stays up after its first boot. This replaces the image's own start
 * command (CMD): an image that needs its CMD must be started from the caller's script.
 */
export function runPodBootstrap(config: BootstrapConfig): BootstrapOutput {
  return bootstrapOutput(renderShellBootstrap(config), 'shell');
}

export const BOOTSTRAP_START_COMMAND =
  `sh -c 'printf %s "$${POD_ENV.bootstrap}" | base64 -d > /tmp/hangar-bootstrap.sh && sh /tmp/hangar-bootstrap.sh; ` +
  `echo "hangar bootstrap exited with status $?"; exec sleep infinity'`;

/** The env entries and start command that deliver a bootstrap; a cloud-config cannot run in a container. */
export function bootstrapDelivery(bootstrap: BootstrapOutput): { env: Record<string, string>; args: string } {
  if (bootstrap.format !== 'shell') {
    throw new ProviderError({
      code: 'INVALID_SPEC',
      provider: 'runpod',
      message: `runpod: a ${bootstrap.format} bootstrap cannot run in a RunPod pod (a container without cloud-init); use a shell bootstrap`,
    });
  }
  return {
    env: { [POD_ENV.bootstrap]: Buffer.from(bootstrap.content, 'utf8').toString('base64'), [POD_ENV.bootstrapChecksum]: bootstrap.checksum },
    args: BOOTSTRAP_START_COMMAND,
  };
}
