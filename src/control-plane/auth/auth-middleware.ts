import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from '../api-error.js';
import type { Logger } from '../logger.js';
import { prefersHtml } from '../routes/page-routes.js';
import { grants } from './api-scopes.js';
import type { RouteScopes } from './route-scopes.js';
import type { TokenStore } from './token-store.js';

/** The cookie the dashboard's login form sets (HttpOnly, SameSite=Strict): the same token, for a browser. */
export const TOKEN_COOKIE = 'hangar_token';
export const LOGIN_PATH = '/login';

export interface AuthOptions {
  tokens: TokenStore;
  /** True when the server listens on loopback only: authentication is then off until a token exists. */
  loopbackOnly: boolean;
  /** Each route's scope (built once the app has every route). */
  scopes: () => RouteScopes;
  logger: Logger;
}

/** Whether requests must authenticate now: always beyond loopback, and on loopback as soon as a token exists. */
export async function authRequired(options: Pick<AuthOptions, 'tokens' | 'loopbackOnly'>): Promise<boolean> {
  return !options.loopbackOnly || (await options.tokens.size()) > 0;
}

/**
 * Authentication and scopes (docs/operations.md): `Authorization: Bearer <token>` (or the dashboard's
 * cookie) against the stored hashes; 401 UNAUTHENTICATED without a token or with a bad one, 403
 * FORBIDDEN with a token that lacks the route's scope. A browser asking for a page is sent to the login
 * form instead of a 401. Tokens are never logged (the logger redacts the headers, and this logs only the
 * token's id and name).
 */
export function authenticate(options: AuthOptions): MiddlewareHandler {
  return async (c, next) => {
    const access = options.scopes().access(c.req.method, c.req.path);
    if (access === 'public' || access === 'unknown' || !(await authRequired(options))) return next();
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    const secret = bearer ?? getCookie(c, TOKEN_COOKIE);
    if (secret === undefined || secret === '') {
      if (c.req.method === 'GET' && prefersHtml(c.req.header('accept'))) return c.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(c.req.path)}`, 302);
      throw new ApiError(401, 'UNAUTHENTICATED', header !== undefined ? 'the Authorization header must be `Bearer <token>`' : 'this route needs an API token: send `Authorization: Bearer <token>` (docs/operations.md)', { required: access }, { 'WWW-Authenticate': 'Bearer' });
    }
    const token = await options.tokens.findBySecret(secret);
    if (token === null) throw new ApiError(401, 'UNAUTHENTICATED', 'the API token is not valid (revoked, or never issued)', { required: access }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    if (!grants(token.scopes, access)) {
      options.logger.info('request refused: scope', { token: token.id, name: token.name, required: access, method: c.req.method, path: c.req.path });
      throw new ApiError(403, 'FORBIDDEN', `this route needs the ${access} scope; the token holds ${token.scopes.join(', ')}`, { required: access, scopes: token.scopes });
    }
    void options.tokens.touch(token.id).catch((error: unknown) => options.logger.warn('token use not recorded', { token: token.id, error: String(error) }));
    return next();
  };
}
