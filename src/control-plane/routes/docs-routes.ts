import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { OPENAPI_DOCUMENT_PATH } from '../openapi/openapi-document.js';

/** The docs UI's routes: plain routes, public like the document itself, kept out of the OpenAPI document. */
export const DOCS_ROUTES: readonly { method: string; path: string }[] = [
  { method: 'GET', path: '/docs' },
  { method: 'GET', path: '/docs/:asset' },
];

/** Swagger UI's files, from the swagger-ui-dist package (no CDN): read once, on first use. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: ${JSON.stringify(OPENAPI_DOCUMENT_PATH)}, dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });
});
`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hangar API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" type="image/png" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>
`;

/** Swagger UI injects its own style elements; everything else comes from this server only. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** `GET /docs`: Swagger UI over `GET /openapi.json`, served from the swagger-ui-dist npm package. */
export function docsRoutes(): Hono {
  const folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  const app = new Hono();
  app.get('/docs', (c) => c.html(PAGE, 200, { 'Content-Security-Policy': CSP }));
  app.get('/docs/:asset', (c) => {
    const asset = c.req.param('asset');
    if (asset === 'init.js') return c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    const type = ASSETS[asset];
    if (type === undefined) return c.json({ error: { code: 'ROUTE_NOT_FOUND', message: `no docs asset ${asset}` } }, 404);
    let body = cache.get(asset);
    if (body === undefined) {
      body = readFileSync(join(folder, asset));
      cache.set(asset, body);
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
  });
  return app;
}
