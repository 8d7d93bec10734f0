import type { ProviderErrorCode } from '../../contracts/index.js';

/** One vendor error: HTTP status and the `{"error": {code, message, suggestion?}}` body the spec documents. */
export interface LambdaErrorAnswer {
  readonly status: 400 | 401 | 403 | 404 | 429 | 500 | 503;
  readonly body: { error: { code: string; message: string; suggestion?: string } };
  readonly retryAfterSeconds?: number;
}

const answer = (status: LambdaErrorAnswer['status'], code: string, message: string, suggestion?: string): LambdaErrorAnswer => ({
  status,
  body: { error: { code, message, ...(suggestion !== undefined && { suggestion }) } },
});

/** The spec's error schemas, with their documented default messages and suggestions. */
export const LambdaErrors = {
  invalidApiKey: () => answer(401, 'global/invalid-api-key', 'API key was invalid, expired, or deleted.', 'Check your API key or create a new one, then try again.'),
  accountInactive: () =>
    answer(403, 'global/account-inactive', 'Your account is inactive.', 'Make sure you have verified your email address and have a valid payment method. Contact Support if problems continue.'),
  invalidParameters: (message = 'Invalid request data.') => answer(400, 'global/invalid-parameters', message),
  instanceNotFound: () => answer(404, 'global/object-does-not-exist', 'Specified instance does not exist.'),
  fileSystemNotFound: () => answer(404, 'global/object-does-not-exist', 'Filesystem was not found.'),
  /** `ApiErrorLaunchResourceNotFound`: its suggestion is required. */
  launchResourceNotFound: (message: string) => answer(404, 'global/object-does-not-exist', message, 'Check the names and ids in the request, then try again.'),
  insufficientCapacity: () => answer(400, 'instance-operations/launch/insufficient-capacity', 'Not enough capacity to fulfill launch request.', 'Try another region or instance type.'),
  quotaExceeded: () => answer(400, 'global/quota-exceeded', 'Quota exceeded.', 'Contact Support to increase your quota.'),
  fileSystemInWrongRegion: (message: string) => answer(400, 'instance-operations/launch/file-system-in-wrong-region', message),
  duplicate: (message: string) => answer(400, 'global/duplicate', message),
  fileSystemInUse: (message: string) => answer(400, 'filesystems/filesystem-in-use', message),
  internal: () => answer(500, 'global/internal-error', 'An internal server error occurred.', 'Try again later. Contact Support if the problem persists.'),
  /**
   * What Lambda answers to a terminate of an instance already terminating (SkyPilot, skypilot-org/skypilot#3410:
   * `global/unknown: An unknown error occurred.`). v1.8.3 no longer lists the code; v1.5.3's `errorCode` enum
   * does, with the `errorResponseBody` envelope (suggestion optional). The status is not on record: 500 is the
   * answer v1.5.3 documents for "something unexpected" on terminate (see SOURCES.md).
   */
  unknown: () => answer(500, 'global/unknown', 'An unknown error occurred.'),
  providerUnavailable: () => answer(503, 'provider/internal-unavailable', 'Provider unavailable', 'Try again shortly'),
  /**
   * The spec documents the limits but not the throttled answer; HTTP 429 is what clients observe
   * (SOURCES.md). The code is the emulator's own guess in the vendor's envelope; clients must branch on 429.
   */
  rateLimited: (retryAfterMs: number, message = 'Too many requests.') => ({
    ...answer(429, 'global/too-many-requests', message, 'Slow down and retry after the time in Retry-After.'),
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  }),
} as const;

/** A chaos fault's taxonomy code as the Lambda error that means it. */
export function lambdaErrorFor(code: ProviderErrorCode, retryAfterMs: number | null): LambdaErrorAnswer {
  switch (code) {
    case 'CAPACITY_ERROR':
      return LambdaErrors.insufficientCapacity();
    // Lambda has no spot market; a reclaim at launch time reads as capacity, the same category.
    case 'SPOT_INTERRUPTED':
      return LambdaErrors.insufficientCapacity();
    case 'AUTH_ERROR':
      return LambdaErrors.invalidApiKey();
    case 'RATE_LIMIT_ERROR':
      return LambdaErrors.rateLimited(retryAfterMs ?? 1000);
    case 'QUOTA_EXCEEDED':
      return LambdaErrors.quotaExceeded();
    case 'INVALID_SPEC':
      return LambdaErrors.invalidParameters();
    case 'NOT_FOUND':
      return LambdaErrors.instanceNotFound();
  }
}
