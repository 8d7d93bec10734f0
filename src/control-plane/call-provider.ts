import { ProviderTimeoutError } from './api-error.js';

/**
 * Runs one provider call with a deadline. The control plane owns retries; this only makes sure no
 * request waits on a provider forever. At the deadline the call's signal is aborted (the provider
 * stops its HTTP request, SDK call or CLI run) and the caller gets the same `ProviderTimeoutError` as
 * always, so the outcome stays "unknown" to the control plane. Pass the signal on:
 * `callProvider(name, 'get', ms, (signal) => provider.get(id, { signal }))`.
 */
export async function callProvider<T>(
  provider: string,
  operation: string,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = new ProviderTimeoutError(provider, operation, timeoutMs);
      reject(timeout);
      controller.abort(timeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
