import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { BlankEnv } from 'hono/types';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from './api-error.js';
import type { ControlPlaneContext } from './context.js';
import { accessLog } from './middleware/access-log.js';
import { requestId } from './middleware/request-id.js';
import { type OpenApiDocument, registerSecurityScheme, serveOpenApiDocument } from './openapi/openapi-document.js';
import { authenticate } from './auth/auth-middleware.js';
import { RouteScopes } from './auth/route-scopes.js';
import type { TokenStore } from './auth/token-store.js';
import { docsRoutes, DOCS_ROUTES } from './routes/docs-routes.js';
import { LOGIN_ROUTES, loginRoutes } from './routes/login-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { validationHook } from './request-parsing.js';
import { chaosRoutes } from './routes/chaos-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { placementRoutes } from './routes/placement-routes.js';
import { instanceRoutes } from './routes/instance-routes.js';
import { llmRoutes } from './routes/llm-routes.js';
import { registryRoutes } from './routes/registry-routes.js';
import { governanceRoutes } from './routes/governance-routes.js';
import { conformanceRoutes } from './routes/conformance-routes.js';
import type { ProviderReload } from './governance/provider-reload.js';
import type { SsotAudit } from '../governance/provider-name-registry.js';
import type { ProviderNameRegistry } from '../governance/provider-name-registry.js';
import { PAGE_ROUTES, pageRoutes } from './routes/page-routes.js';
import { rolloutRoutes } from './routes/rollout-routes.js';
import { scaffoldRoutes } from './routes/scaffold-routes.js';
import type { ScaffoldService } from './governance/scaffold-service.js';
import type { ShadowService } from './governance/shadow-service.js';
import type { GovernanceSettings } from './governance/governance-settings.js';
import { providerRoutes } from './routes/provider-routes.js';
import { type ReconcileControl, reconcileRoutes } from './routes/reconcile-routes.js';
import { snapshotRoutes } from './routes/snapshot-routes.js';
import { validationRoutes } from './routes/validation-routes.js';
import { volumeRoutes } from './routes/volume-routes.js';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The HTTP API. Every error leaves as `{error: {code, message, ...}}`; nothing a client sends can cause a 500.
 * Every route is declared with its zod schemas (`createRoute`), and `GET /openapi.json` serves the document they make.
 */
export interface GovernanceControl {
  providerNames: ProviderNameRegistry;
  /** Null when the control plane was started without a configuration loader (nothing to reload from). */
  reload: ProviderReload | null;
  ssot: SsotAudit;
  /** Shadow runs (docs/governance.md). */
  shadow: ShadowService;
  shadowSettings: GovernanceSettings['shadow'];
  /** The providers file a ramp's promotion is written into (PROVIDERS_CONFIG_PATH), null when none. */
  providersFile: string | null;
  /** POST /self/providers/scaffold. */
  scaffold: ScaffoldService;
}

/** Who may call what (docs/operations.md): the API tokens, and whether the server listens on loopback only. */
export interface AccessControl {
  tokens: TokenStore;
  /** True on loopback: authentication is off there until a token exists. */
  loopbackOnly: boolean;
}

export function createApp(ctx: ControlPlaneContext, reconcile: ReconcileControl, governance: GovernanceControl, access: AccessControl): OpenAPIHono<BlankEnv> {
  // A query, path or header that breaks a route's schema is Hangar's 422 VALIDATION_ERROR (routed apps inherit the hook).
  const app = new OpenAPIHono<BlankEnv>({ defaultHook: validationHook });
  app.use(requestId());
  app.use(accessLog(ctx.logger));
  // Each route's scope comes from the document (every operation declares it) and the HTML routes' own list; built on the first request, once every route is in.
  let scopes: RouteScopes | undefined;
  let openApiDocument: () => OpenApiDocument = () => {
    throw new Error('the OpenAPI document is read before the routes are in');
  };
  app.use(
    authenticate({
      tokens: access.tokens,
      loopbackOnly: access.loopbackOnly,
      scopes: () => (scopes ??= new RouteScopes(openApiDocument(), htmlRouteScopes())),
      logger: ctx.logger,
    }),
  );
  // Only requests that carry a body pay for the limit check; reads stay on the fast path.
  app.on(
    ['POST', 'PUT', 'PATCH'],
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.route('/', healthRoutes());
  app.route('/', providerRoutes(ctx));
  app.route('/', chaosRoutes(ctx));
  app.route('/', instanceRoutes(ctx));
  app.route('/', placementRoutes(ctx));
  app.route('/', reconcileRoutes(ctx, reconcile));
  app.route('/', eventRoutes(ctx));
  app.route('/', snapshotRoutes(ctx));
  app.route('/', volumeRoutes(ctx));
  app.route('/', validationRoutes(ctx));
  app.route('/', llmRoutes(ctx));
  app.route('/', registryRoutes(governance.providerNames));
  app.route('/', conformanceRoutes(ctx));
  app.route('/', scaffoldRoutes(governance.scaffold));
  app.route('/', tokenRoutes(access.tokens, ctx.logger));
  // GET /providers answers JSON to programs and the readiness page to a browser: the page's handler is handed over.
  const pages = pageRoutes(ctx);
  app.route('/', governanceRoutes(ctx, { reload: governance.reload, ssot: governance.ssot, providersPage: pages.providersPage, shadow: governance.shadow }));
  app.route('/', rolloutRoutes(ctx, { reload: governance.reload, shadow: governance.shadow, settings: governance.shadowSettings, providersFile: governance.providersFile }));
  // HTML pages for people (GET /providers): plain routes, kept out of the OpenAPI document.
  app.route('/', pages.routes);
  app.route('/', loginRoutes(access.tokens));
  app.route('/', docsRoutes());
  registerSecurityScheme(app);
  openApiDocument = serveOpenApiDocument(app);
  app.notFound((c) => c.json({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.body(), error.status, error.headers);
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      return c.json({ error: { code: status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', message: error.message } }, status);
    }
    ctx.logger.error('unhandled error', {
      method: c.req.method,
      path: c.req.path,
      error: String(error),
      stack: (error as Error).stack,
    });
    return c.json({ error: { code: 'INTERNAL_ERROR', message: 'internal error; see the control plane log' } }, 500);
  });
  return app;
}

/**
 * The HTML routes' scopes (they are not in the document): the login form and the docs UI are public,
 * the readiness page's run form needs admin (it starts a validation run), every other page needs read.
 */
export function htmlRouteScopes(): { method: string; path: string; scope: 'read' | 'admin' | 'public' }[] {
  return [
    ...LOGIN_ROUTES.map((route) => ({ ...route, scope: 'public' as const })),
    ...DOCS_ROUTES.map((route) => ({ ...route, scope: 'public' as const })),
    ...PAGE_ROUTES.map((route) => ({ ...route, scope: route.method === 'GET' ? ('read' as const) : ('admin' as const) })),
  ];
}
