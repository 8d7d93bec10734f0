import { createHash } from 'node:crypto';
import { z } from 'zod';

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What the caller asks a machine to run on first boot. */
export const BootstrapConfigSchema = z.object({
  instanceId: z.string().min(1),
  hostname: z.string().min(1).max(63).optional(),
  script: z
    .string()
    .max(64 * 1024)
    .optional(),
  env: z
    .record(z.string().regex(ENV_NAME_PATTERN, 'environment variable names are letters, digits and _'), z.string())
    .optional(),
});

export type BootstrapConfig = z.infer<typeof BootstrapConfigSchema>;

export const BOOTSTRAP_FORMATS = ['shell', 'cloud-config'] as const;

export const BootstrapOutputSchema = z.object({
  content: z.string(),
  format: z.enum(BOOTSTRAP_FORMATS),
  /** SHA-256 hex of `content`. */
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});

export type BootstrapOutput = z.infer<typeof BootstrapOutputSchema>;
export type BootstrapFormat = BootstrapOutput['format'];

export function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export function bootstrapOutput(content: string, format: BootstrapFormat): BootstrapOutput {
  return { content, format, checksum: sha256Hex(content) };
}

export function verifyBootstrapChecksum(output: BootstrapOutput): boolean {
  return sha256Hex(output.content) === output.checksum;
}

/** Single-quotes a value for POSIX shells: the only character that needs care inside '' is ' itself. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * A POSIX shell bootstrap: strict mode, the exported environment, then the caller's script in a
 * quoted heredoc-free block, so no value can break out of its quotes.
 */
export function renderShellBootstrap(config: BootstrapConfig): string {
  const lines = ['#!/bin/sh', 'set -eu', `# hangar bootstrap for ${config.instanceId}`];
  lines.push(`export HANGAR_INSTANCE_ID=${shellQuote(config.instanceId)}`);
  if (config.hostname) lines.push(`hostname ${shellQuote(config.hostname)} 2>/dev/null || true`);
  for (const [name, value] of Object.entries(config.env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  if (config.script) lines.push(`sh -c ${shellQuote(config.script)}`);
  return `${lines.join('\n')}\n`;
}

/** Where a cloud-config bootstrap writes the shell bootstrap before running it. */
export const CLOUD_CONFIG_SCRIPT_PATH = '/var/lib/hangar/bootstrap.sh';

/**
 * A `#cloud-config` document (for vendors that take cloud-init user data) that writes the shared
 * shell bootstrap and runs it once. The script travels base64-encoded, so no caller value has to
 * survive YAML quoting.
 */
export function cloudConfigBootstrap(config: BootstrapConfig): BootstrapOutput {
  const script = Buffer.from(renderShellBootstrap(config), 'utf8').toString('base64');
  const content = [
    '#cloud-config',
    'write_files:',
    `  - path: ${CLOUD_CONFIG_SCRIPT_PATH}`,
    "    permissions: '0700'",
    '    encoding: b64',
    `    content: ${script}`,
    'runcmd:',
    `  - [sh, ${CLOUD_CONFIG_SCRIPT_PATH}]`,
    '',
  ].join('\n');
  return bootstrapOutput(content, 'cloud-config');
}
