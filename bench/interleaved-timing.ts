import { performance } from 'node:perf_hooks';

/**
 * Once more after a socket the emulator closed while idle (`fetch failed`: its keep-alive timeout
 * can race a client reusing the socket after a long pause, e.g. after the codec part). Only for
 * recording and warm-up: timed calls never retry.
 */
export async function againIfClosed<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof TypeError) && !(error instanceof Error && /fetch failed|NETWORK|socket/i.test(`${error.message} ${String(error.cause)}`))) throw error;
    return fn();
  }
}

export async function timeEach(samples: number, warmup: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let index = 0; index < warmup; index += 1) await fn();
  const times: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

/** Two callers timed alternately (a b, b a, a b …) so drift in the machine's load falls on both alike. */
export async function timeInterleaved(samples: number, warmup: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<{ a: number[]; b: number[] }> {
  for (let index = 0; index < warmup; index += 1) {
    await againIfClosed(a);
    await againIfClosed(b);
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  const timed = async (fn: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await fn();
    into.push(performance.now() - started);
  };
  for (let index = 0; index < samples; index += 1) {
    // Which goes first alternates too, so neither always runs on the other's warmed caches.
    if (index % 2 === 0) {
      await timed(a, timesA);
      await timed(b, timesB);
    } else {
      await timed(b, timesB);
      await timed(a, timesA);
    }
  }
  return { a: timesA, b: timesB };
}
