/**
 * The LLM runtime's errors. ProviderError codes are the LLM vendors' failure kinds; each says whether
 * a retry may help and how long the vendor asked to wait. `computeErrorClass` maps them onto the
 * compute taxonomy's codes, so the readiness layer can class an LLM provider's failure like any other.
 */

export const LLM_ERROR_CODES = [
  'AUTH',
  'RATE_LIMIT',
  'INVALID_REQUEST',
  'NOT_FOUND',
  'CONTEXT_LENGTH_EXCEEDED',
  'CONTENT_FILTER',
  'OVERLOADED',
  'SERVER',
  'TIMEOUT',
  'NETWORK',
  'BAD_RESPONSE',
] as const;
export type LlmErrorCode = (typeof LLM_ERROR_CODES)[number];

const RETRYABLE: Readonly<Record<LlmErrorCode, boolean>> = {
  AUTH: false,
  RATE_LIMIT: true,
  INVALID_REQUEST: false,
  NOT_FOUND: false,
  CONTEXT_LENGTH_EXCEEDED: false,
  CONTENT_FILTER: false,
  OVERLOADED: true,
  SERVER: true,
  TIMEOUT: true,
  NETWORK: true,
  BAD_RESPONSE: false,
};

/** The compute taxonomy's class of each code (the readiness layer's `last_error_class`). */
const COMPUTE_CLASS: Readonly<Record<LlmErrorCode, string>> = {
  AUTH: 'AUTH_ERROR',
  RATE_LIMIT: 'RATE_LIMIT_ERROR',
  INVALID_REQUEST: 'INVALID_SPEC',
  NOT_FOUND: 'NOT_FOUND',
  CONTEXT_LENGTH_EXCEEDED: 'INVALID_SPEC',
  CONTENT_FILTER: 'INVALID_SPEC',
  OVERLOADED: 'CAPACITY_ERROR',
  SERVER: 'CAPACITY_ERROR',
  TIMEOUT: 'TIMEOUT',
  NETWORK: 'UNKNOWN_ERROR',
  BAD_RESPONSE: 'UNKNOWN_ERROR',
};

export class RuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

export interface LlmProviderErrorOptions {
  code: LlmErrorCode;
  provider: string;
  message: string;
  /** The HTTP status, when the failure came with one. */
  status?: number;
  /** How long the vendor asked to wait (Retry-After, retry-after-ms). */
  retryAfterMs?: number;
  /** The vendor's error body or type, verbatim. */
  raw?: unknown;
  cause?: unknown;
}

/** A vendor's refusal or failure, in the runtime's codes. */
export class ProviderError extends RuntimeError {
  readonly code: LlmErrorCode;
  readonly provider: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly raw: unknown;

  constructor(options: LlmProviderErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.code = options.code;
    this.provider = options.provider;
    this.retryable = RETRYABLE[options.code];
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.raw = options.raw;
  }

  /** The compute taxonomy's code for this failure (AUTH_ERROR, RATE_LIMIT_ERROR, …), or TIMEOUT / UNKNOWN_ERROR. */
  get computeErrorClass(): string {
    return COMPUTE_CLASS[this.code];
  }
}

/** A runtime or adapter set up wrong (a missing key, an unknown provider in config). */
export class ConfigError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** No adapter or model can take the request (an unknown provider id, a model no catalog resolves). */
export class RoutingError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

export function isLlmProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}
