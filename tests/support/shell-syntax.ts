import { spawnSync } from 'node:child_process';

/** `bash -n`: parses the script without running it; returns bash's complaint, or null when the syntax is valid. */
export function shellSyntaxError(script: string): string | null {
  const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return result.status === 0 ? null : result.stderr || `bash -n exited ${result.status}`;
}
