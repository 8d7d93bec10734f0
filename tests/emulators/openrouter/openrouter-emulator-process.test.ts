import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const KEY = 'sk-or-v1-process-test-71c0d2e4';

describe('npm run emulator:openrouter (main.ts)', () => {
  it('serves on PORT with the key from OPENROUTER_EMULATOR_API_KEY, never logs it, and stops on SIGTERM', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulators/openrouter/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', OPENROUTER_EMULATOR_API_KEY: KEY, OPENROUTER_EMULATOR_SEED: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((candidate) => candidate.includes('openrouter emulator listening'));
        if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const chat = (key: string) =>
        fetch(`${url}/api/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
        });
      expect((await chat(KEY)).status).toBe(200);
      expect((await chat('sk-or-v1-emulator-key')).status).toBe(401);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    }
    expect(output).not.toContain(KEY);
  });
});
