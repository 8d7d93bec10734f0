import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnthropicEmulatorBed, API_KEY, expectError, expectExchangesMatchSpec, messagesBody, openAnthropicEmulator } from './anthropic-emulator-bed.js';

async function withEmulator(options: Parameters<typeof openAnthropicEmulator>[0], run: (bed: AnthropicEmulatorBed) => Promise<void>, malformed = 0): Promise<void> {
  const bed = await openAnthropicEmulator(options);
  try {
    await run(bed);
    expectExchangesMatchSpec(bed.emulator.exchanges, { malformed });
  } finally {
    await bed.close();
  }
}

const post = (bed: AnthropicEmulatorBed, fields: Record<string, unknown> = {}) => bed.call('POST', '/v1/messages', messagesBody(fields));

describe('Anthropic emulator: rate limit', () => {
  it('answers 429 rate_limit_error with retry-after once a key spends its window, and serves again when the window turns', async () => {
    await withEmulator({ rateLimit: { requests: 2, windowMs: 60_000 } }, async (bed) => {
      expect((await post(bed)).status).toBe(200);
      bed.clock += 15_500;
      expect((await bed.call('GET', '/v1/models')).status).toBe(200);
      const refused = await post(bed);
      expectError(refused, 429, 'rate_limit_error');
      // 44.5 s left in the window, in whole seconds.
      expect(refused.headers.get('retry-after')).toBe('45');
      expect(bed.emulator.rateWindow?.refused).toBe(1);
      bed.clock += 44_500;
      expect((await post(bed)).status).toBe(200);
    });
  });
});

describe('Anthropic emulator: chaos', () => {
  it('acts a capacity fault as 529 overloaded_error, once, then answers', async () => {
    await withEmulator({ chaos: { seed: 1, faults: [{ operation: 'spawn', code: 'CAPACITY_ERROR', times: 1 }] } }, async (bed) => {
      expectError(await post(bed), 529, 'overloaded_error', 'Overloaded');
      expect((await post(bed)).status).toBe(200);
    });
  });

  it('acts a rate-limit fault as 429 with its retry-after in seconds, and aims at one model', async () => {
    const chaos = { seed: 1, faults: [{ operation: 'spawn', code: 'RATE_LIMIT_ERROR', retryAfterMs: 2500, instanceType: 'claude-haiku-4-5' }] };
    await withEmulator({ chaos }, async (bed) => {
      const limited = await post(bed, { model: 'claude-haiku-4-5' });
      expectError(limited, 429, 'rate_limit_error');
      expect(limited.headers.get('retry-after')).toBe('3');
      expect((await post(bed, { model: 'claude-sonnet-4-5' })).status).toBe(200);
    });
  });

  it('acts phantom as 500 api_error after answering, malformed as an unreadable 200, on the operation the rule names', async () => {
    const chaos = { seed: 1, faults: [{ operation: 'spawn', effect: 'phantom', times: 1 }, { operation: 'list', effect: 'malformed', times: 1 }] };
    await withEmulator(
      { chaos },
      async (bed) => {
        expectError(await post(bed), 500, 'api_error');
        const garbled = await bed.call('GET', '/v1/models');
        expect(garbled.status).toBe(200);
        expect(() => JSON.parse(garbled.text)).toThrow();
        expect((await bed.call('GET', '/v1/models')).status).toBe(200);
      },
      1,
    );
  });

  it('never answers under a timeout fault; the client deadline ends the call', async () => {
    await withEmulator({ chaos: { seed: 1, faults: [{ operation: 'get', effect: 'timeout', times: 1 }] } }, async (bed) => {
      const started = Date.now();
      await expect(fetch(`${bed.emulator.url}/v1/models/claude-haiku-4-5`, { headers: { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect((await bed.call('GET', '/v1/models/claude-haiku-4-5')).status).toBe(200);
    });
  });

  it('takes a scenario over HTTP at /_emulator/chaos and clears it', async () => {
    await withEmulator({}, async (bed) => {
      const put = await fetch(`${bed.emulator.url}/_emulator/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 3, faults: [{ operation: '*', code: 'AUTH_ERROR' }] }) });
      expect(put.status).toBe(200);
      expectError(await bed.call('GET', '/v1/models'), 401, 'authentication_error');
      expect((await fetch(`${bed.emulator.url}/_emulator/chaos`, { method: 'DELETE' })).status).toBe(204);
      expect((await bed.call('GET', '/v1/models')).status).toBe(200);
    });
  });
});

describe('Anthropic emulator: main.ts', () => {
  it('listens on PORT with the key from ANTHROPIC_EMULATOR_API_KEY, and never logs the key', async () => {
    const planted = 'sk-ant-main-PLANTED-0c1d2e3f';
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', '..', 'src', 'emulators', 'anthropic', 'main.ts')], {
      env: { ...process.env, PORT: '0', ANTHROPIC_EMULATOR_API_KEY: planted, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const headers = { 'anthropic-version': '2023-06-01' };
      expect((await fetch(`${url}/v1/models`, { headers: { ...headers, 'x-api-key': planted } })).status).toBe(200);
      expect((await fetch(`${url}/v1/models`, { headers: { ...headers, 'x-api-key': API_KEY } })).status).toBe(401);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).toContain('anthropic emulator listening');
    expect(output).not.toContain(planted);
  });
});
