import { type BootstrapConfig, type BootstrapOutput, bootstrapOutput, renderShellBootstrap } from '../../contracts/index.js';

export const BOOTSTRAP_SCRIPT_PATH = '/var/lib/hangar/bootstrap.sh';

/**
 * A `#cloud-config` document that writes the shared shell bootstrap and runs it once. The script is
 * carried base64-encoded so no caller value has to survive YAML quoting.
 */
export function renderCloudConfigBootstrap(config: BootstrapConfig): string {
  const script = Buffer.from(renderShellBootstrap(config), 'utf8').toString('base64');
  return [
    '#cloud-config',
    'write_files:',
    `  - path: ${BOOTSTRAP_SCRIPT_PATH}`,
    "    permissions: '0700'",
    '    encoding: b64',
    `    content: ${script}`,
    'runcmd:',
    `  - [sh, ${BOOTSTRAP_SCRIPT_PATH}]`,
    '',
  ].join('\n');
}

export function cloudConfigBootstrap(config: BootstrapConfig): BootstrapOutput {
  return bootstrapOutput(renderCloudConfigBootstrap(config), 'cloud-config');
}
