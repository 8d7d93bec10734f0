import { API_SCOPES, type ApiScope, BEARER_SCHEME } from './api-scopes.js';

/** What a request needs: a scope, `public` (anyone), or `unknown` (no route: it will answer 404). */
export type RouteAccess = ApiScope | 'public' | 'unknown';

interface Entry {
  method: string;
  pattern: RegExp;
  params: number;
  access: ApiScope | 'public';
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type OperationSecurity = readonly Record<string, readonly string[]>[] | undefined;

/**
 * Each route's required scope, read from the OpenAPI document (every operation declares `security`:
 * `requires(scope)` or `PUBLIC`), plus the HTML pages (kept out of the document) with theirs. An
 * operation without `security` requires `admin`: a route that forgets its scope fails closed, and the
 * table-driven test (tests/control-plane/auth-scopes.test.ts) fails on it.
 */
export class RouteScopes {
  private readonly entries: Entry[] = [];

  constructor(document: { paths?: object }, pages: readonly { method: string; path: string; scope: ApiScope | 'public' }[]) {
    for (const [template, item] of Object.entries(document.paths ?? {}) as [string, Record<string, unknown>][]) {
      for (const method of HTTP_METHODS) {
        const operation = item[method] as { security?: OperationSecurity } | undefined;
        if (operation !== undefined) this.add(method, template, accessOf(operation.security));
      }
    }
    for (const page of pages) this.add(page.method, page.path.replace(/:(\w+)/g, '{$1}'), page.scope);
    // A static segment wins over a parameter (`/providers/shadow/start` over `/providers/ramp/{stage}`-like templates).
    this.entries.sort((a, b) => a.params - b.params);
  }

  access(method: string, path: string): RouteAccess {
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    for (const entry of this.entries) if (entry.method === wanted && entry.pattern.test(path)) return entry.access;
    return 'unknown';
  }

  private add(method: string, template: string, access: ApiScope | 'public'): void {
    const params = (template.match(/\{[^}]+\}/g) ?? []).length;
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('');
    this.entries.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}/?$`), params, access });
  }
}

function accessOf(security: OperationSecurity): ApiScope | 'public' {
  if (security === undefined) return 'admin';
  if (security.length === 0) return 'public';
  const scopes = security.flatMap((requirement) => requirement[BEARER_SCHEME] ?? []);
  const known = scopes.filter((scope): scope is ApiScope => (API_SCOPES as readonly string[]).includes(scope));
  // The least a requirement asks: OpenAPI's alternatives are any-of.
  return known.sort((a, b) => API_SCOPES.indexOf(a) - API_SCOPES.indexOf(b))[0] ?? 'admin';
}
