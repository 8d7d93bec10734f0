import { ProviderTimeoutError } from './api-error.js';

/**
 * Runs one provider call with a deadline. The control plane owns retries; this only makes sure no
 * request waits on a provider forever.
 */
export async function callProvider<T>(
  provider: string,
  operation: string,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderTimeoutError(provider, operation, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
