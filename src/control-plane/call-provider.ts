import { withDeadline } from '../lib/with-deadline.js';
import { ProviderTimeoutError } from './api-error.js';

/**
 * Runs one provider call with a deadline. The control plane owns retries; this only makes sure no
 * request waits on a provider forever. At the deadline the call's signal is aborted (the provider
 * stops its HTTP request, SDK call or CLI run) and the caller gets the same `ProviderTimeoutError` as
 * always, so the outcome stays "unknown" to the control plane. Pass the signal on:
 * `callProvider(name, 'get', ms, (signal) => provider.get(id, { signal }))`.
 */
export function callProvider<T>(provider: string, operation: string, timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withDeadline(timeoutMs, () => new ProviderTimeoutError(provider, operation, timeoutMs), call);
}
