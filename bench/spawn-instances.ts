import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { KeepAliveClient } from './keep-alive-client.js';
import { type LatencySummary, summarizeLatencies } from './latency-stats.js';

const SpawnResponseSchema = z.object({ id: z.string().min(1), status: z.string() });

export interface SpawnOptions {
  count: number;
  concurrency: number;
  request: unknown;
  /** Each accepted instance as soon as its 202 arrives, with the moment its POST was sent. */
  onAccepted: (id: string, postedAt: number, status: string) => void;
  signal: AbortSignal;
}

export interface SpawnResult {
  ids: string[];
  /** From the first POST sent to the last 202 received. */
  wallMs: number;
  requestsPerSecond: number;
  latency: LatencySummary;
}

/** POSTs `count` spawn requests, `concurrency` at a time; anything but a 202 stops the run. */
export async function spawnInstances(client: KeepAliveClient, options: SpawnOptions): Promise<SpawnResult> {
  const ids: string[] = [];
  const samples: number[] = [];
  let sent = 0;
  let failed = false;
  const startedAt = performance.now();
  const send = async () => {
    while (sent < options.count && !failed && !options.signal.aborted) {
      sent += 1;
      const postedAt = performance.now();
      const response = await client.postJson('/v1/instances', options.request);
      samples.push(performance.now() - postedAt);
      if (response.status !== 202) {
        throw new Error(`POST /v1/instances answered ${response.status}: ${response.body.slice(0, 500)}`);
      }
      const instance = SpawnResponseSchema.parse(JSON.parse(response.body));
      ids.push(instance.id);
      options.onAccepted(instance.id, postedAt, instance.status);
    }
  };
  // The first failure stops every worker instead of letting the others post on into a broken server.
  const worker = () =>
    send().catch((error: unknown) => {
      failed = true;
      throw error;
    });
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  options.signal.throwIfAborted();
  const wallMs = performance.now() - startedAt;
  return { ids, wallMs, requestsPerSecond: ids.length / (wallMs / 1000), latency: summarizeLatencies(samples) };
}
