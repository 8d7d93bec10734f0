import { performance } from 'node:perf_hooks';
import { KeepAliveClient } from './keep-alive-client.js';
import { type LatencySummary, summarizeLatencies } from './latency-stats.js';

export interface LoadOptions {
  port: number;
  concurrency: number;
  /** Requests in the warm-up are sent but not measured: JIT, connection set-up and caches settle first. */
  warmupMs: number;
  durationMs: number;
  /** Called once per request, so each request can target a different resource. */
  nextPath: () => string;
}

export interface LoadResult {
  requests: number;
  /** Non-2xx answers and transport errors, warm-up included. */
  failures: number;
  firstFailure: string | null;
  requestsPerSecond: number;
  latency: LatencySummary;
}

/**
 * Closed-loop load: `concurrency` workers, each sending its next GET as soon as the previous one
 * answered, over one keep-alive socket per worker. Only requests started after the warm-up count.
 */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const client = new KeepAliveClient({ port: options.port, maxSockets: options.concurrency, timeoutMs: 10_000 });
  const samples: number[] = [];
  let failures = 0;
  let firstFailure: string | null = null;
  const measureFrom = performance.now() + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let lastEnd = measureFrom;

  const worker = async () => {
    while (performance.now() < stopAt) {
      const path = options.nextPath();
      const start = performance.now();
      let failure: string | null = null;
      try {
        const status = await client.status(path);
        if (status < 200 || status > 299) failure = `GET ${path} answered ${status}`;
      } catch (error) {
        failure = `GET ${path} failed: ${(error as Error).message}`;
      }
      const end = performance.now();
      if (failure !== null) {
        failures += 1;
        firstFailure ??= failure;
      }
      if (start >= measureFrom) {
        samples.push(end - start);
        lastEnd = Math.max(lastEnd, end);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    client.close();
  }
  return {
    requests: samples.length,
    failures,
    firstFailure,
    requestsPerSecond: samples.length / ((lastEnd - measureFrom) / 1000),
    latency: summarizeLatencies(samples),
  };
}
