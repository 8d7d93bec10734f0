/**
 * Runs `work` with a deadline: at `timeoutMs` the work's signal is aborted with `onTimeout()`'s error
 * and the caller gets that error at once, whether or not the work stops promptly.
 */
export async function withDeadline<T>(timeoutMs: number, onTimeout: () => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = onTimeout();
      reject(timeout);
      controller.abort(timeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
