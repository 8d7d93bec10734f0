import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isProviderError, type ProviderError, type ProviderErrorCode, VendorResponseError } from '../contracts/index.js';
import type { StoredError } from './instance-record.js';

/** An error the API answers with `{error: {code, message, ...details}}` and `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }

  /** What an instance row remembers of this error. */
  stored(): StoredError {
    return { status: this.status, code: this.code, message: this.message, ...this.details };
  }

  withDetails(extra: Record<string, unknown>): ApiError {
    return new ApiError(this.status, this.code, this.message, { ...this.details, ...extra }, this.headers);
  }

  /** The error a row remembered, answered again (an idempotent replay), with its Retry-After rebuilt. */
  static fromStored(error: StoredError, headers: Record<string, string> = {}): ApiError {
    const { status, code, message, ...details } = error;
    const replayHeaders: Record<string, string> = { ...headers };
    if (typeof details.retryAfterMs === 'number') replayHeaders['Retry-After'] = String(Math.ceil(details.retryAfterMs / 1000));
    return new ApiError(status as ContentfulStatusCode, code, message, details, replayHeaders);
  }
}

/** The one table from taxonomy code to HTTP status (documented in docs/api.md). */
export const PROVIDER_ERROR_STATUS: Record<ProviderErrorCode, ContentfulStatusCode> = {
  CAPACITY_ERROR: 503,
  SPOT_INTERRUPTED: 503,
  QUOTA_EXCEEDED: 409,
  RATE_LIMIT_ERROR: 429,
  AUTH_ERROR: 502,
  INVALID_SPEC: 422,
  NOT_FOUND: 404,
};

export function providerApiError(error: ProviderError): ApiError {
  const headers: Record<string, string> = {};
  if (error.retryAfterMs !== undefined) headers['Retry-After'] = String(Math.ceil(error.retryAfterMs / 1000));
  return new ApiError(
    PROVIDER_ERROR_STATUS[error.code],
    error.code,
    error.message,
    {
      category: error.category,
      retryable: error.retryable,
      provider: error.provider,
      ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    },
    headers,
  );
}

export class ProviderTimeoutError extends Error {
  constructor(
    readonly provider: string,
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${provider} did not answer ${operation} within ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

/**
 * Any failure of a provider call as the API error the client sees. Only taxonomy errors say the
 * provider's answer was definite; a timeout or an unreadable answer leaves the outcome unknown.
 */
export function apiErrorFromProviderCall(error: unknown, provider: string): ApiError {
  if (error instanceof ApiError) return error;
  if (isProviderError(error)) return providerApiError(error);
  if (error instanceof ProviderTimeoutError) {
    return new ApiError(504, 'PROVIDER_TIMEOUT', error.message, { provider, retryable: true });
  }
  const message = error instanceof VendorResponseError ? error.message : `${provider} failed: ${String(error)}`;
  return new ApiError(502, 'PROVIDER_FAILURE', message, { provider, retryable: true });
}
