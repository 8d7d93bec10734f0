import { z } from '@hono/zod-openapi';
import { PROVIDER_ERROR_STATUS } from '../api-error.js';

/** The statuses Hangar answers errors with (docs/api.md, "Every code the API can answer"). */
export type ErrorStatus = 400 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503 | 504;

/** Error codes a route can answer, by HTTP status. */
export type ErrorCodes = { readonly [S in ErrorStatus]?: readonly string[] };

const ISSUES = z.array(z.object({ path: z.string(), message: z.string() }));

/**
 * `{error: {code, message, ...}}`: the one error body. The detail fields every code may carry are named;
 * others (there are none today) would still validate, as the body is open.
 */
function errorBodySchema(codes: readonly string[]) {
  return z.object({
    error: z
      .object({
        code: z.enum(codes as [string, ...string[]]),
        message: z.string(),
        issues: ISSUES.optional(),
        field: z.string().optional(),
        known: z.array(z.string()).optional(),
        instanceId: z.string().optional(),
        provider: z.string().optional(),
        category: z.string().optional(),
        retryable: z.boolean().optional(),
        retryAfterMs: z.number().nonnegative().optional(),
        capability: z.string().optional(),
        reason: z.string().optional(),
        status: z.string().optional(),
      })
      .catchall(z.unknown()),
  });
}

/** The error codes of a provider call (a taxonomy code, a timeout or an unreadable answer), by status. */
export const PROVIDER_CALL_ERRORS: ErrorCodes = (() => {
  const byStatus: Partial<Record<ErrorStatus, string[]>> = { 502: ['PROVIDER_FAILURE'], 504: ['PROVIDER_TIMEOUT'] };
  for (const [code, status] of Object.entries(PROVIDER_ERROR_STATUS)) (byStatus[status as ErrorStatus] ??= []).push(code);
  return byStatus;
})();

/** `/v1/providers/:name...` of a provider that is not enabled. */
export const PROVIDER_LOOKUP_ERRORS = { 404: ['PROVIDER_NOT_FOUND'] } as const satisfies ErrorCodes;
/** A JSON request body: not JSON, over the size limit, or breaking its schema. */
export const JSON_BODY_ERRORS = { 400: ['MALFORMED_JSON'], 413: ['PAYLOAD_TOO_LARGE'], 422: ['VALIDATION_ERROR'] } as const satisfies ErrorCodes;
/** A query, path or header breaking its schema. */
export const PARAMETER_ERRORS = { 422: ['VALIDATION_ERROR'] } as const satisfies ErrorCodes;

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request cannot be read',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'The body is over 1 MiB',
  422: 'The request breaks its schema or names something unknown',
  429: 'The provider throttled the call',
  500: 'A bug; the details are in the control plane log',
  502: 'The provider failed or refused Hangar',
  503: 'The provider has no capacity',
  504: 'The provider did not answer in time',
};

type StatusesOf<G extends readonly ErrorCodes[]> = G[number] extends infer U ? (U extends unknown ? keyof U : never) : never;

interface ErrorResponseConfig {
  description: string;
  headers?: Record<string, { description: string; schema: { type: 'integer'; minimum: number } }>;
  content: { 'application/json': { schema: ReturnType<typeof errorBodySchema> } };
}

/**
 * The error responses of a route, from the groups of codes it can answer; every route can also answer
 * 500 `INTERNAL_ERROR`. Each status lists exactly its codes, so the document says which code comes with which status.
 */
export function errorResponses<G extends readonly ErrorCodes[]>(
  ...groups: G
): { [S in StatusesOf<G> | 500]: ErrorResponseConfig } {
  const merged = new Map<ErrorStatus, Set<string>>([[500, new Set(['INTERNAL_ERROR'])]]);
  for (const group of groups) {
    for (const [status, codes] of Object.entries(group) as [string, readonly string[]][]) {
      const key = Number(status) as ErrorStatus;
      const set = merged.get(key) ?? new Set<string>();
      for (const code of codes) set.add(code);
      merged.set(key, set);
    }
  }
  const responses: Record<number, ErrorResponseConfig> = {};
  for (const [status, codes] of [...merged].sort(([a], [b]) => a - b)) {
    const sorted = [...codes].sort();
    responses[status] = {
      description: `${DESCRIPTIONS[status]}: ${sorted.join(', ')}`,
      ...(status === 429 && {
        headers: { 'Retry-After': { description: 'Seconds to wait, when the provider said', schema: { type: 'integer', minimum: 0 } } },
      }),
      content: { 'application/json': { schema: errorBodySchema(sorted) } },
    };
  }
  return responses as { [S in StatusesOf<G> | 500]: ErrorResponseConfig };
}
