/**
 * What an API token may do (docs/operations.md). Scopes are ordered: `spawn` includes `read`, and
 * `admin` includes both.
 * - `read`: every GET, the dashboard, route tests and plans that change nothing.
 * - `spawn`: instances, snapshots, volumes, placement, LLM generate and evals.
 * - `admin`: chaos, reconcile, readiness runs, providers reload / overrides / shadow / ramp, conformance,
 *   the scaffold, tokens, the LLM policy update.
 */
export const API_SCOPES = ['read', 'spawn', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The OpenAPI security scheme every scoped route names. */
export const BEARER_SCHEME = 'bearerAuth';

/** Whether a token holding `held` may call a route that requires `required`. */
export function grants(held: readonly ApiScope[], required: ApiScope): boolean {
  const rank = API_SCOPES.indexOf(required);
  return held.some((scope) => API_SCOPES.indexOf(scope) >= rank);
}

/** A route's `security` in its createRoute: the scope it requires. */
export function requires(scope: ApiScope): { [BEARER_SCHEME]: [ApiScope] }[] {
  return [{ [BEARER_SCHEME]: [scope] }];
}

/** A route anyone may call, authentication on or off (`GET /healthz`, the OpenAPI document, the docs UI). */
export const PUBLIC: [] = [];
