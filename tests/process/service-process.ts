import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Its process group: the test starts it detached, so the group holds it and everything it started. */
  pgid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs whatever is left of the group (after a test, or when it failed). */
  killGroup(): void;
}

/** Starts `command args` in `root` as the leader of a new process group, with `env` over the test's own. */
export function startService(command: string, args: string[], env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pgid = child.pid ?? 0;
  return {
    child,
    pgid,
    output: () => output,
    exited,
    killGroup: () => {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    },
  };
}

/** Whether any process of the group is left. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether a new TCP connection to 127.0.0.1:port is refused (nothing listens). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve(true);
      // Accepted into the backlog just as the listener closed, then reset: not refused yet; the caller asks again.
      else if (error.code === 'ECONNRESET') resolve(false);
      else reject(error);
    });
  });
}

/** Polls /healthz until it answers 200 or the process exits. */
export async function waitHealthy(service: ServiceProcess, port: number): Promise<void> {
  for (;;) {
    if (service.child.exitCode !== null) throw new Error(`exited ${service.child.exitCode} before serving:\n${service.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
