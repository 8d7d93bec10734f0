import { spawnSync } from 'node:child_process';

/**
 * `bash -n`: parses a script without running it. Answers bash's complaint, null when the syntax is
 * valid, or `unavailable` when this machine has no bash to ask (the check is then not made).
 */
export function shellSyntaxError(script: string): string | null | 'unavailable' {
  const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'unavailable';
  return result.status === 0 ? null : result.stderr || `bash -n exited ${result.status}`;
}
