import { type BootstrapConfig, type BootstrapOutput, bootstrapOutput, renderShellBootstrap } from '../../contracts/index.js';

export const BOOTSTRAP_SCRIPT_PATH = '/var/lib/hangar/bootstrap.sh';

/** Lambda's `user_data` limit: plain text, at most 1 MB. */
export const USER_DATA_MAX_BYTES = 1024 * 1024;

/**
 * The `user_data` of a launch: a `#cloud-config` document that writes the shared shell bootstrap and
 * runs it once. The script travels base64-encoded so no caller value has to survive YAML quoting.
 */
export function lambdaLabsBootstrap(config: BootstrapConfig): BootstrapOutput {
  const script = Buffer.from(renderShellBootstrap(config), 'utf8').toString('base64');
  const content = [
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
  return bootstrapOutput(content, 'cloud-config');
}
