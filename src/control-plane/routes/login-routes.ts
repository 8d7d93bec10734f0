import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { LOGIN_PATH, TOKEN_COOKIE } from '../auth/auth-middleware.js';
import type { TokenStore } from '../auth/token-store.js';

/** The login form's routes: plain HTML routes, public, kept out of the OpenAPI document. */
export const LOGIN_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'GET', path: LOGIN_PATH },
  { method: 'POST', path: LOGIN_PATH },
  { method: 'POST', path: '/logout' },
];

const STYLE = 'body{font:15px system-ui,sans-serif;margin:3rem auto;max-width:28rem;color:#222}input{width:100%;padding:.5rem;margin:.5rem 0;box-sizing:border-box}button{padding:.5rem 1rem}.notice{color:#a00}';

/** Only a local path (`/instances/i-1`), never another site: the login form must not be an open redirect. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : '/instances';
}

function page(next: string, notice: string | null) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hangar: sign in</title><style>${STYLE}</style></head>
<body><h1>Hangar</h1>
${notice === null ? '' : html`<p class="notice" role="alert">${notice}</p>`}
<form method="post" action="${LOGIN_PATH}">
<label>API token <input type="password" name="token" autocomplete="current-password" required></label>
<input type="hidden" name="next" value="${next}">
<button type="submit">Sign in</button>
</form>
<p>Create a token with <code>hangar token create --name me --scopes read</code> (docs/operations.md).</p>
</body></html>`;
}

/**
 * The dashboard's sign-in: a form that takes an API token and keeps it in an HttpOnly, SameSite=Strict
 * cookie (Secure when the request came over HTTPS), which the auth middleware accepts like the header.
 */
export function loginRoutes(tokens: TokenStore): Hono {
  const app = new Hono();
  app.get(LOGIN_PATH, (c) => c.html(page(safeNext(c.req.query('next')), null)));
  app.post(LOGIN_PATH, async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const secret = typeof form.token === 'string' ? form.token.trim() : '';
    const token = secret === '' ? null : await tokens.findBySecret(secret);
    if (token === null) return c.html(page(next, 'That token is not valid.'), 401);
    const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
    setCookie(c, TOKEN_COOKIE, secret, { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: 7 * 24 * 3600 });
    return c.redirect(next, 303);
  });
  app.post('/logout', (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return c.redirect(LOGIN_PATH, 303);
  });
  return app;
}
