import { isProviderError, isProviderErrorCode, ReadinessConfigError } from '../contracts/index.js';
import type { ErrorClass } from './validation-result.js';

/** A probe past its deadline (the readiness layer's own, not the provider's). */
export class ProbeTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/**
 * An error that names its own class in the compute taxonomy: the LLM runtime's ProviderError
 * (`src/llm/core/runtime-errors.ts`) carries `computeErrorClass` (AUTH → AUTH_ERROR, RATE_LIMIT →
 * RATE_LIMIT_ERROR, OVERLOADED and SERVER → CAPACITY_ERROR, TIMEOUT → TIMEOUT, NETWORK and
 * BAD_RESPONSE → UNKNOWN_ERROR, …), `retryable` and the vendor's `retryAfterMs`. Read by shape, so
 * readiness needs no import of the LLM library; a class outside ErrorClass is not taken.
 */
interface ClassedFailure {
  readonly computeErrorClass: ErrorClass;
  readonly retryable?: unknown;
  readonly retryAfterMs?: unknown;
}

const OWN_CLASSES: readonly string[] = ['CONFIG_MISSING', 'TIMEOUT', 'UNKNOWN_ERROR'];

function classedFailure(error: unknown): ClassedFailure | null {
  if (typeof error !== 'object' || error === null || !('computeErrorClass' in error)) return null;
  const errorClass = (error as { computeErrorClass: unknown }).computeErrorClass;
  if (typeof errorClass !== 'string' || !(isProviderErrorCode(errorClass) || OWN_CLASSES.includes(errorClass))) return null;
  return error as ClassedFailure;
}

/** A failure's class: its taxonomy code (or the one it names), CONFIG_MISSING, TIMEOUT, or UNKNOWN_ERROR for anything else. */
export function errorClassOf(error: unknown): ErrorClass {
  if (isProviderError(error)) return error.code;
  if (error instanceof ReadinessConfigError) return 'CONFIG_MISSING';
  if (error instanceof ProbeTimeoutError) return 'TIMEOUT';
  const classed = classedFailure(error);
  if (classed !== null) return classed.computeErrorClass;
  // A provider's own deadline (the control plane's ProviderTimeoutError, an SDK's TimeoutError) is a timeout too.
  if (error instanceof Error && /timeout/i.test(error.name)) return 'TIMEOUT';
  return 'UNKNOWN_ERROR';
}

/** Whether a failure of this class may pass on its own: retried within the window before it counts. */
export function isTransient(error: unknown): boolean {
  if (isProviderError(error)) return error.retryable;
  const classed = classedFailure(error);
  if (classed !== null && typeof classed.retryable === 'boolean') return classed.retryable;
  const errorClass = errorClassOf(error);
  return errorClass === 'TIMEOUT' || errorClass === 'UNKNOWN_ERROR';
}

/** How long the vendor asked to wait before the next try (Retry-After), when the failure says. */
export function retryAfterMsOf(error: unknown): number | undefined {
  const value = isProviderError(error) ? error.retryAfterMs : classedFailure(error)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** One line saying what went wrong, without a stack. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
