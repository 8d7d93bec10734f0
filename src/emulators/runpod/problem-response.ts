import type { ProviderErrorCode } from '../../contracts/index.js';
import { NO_CAPACITY_MESSAGE } from './runpod-emulator-state.js';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** An RFC 9457 problem document, the v2 `ErrorResponse`: `{title, status, detail, errors?}` as application/problem+json. */
export function problemResponse(status: number, detail: string, headers: Record<string, string> = {}, errors?: string[]): Response {
  const body = { title: TITLES[status] ?? 'Error', status, detail, ...(errors !== undefined && errors.length > 0 && { errors }) };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...headers } });
}

/** How the emulator renders each taxonomy code as a v2 answer (chaos faults). */
export const REST_FAULTS: Readonly<Record<ProviderErrorCode, { status: number; detail: string }>> = {
  CAPACITY_ERROR: { status: 400, detail: NO_CAPACITY_MESSAGE },
  AUTH_ERROR: { status: 401, detail: 'invalid bearer token' },
  RATE_LIMIT_ERROR: { status: 429, detail: 'rate limit exceeded for the minute window' },
  // The v2 spec has no interruption error; a conflict naming the interruption is the emulator's rendering.
  SPOT_INTERRUPTED: { status: 409, detail: 'the interruptible pod was interrupted to free resources for another pod' },
  // The createPod description: "402 Insufficient balance. Stop; no candidate will succeed."
  QUOTA_EXCEEDED: { status: 402, detail: 'insufficient balance to deploy this pod' },
  INVALID_SPEC: { status: 422, detail: 'Request validation failed.' },
  NOT_FOUND: { status: 404, detail: 'resource not found' },
};

/** How the emulator renders each taxonomy code as a GraphQL error message (answered in HTTP 200, like RunPod). */
export const GRAPHQL_FAULT_MESSAGES: Readonly<Record<ProviderErrorCode, string>> = {
  CAPACITY_ERROR: NO_CAPACITY_MESSAGE,
  AUTH_ERROR: 'Unauthorized: the API key is invalid',
  RATE_LIMIT_ERROR: 'Too many requests: rate limit exceeded',
  SPOT_INTERRUPTED: 'the interruptible pod was interrupted to free resources for another pod',
  QUOTA_EXCEEDED: 'Your balance is too low to deploy this pod',
  INVALID_SPEC: 'Invalid input: the pod specification was rejected',
  NOT_FOUND: 'Pod not found',
};
