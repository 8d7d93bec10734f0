import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/free-port.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';
import { type ServiceProcess, connectionRefused, groupAlive, root, startService, waitHealthy } from './service-process.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(label: string): TempDir {
  const dir = makeTempDir(label);
  cleanups.push(() => dir.remove());
  return dir;
}

function track(service: ServiceProcess): ServiceProcess {
  cleanups.push(() => service.killGroup());
  return service;
}

/** A config file: spawns on orbstack take `spawnDelayMs` (chaos latency), and the stop waits at most `shutdownTimeoutMs`. */
function config(dir: TempDir, shutdownTimeoutMs: number, spawnDelayMs: number): string {
  const path = join(dir.path, 'hangar.yaml');
  writeFileSync(
    path,
    [
      `shutdownTimeoutMs: ${shutdownTimeoutMs}`,
      'providers:',
      '  orbstack:',
      '    bootDelayMs: {min: 0, max: 0}',
      `    chaos: {seed: 1, latency: [{operation: spawn, delayMs: ${spawnDelayMs}}]}`,
      '',
    ].join('\n'),
  );
  return path;
}

/** `node --import tsx src/main.ts` (what `npm start` runs) on a free port with a temp data dir. */
async function startMain(dir: TempDir, env: NodeJS.ProcessEnv = {}): Promise<{ service: ServiceProcess; port: number; url: string }> {
  const port = await freePort();
  const service = track(
    startService(process.execPath, ['--import', 'tsx', 'src/main.ts'], { HANGAR_DATA_DIR: dir.path, PORT: String(port), HOST: '127.0.0.1', HANGAR_LOG_LEVEL: 'info', ...env }),
  );
  await waitHealthy(service, port);
  return { service, port, url: `http://127.0.0.1:${port}` };
}

/** Starts a spawn (held by the chaos latency) and resolves once its row exists, i.e. the provider call is under way. */
async function slowSpawn(url: string): Promise<{ response: Promise<Response>; settled: () => boolean }> {
  let done = false;
  const response = fetch(`${url}/v1/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'orbstack', instanceType: 'orb.nano' }),
  }).finally(() => {
    done = true;
  });
  response.catch(() => undefined);
  await waitFor('the spawn row', async () => {
    const body = (await (await fetch(`${url}/v1/instances`)).json()) as { items: unknown[] };
    return body.items.length > 0 ? true : undefined;
  });
  return { response, settled: () => done };
}

describe('npm start', { timeout: 60_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`leaves no process and no listener when the npm process gets ${signal}`, async () => {
      const dir = tempDir('npm-start');
      const port = await freePort();
      const npm = track(startService('npm', ['start'], { HANGAR_DATA_DIR: dir.path, PORT: String(port), HOST: '127.0.0.1', HANGAR_LOG_LEVEL: 'info' }));
      await waitHealthy(npm, port);
      process.kill(npm.pgid, signal);
      await npm.exited;
      // npm may exit before the server has finished stopping; nothing of the group may be left after it.
      await waitFor('every process of npm start to exit', async () => (groupAlive(npm.pgid) ? undefined : true), 20_000, 50);
      expect(await connectionRefused(port)).toBe(true);
      expect(npm.output()).toContain('"msg":"stopped"');
    });
  }
});

describe('the emulators under npm run', { timeout: 60_000 }, () => {
  for (const emulator of ['ec2', 'lambda-labs', 'runpod']) {
    it(`emulator:${emulator} logs its listening line with msg, and leaves nothing behind on SIGTERM`, async () => {
      const port = await freePort();
      const npm = track(startService('npm', ['run', `emulator:${emulator}`], { PORT: String(port) }));
      const listening = await waitFor(
        'the listening line',
        async () => {
          if (npm.child.exitCode !== null) throw new Error(`exited ${npm.child.exitCode}:\n${npm.output()}`);
          return npm.output().split('\n').find((line) => line.includes('emulator listening'));
        },
        30_000,
        50,
      );
      expect(JSON.parse(listening)).toMatchObject({ level: 'info', emulator, msg: `${emulator} emulator listening`, url: `http://127.0.0.1:${port}` });
      process.kill(npm.pgid, 'SIGTERM');
      await npm.exited;
      await waitFor('every process of the emulator to exit', async () => (groupAlive(npm.pgid) ? undefined : true), 20_000, 50);
      expect(await connectionRefused(port)).toBe(true);
    });
  }
});

describe('graceful shutdown', { timeout: 60_000 }, () => {
  it('refuses new connections, lets the request under way finish, cuts the event stream, and exits 0', async () => {
    const dir = tempDir('drain');
    const { service, port, url } = await startMain(dir, { HANGAR_CONFIG: config(dir, 60_000, 4_000) });
    const stream = await fetch(`${url}/v1/events/stream`);
    const streamEnded = stream
      .body!.pipeTo(new WritableStream())
      .then(
        () => true,
        () => true,
      );
    const spawn = await slowSpawn(url);
    service.child.kill('SIGTERM');
    await waitFor('the listener to close', async () => ((await connectionRefused(port)) ? true : undefined));
    expect(spawn.settled()).toBe(false);
    expect((await spawn.response).status).toBe(202);
    expect(await streamEnded).toBe(true);
    expect((await service.exited).code).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');
  });

  it('cuts a request still running at the deadline, and still exits 0', async () => {
    const dir = tempDir('deadline');
    const { service, url } = await startMain(dir, { HANGAR_CONFIG: config(dir, 200, 600_000) });
    const spawn = await slowSpawn(url);
    service.child.kill('SIGTERM');
    await expect(spawn.response).rejects.toThrow();
    expect((await service.exited).code).toBe(0);
    expect(service.output()).toContain('shutdown deadline passed');
  });

  it('exits at once, non-zero, on a second signal', async () => {
    const dir = tempDir('second-signal');
    const { service, port, url } = await startMain(dir, { HANGAR_CONFIG: config(dir, 600_000, 600_000) });
    const spawn = await slowSpawn(url);
    service.child.kill('SIGTERM');
    await waitFor('the listener to close', async () => ((await connectionRefused(port)) ? true : undefined));
    service.child.kill('SIGINT');
    expect(await service.exited).toEqual({ code: 130, signal: null });
    await expect(spawn.response).rejects.toThrow();
  });
});

describe('the built start path', () => {
  it('npm run build, then node dist/main.js serves and stops cleanly', { timeout: 180_000 }, async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    const dir = tempDir('built');
    const port = await freePort();
    const built = track(startService(process.execPath, ['dist/main.js'], { HANGAR_DATA_DIR: dir.path, PORT: String(port), HOST: '127.0.0.1', HANGAR_LOG_LEVEL: 'info' }));
    await waitHealthy(built, port);
    const providers = (await (await fetch(`http://127.0.0.1:${port}/v1/providers`)).json()) as { name: string }[];
    expect(providers.map((provider) => provider.name)).toEqual(['orbstack']);
    // The built server finds the vendored registry beside dist/: the start-up audit says so.
    expect(built.output()).toContain('"msg":"ssot=ok"');
    const registry = (await (await fetch(`http://127.0.0.1:${port}/v1/registry/providers`)).json()) as { sha256: string };
    expect(registry.sha256).toBe(JSON.parse(readFileSync(join(root, 'contracts', 'contracts.lock'), 'utf8'))['provider-registry.json'].sha256);
    built.child.kill('SIGTERM');
    expect((await built.exited).code).toBe(0);
  });
});
