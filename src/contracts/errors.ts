/**
 * One error taxonomy for every provider. Vendor codes map onto these seven in one table per
 * provider; the control plane only ever reasons about `code`, `category` and `retryable`.
 */
export const PROVIDER_ERROR_TAXONOMY = {
  CAPACITY_ERROR: { category: 'capacity', retryable: true },
  AUTH_ERROR: { category: 'auth', retryable: false },
  RATE_LIMIT_ERROR: { category: 'rate_limit', retryable: true },
  SPOT_INTERRUPTED: { category: 'capacity', retryable: true },
  QUOTA_EXCEEDED: { category: 'capacity', retryable: false },
  INVALID_SPEC: { category: 'validation', retryable: false },
  NOT_FOUND: { category: 'not_found', retryable: false },
} as const;

export type ProviderErrorCode = keyof typeof PROVIDER_ERROR_TAXONOMY;
export type ProviderErrorCategory = (typeof PROVIDER_ERROR_TAXONOMY)[ProviderErrorCode]['category'];

export const PROVIDER_ERROR_CODES = Object.keys(PROVIDER_ERROR_TAXONOMY) as ProviderErrorCode[];

export interface ProviderErrorOptions {
  code: ProviderErrorCode;
  provider: string;
  message: string;
  /** For RATE_LIMIT_ERROR: how long the vendor asked us to wait. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly category: ProviderErrorCategory;
  readonly retryable: boolean;
  readonly provider: string;
  readonly retryAfterMs: number | undefined;

  constructor(options: ProviderErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.code = options.code;
    this.category = PROVIDER_ERROR_TAXONOMY[options.code].category;
    this.retryable = PROVIDER_ERROR_TAXONOMY[options.code].retryable;
    this.provider = options.provider;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

export function isProviderErrorCode(value: string): value is ProviderErrorCode {
  return Object.hasOwn(PROVIDER_ERROR_TAXONOMY, value);
}
