import { isProviderError, ReadinessConfigError } from '../contracts/index.js';
import type { ErrorClass } from './validation-result.js';

/** A probe past its deadline (the readiness layer's own, not the provider's). */
export class ProbeTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/** A failure's class: its taxonomy code, CONFIG_MISSING, TIMEOUT, or UNKNOWN_ERROR for anything else. */
export function errorClassOf(error: unknown): ErrorClass {
  if (isProviderError(error)) return error.code;
  if (error instanceof ReadinessConfigError) return 'CONFIG_MISSING';
  if (error instanceof ProbeTimeoutError) return 'TIMEOUT';
  // A provider's own deadline (the control plane's ProviderTimeoutError, an SDK's TimeoutError) is a timeout too.
  if (error instanceof Error && /timeout/i.test(error.name)) return 'TIMEOUT';
  return 'UNKNOWN_ERROR';
}

/** Whether a failure of this class may pass on its own: retried within the window before it counts. */
export function isTransient(error: unknown): boolean {
  if (isProviderError(error)) return error.retryable;
  const errorClass = errorClassOf(error);
  return errorClass === 'TIMEOUT' || errorClass === 'UNKNOWN_ERROR';
}

/** One line saying what went wrong, without a stack. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
