import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { KeepAliveClient } from './keep-alive-client.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcessOptions {
  name: string;
  /** A TypeScript entry point, relative to the repository root, that listens on `PORT`. */
  entry: string;
  env?: Record<string, string>;
  readyPath?: string;
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  readonly port: number;
  /** The last lines the child wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 4000;

/**
 * Runs a server as its own Node process (through the tsx loader, as `npm start` does), so it has a
 * core and an event loop of its own, apart from the load generator. Resolves once `readyPath` answers 200.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keepTail = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  // A crash of the benchmark itself must not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const server: ServerProcess = {
    port,
    output: () => tail,
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
  try {
    await waitUntilReady(child, port, options.readyPath ?? '/healthz', options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await server.stop();
    throw new Error(`${options.name} did not start: ${(error as Error).message}\n${tail}`, { cause: error });
  }
  return server;
}

async function waitUntilReady(child: ChildProcess, port: number, path: string, timeoutMs: number): Promise<void> {
  const client = new KeepAliveClient({ port, maxSockets: 1, timeoutMs: 2_000 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
      }
      const status = await client.get(path).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      await sleep(100);
    }
    throw new Error(`GET ${path} was not 200 within ${timeoutMs} ms`);
  } finally {
    client.close();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
