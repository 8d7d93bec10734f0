import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlPlaneSettingsSchema } from '../../src/control-plane/config.js';
import { type RunningControlPlane, startControlPlane } from '../../src/control-plane/control-plane.js';
import { createLogger } from '../../src/control-plane/logger.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startOnDir(dir: TempDir, extra: Record<string, unknown> = {}, logger = createLogger('silent'), env: NodeJS.ProcessEnv = {}): Promise<RunningControlPlane> {
  const registration = createOrbStackRegistration(
    OrbStackConfigSchema.parse({ bootDelayMs: { min: 0, max: 0 }, terminateDelayMs: { min: 0, max: 0 } }),
    { dataDir: dir.path },
  );
  const settings = ControlPlaneSettingsSchema.parse({ dataDir: dir.path, port: 0, reconcile: { reconcileIntervalMs: 20 }, ...extra });
  const plane = await startControlPlane({ settings, registrations: [registration], logger, env });
  cleanups.push(() => plane.close());
  return plane;
}

function tempDir(label: string): TempDir {
  const dir = makeTempDir(label);
  cleanups.push(() => dir.remove());
  return dir;
}

describe('the control plane over real HTTP', () => {
  it('spawns, reads and terminates over a socket, with the heartbeat scheduler running', async () => {
    const plane = await startOnDir(tempDir('http'));
    const created = await fetch(`${plane.url}/v1/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'http-1' },
      body: JSON.stringify({ provider: 'orbstack', instanceType: 'orb.nano' }),
    });
    expect(created.status).toBe(202);
    const instance = (await created.json()) as { id: string };
    await waitFor('running', async () => {
      const body = (await (await fetch(`${plane.url}/v1/instances/${instance.id}`)).json()) as { status: string };
      return body.status === 'running' ? true : undefined;
    });
    expect((await fetch(`${plane.url}/v1/instances/${instance.id}`, { method: 'DELETE' })).status).toBe(202);
    await waitFor('terminated', async () => {
      const body = (await (await fetch(`${plane.url}/v1/instances/${instance.id}`)).json()) as { status: string };
      return body.status === 'terminated' ? true : undefined;
    });
  });

  it('keeps two data directories apart', async () => {
    const a = tempDir('iso-a');
    const b = tempDir('iso-b');
    const planeA = await startOnDir(a);
    const planeB = await startOnDir(b);
    await fetch(`${planeA.url}/v1/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'orbstack', instanceType: 'orb.nano' }),
    });
    const listA = (await (await fetch(`${planeA.url}/v1/instances`)).json()) as { items: unknown[] };
    const listB = (await (await fetch(`${planeB.url}/v1/instances`)).json()) as { items: unknown[] };
    expect(listA.items).toHaveLength(1);
    expect(listB.items).toHaveLength(0);
    expect(existsSync(join(a.path, 'hangar.db'))).toBe(true);
    expect(existsSync(join(a.path, 'orbstack', 'local-machines.jsonl'))).toBe(true);
    expect(existsSync(join(b.path, 'orbstack', 'local-machines.jsonl'))).toBe(false);
  });
});

describe('the event stream', () => {
  it('sends a keep-alive comment while no event comes', async () => {
    const plane = await startOnDir(tempDir('sse'), { sseKeepAliveMs: 50 });
    const response = await fetch(`${plane.url}/v1/events/stream`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': keep-alive\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    expect(text).toContain(': keep-alive\n\n');
  });
});

describe('listening beyond loopback', () => {
  const BOOTSTRAP = 'hgr_bootstrap-secret-for-the-http-server-test-0001';

  it('refuses to start without an API token, in one line saying how to create one', async () => {
    const lines: string[] = [];
    const refused = await startOnDir(tempDir('exposed'), { host: '192.0.2.1' }, createLogger('info', (line) => lines.push(line))).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toContain('HANGAR_ADMIN_TOKEN');
    expect((refused as Error).message).not.toContain('\n');
    // Nothing listened.
    expect(lines.some((line) => line.includes('control plane listening'))).toBe(false);
  });

  it('with HANGAR_ADMIN_TOKEN it stores the token’s hash and goes on to listen (192.0.2.1 is no local address: the listen itself fails here)', async () => {
    const lines: string[] = [];
    await expect(startOnDir(tempDir('bootstrap'), { host: '192.0.2.1' }, createLogger('info', (line) => lines.push(line)), { HANGAR_ADMIN_TOKEN: BOOTSTRAP })).rejects.toThrow(/192\.0\.2\.1|EADDRNOTAVAIL/);
    expect(lines.some((line) => line.includes('bootstrap admin token stored'))).toBe(true);
    expect(lines.some((line) => line.includes('every request needs an API token'))).toBe(true);
    expect(lines.join('\n')).not.toContain(BOOTSTRAP);
  });

  it('refuses a HANGAR_ADMIN_TOKEN too short to be a token', async () => {
    await expect(startOnDir(tempDir('short'), {}, createLogger('silent'), { HANGAR_ADMIN_TOKEN: 'hunter2' })).rejects.toThrow(/at least 32 characters/);
  });

  it('says nothing of it on loopback', async () => {
    const lines: string[] = [];
    await startOnDir(tempDir('loopback'), {}, createLogger('info', (line) => lines.push(line)));
    expect(lines.some((line) => line.includes('control plane listening'))).toBe(true);
    expect(lines.some((line) => line.includes('beyond loopback'))).toBe(false);
  });
});

describe('npm start (src/main.ts)', () => {
  const root = join(import.meta.dirname, '..', '..');

  function run(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, HANGAR_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanups.push(() => {
      child.kill('SIGKILL');
    });
    return { child, output: () => output, exited };
  }

  it('starts on its defaults with the data dir given, serves, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir('main');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const proc = run({ HANGAR_DATA_DIR: dir.path, PORT: String(port) });
    await waitFor(
      'listening',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      20_000,
      100,
    );
    const providers = (await (await fetch(`http://127.0.0.1:${port}/v1/providers`)).json()) as { name: string }[];
    expect(providers.map((provider) => provider.name)).toEqual(['orbstack']);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('"msg":"control plane listening"');
    expect(existsSync(join(dir.path, 'hangar.db'))).toBe(true);
  });

  it('refuses to start on a bad config file, naming the bad key', async () => {
    const dir = tempDir('main-bad');
    const config = join(dir.path, 'hangar.yaml');
    writeFileSync(config, 'providers:\n  orbstack:\n    bootDelayMs: {min: 5, max: 1}\n');
    const proc = run({ HANGAR_DATA_DIR: dir.path, HANGAR_CONFIG: config });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('providers.orbstack.bootDelayMs');
    expect(existsSync(join(dir.path, 'hangar.db'))).toBe(false);
  });
});
