import { isProviderError, ProviderError } from './errors.js';

/**
 * A provider answering under an adapter's own name (`runpod-next` built by the `runpod` kind): the
 * same object with `name` replaced and every method's ProviderError carrying the adapter's name, so
 * the taxonomy, the API's errors and the store all speak of the adapter, never of its kind. Applied to
 * a projected provider (a plain object of functions); the provider's own name stays in messages.
 */
export function renameProvider<P extends { readonly name: string }>(provider: P, name: string): P {
  if (provider.name === name) return provider;
  const kind = provider.name;
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(provider)) {
    renamed[key] = typeof value === 'function' ? renameErrors(value as (...args: unknown[]) => unknown, kind, name) : value;
  }
  renamed.name = name;
  return renamed as P;
}

/** Wraps one function so the ProviderErrors it throws or rejects with carry the adapter's name; sync stays sync. */
export function renameErrors<F extends (...args: never[]) => unknown>(fn: F, kind: string, name: string): F {
  const remap = (error: unknown): never => {
    if (isProviderError(error) && error.provider === kind) {
      throw new ProviderError({ code: error.code, provider: name, message: error.message, cause: error.cause, retryAfterMs: error.retryAfterMs });
    }
    throw error;
  };
  return ((...args: Parameters<F>) => {
    let result: unknown;
    try {
      result = fn(...args);
    } catch (error) {
      return remap(error);
    }
    return result instanceof Promise ? result.catch(remap) : result;
  }) as F;
}
