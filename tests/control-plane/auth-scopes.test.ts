import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '../../src/control-plane/auth/api-scopes.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/**
 * Tokens and scopes (docs/operations.md). The table-driven part walks the OpenAPI document: every
 * operation declares its scope, refuses a request without a token (401) and one whose token lacks the
 * scope (403), and lets a token with the scope through. A new route cannot forget its scope.
 */
let cp: TestControlPlane;
const secrets: Partial<Record<ApiScope, string>> = {};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read freely.
let document: any;

beforeAll(async () => {
  cp = await startTestControlPlane({ settings: { readiness: { onStart: 'none', quickIntervalMs: 0, fullIntervalMs: 0 } } });
  // Before any token exists, loopback is open: the quickstart stays one command.
  expect((await cp.call('GET', '/v1/instances')).status).toBe(200);
  document = (await cp.call('GET', '/openapi.json')).json;
  for (const scope of API_SCOPES) secrets[scope] = (await cp.plane.tokens.create(`${scope}-token`, [scope])).token;
});

afterAll(async () => {
  await cp?.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operations(): { method: string; template: string; security: unknown }[] {
  return Object.entries(document.paths as Record<string, Record<string, { security?: unknown }>>).flatMap(([template, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({ method: method.toUpperCase(), template, security: item[method]?.security })),
  );
}

async function send(method: string, template: string, token?: string): Promise<number> {
  const path = template.replace(/\{[^}]+\}/g, 'x-unknown');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) };
  const response = await cp.plane.app.request(path, { method, headers, ...(method !== 'GET' && method !== 'DELETE' && { body: '{"__probe": true}' }) });
  await response.body?.cancel();
  return response.status;
}

describe('every route declares its scope, and enforces it', () => {
  it('the document names the bearer scheme and a security requirement on every operation', () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const missing = operations().filter((operation) => !Array.isArray(operation.security)).map((operation) => `${operation.method} ${operation.template}`);
    expect(missing).toEqual([]);
    expect(operations().length).toBeGreaterThan(50);
  });

  it('refuses without a token (401), with a token lacking the scope (403), and lets the scope through', async () => {
    const checked: string[] = [];
    for (const operation of operations()) {
      const requirement = (operation.security as Record<string, string[]>[])[0];
      const label = `${operation.method} ${operation.template}`;
      if (requirement === undefined) {
        // Public: the health check, the document itself.
        expect([label, await send(operation.method, operation.template)]).not.toEqual([label, 401]);
        continue;
      }
      const scope = requirement.bearerAuth?.[0] as ApiScope;
      expect(API_SCOPES, label).toContain(scope);
      expect([label, await send(operation.method, operation.template)]).toEqual([label, 401]);
      expect([label, await send(operation.method, operation.template, 'hgr_not-a-real-token')]).toEqual([label, 401]);
      const below = API_SCOPES[API_SCOPES.indexOf(scope) - 1];
      if (below !== undefined) expect([label, await send(operation.method, operation.template, secrets[below])]).toEqual([label, 403]);
      // With the scope, the request reaches the route: whatever it answers (404 for an unknown id, 422 for the probe body), it is not an auth refusal.
      if (operation.template !== '/v1/events/stream') {
        const status = await send(operation.method, operation.template, secrets[scope]);
        expect([label, status === 401 || status === 403]).toEqual([label, false]);
      }
      checked.push(label);
    }
    expect(checked.length).toBeGreaterThan(50);
  });

  it('answers 401 and 403 in the error shape, naming the scope', async () => {
    const anonymous = await cp.call('POST', '/providers/reload');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(anonymous.json.error).toMatchObject({ code: 'UNAUTHENTICATED', required: 'admin' });
    const reader = await cp.call('POST', '/providers/reload', undefined, { authorization: `Bearer ${secrets.read}` });
    expect(reader.status).toBe(403);
    expect(reader.json.error).toMatchObject({ code: 'FORBIDDEN', required: 'admin', scopes: ['read'] });
    expect((await cp.call('GET', '/healthz')).status).toBe(200);
    expect((await cp.plane.app.request('/docs')).status).toBe(200);
    expect((await cp.plane.app.request('/docs/swagger-ui-bundle.js')).headers.get('content-type')).toContain('javascript');
  });
});

describe('tokens', () => {
  it('are created once with their secret, listed without it, and stop working when revoked', async () => {
    const admin = { authorization: `Bearer ${secrets.admin}` };
    const created = await cp.call('POST', '/v1/tokens', { name: 'ci', scopes: ['spawn'] }, admin);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'ci', scopes: ['spawn'], lastUsedAt: null });
    expect(created.json.token).toMatch(/^hgr_[\w-]{43}$/);
    const bearer = { authorization: `Bearer ${created.json.token}` };
    expect((await cp.call('GET', '/v1/instances', undefined, bearer)).status).toBe(200);
    const listed = await cp.call('GET', '/v1/tokens', undefined, admin);
    const text = JSON.stringify(listed.json);
    expect(text).not.toContain(created.json.token);
    expect(text).not.toContain('hash');
    expect(listed.json.tokens.find((token: { id: string }) => token.id === created.json.id)).toMatchObject({ name: 'ci', scopes: ['spawn'] });
    expect((await cp.call('POST', '/v1/tokens', { name: 'x', scopes: ['root'] }, admin)).status).toBe(422);
    expect((await cp.call('POST', '/v1/tokens', { name: 'x', scopes: ['read'], extra: 1 }, admin)).status).toBe(422);
    expect((await cp.call('DELETE', `/v1/tokens/${created.json.id}`, undefined, admin)).status).toBe(204);
    expect((await cp.call('DELETE', `/v1/tokens/${created.json.id}`, undefined, admin)).status).toBe(404);
    expect((await cp.call('GET', '/v1/instances', undefined, bearer)).status).toBe(401);
    // No secret ever reaches a log line.
    const logs = cp.logs.join('\n');
    for (const secret of [created.json.token as string, ...Object.values(secrets)]) expect(logs).not.toContain(secret);
  });

  it('a browser is sent to the login form, which keeps the token in an HttpOnly cookie the pages accept', async () => {
    const page = await cp.plane.app.request('/providers', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fproviders');
    expect((await cp.plane.app.request('/login')).status).toBe(200);
    const refused = await cp.plane.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: 'hgr_wrong', next: '/providers' }) });
    expect(refused.status).toBe(401);
    const signedIn = await cp.plane.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: secrets.read ?? '', next: '/providers' }) });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/providers');
    const cookie = signedIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/hangar_token=.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const withCookie = await cp.plane.app.request('/providers', { headers: { accept: 'text/html', cookie: cookie.split(';')[0] ?? '' } });
    expect(withCookie.status).toBe(200);
    // Not an open redirect: a next= off this site lands on the dashboard.
    const offsite = await cp.plane.app.request('/login', { method: 'POST', body: new URLSearchParams({ token: secrets.read ?? '', next: '//evil.example/' }) });
    expect(offsite.headers.get('location')).toBe('/instances');
  });
});
