import { performance } from 'node:perf_hooks';
import { KeepAliveClient } from './keep-alive-client.js';
import { type RunningResult, RunningWatcher } from './running-watcher.js';
import { type SpawnResult, spawnInstances } from './spawn-instances.js';

export interface SpawnToRunningOptions {
  port: number;
  count: number;
  concurrency: number;
  request: unknown;
  pollIntervalMs: number;
  runningTimeoutMs: number;
}

export interface SpawnToRunningResult {
  spawn: SpawnResult;
  running: RunningResult;
  /** From the first POST to the last instance seen running. */
  allRunningMs: number;
}

/**
 * Spawns and watches at the same time: an instance's spawn -> running time starts at its own POST,
 * so watching only after the last 202 would charge early instances for the whole spawn phase.
 */
export async function spawnToRunning(options: SpawnToRunningOptions): Promise<SpawnToRunningResult> {
  const spawnClient = new KeepAliveClient({ port: options.port, maxSockets: options.concurrency });
  const watchClient = new KeepAliveClient({ port: options.port, maxSockets: 1 });
  const abort = new AbortController();
  const watcher = new RunningWatcher(watchClient, { pollIntervalMs: options.pollIntervalMs, pageSize: 1000 });
  const startedAt = performance.now();
  // Whichever side fails first stops the other, so the error surfaces now rather than at a timeout.
  const stopOnFailure = <T>(work: Promise<T>) =>
    work.catch((error: unknown) => {
      abort.abort(error);
      throw error;
    });
  try {
    const [spawn, running] = await Promise.all([
      stopOnFailure(
        spawnInstances(spawnClient, {
          count: options.count,
          concurrency: options.concurrency,
          request: options.request,
          signal: abort.signal,
          onAccepted: (id, postedAt) => watcher.expect(id, postedAt),
        }),
      ),
      stopOnFailure(watcher.watch({ expected: options.count, timeoutMs: options.runningTimeoutMs, signal: abort.signal })),
    ]);
    return { spawn, running, allRunningMs: running.allRunningAt - startedAt };
  } finally {
    spawnClient.close();
    watchClient.close();
  }
}
