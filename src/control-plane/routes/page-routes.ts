import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { RunRequestSchema } from '../openapi/validation-schemas.js';
import { PROVIDERS_PAGE_CSP, PROVIDERS_PAGE_PATH, PROVIDERS_RUN_FORM_PATH, renderProvidersPage } from '../pages/providers-page.js';
import { providerEvidence, type RunJson, runById, runsPage, statusAnswer } from '../readiness/validation-answers.js';
import { VALIDATION_BASE } from './validation-routes.js';

/**
 * The HTML-only routes: pages for people, not API routes, so they are not in the OpenAPI document.
 * (`GET /providers` is both: JSON for programs, this page for a browser; see governance-routes.ts.)
 */
export const PAGE_ROUTES: readonly { method: string; path: string }[] = [{ method: 'POST', path: PROVIDERS_RUN_FORM_PATH }];

/** Whether a request's Accept header prefers HTML to JSON (a browser navigating): `text/html` listed, and before any JSON type. */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  const html = types.indexOf('text/html');
  const json = types.findIndex((type) => type === 'application/json' || type.endsWith('+json'));
  return html >= 0 && (json < 0 || html < json);
}

/** The latest runs the page lists. */
const LATEST_RUNS = 10;
/** Run ids are `prv_<date>T<time>Z[_n]`; anything much longer is not one and is not looked up. */
const MAX_RUN_ID_LENGTH = 64;

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PROVIDERS_PAGE_CSP,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * `GET /providers`: the readiness page, built from the provider-validation API's own answers
 * (`readiness/validation-answers.ts`), never from a computation of its own. `?run=<run_id>` shows that
 * run highlighted; an unknown or malformed one is a notice, never an error page.
 *
 * `POST /providers/run`: the page's form without JavaScript. It runs a validation through the same
 * service as `POST /api/automation/usage/provider-validation/run` and answers 303 to
 * `/providers?run=<run_id>`; bad input renders the page with a notice. A form post from another
 * origin is refused (403): browsers send Origin / Sec-Fetch-Site with it.
 */
export function pageRoutes(ctx: ControlPlaneContext): { routes: Hono; providersPage: (c: Context) => Promise<Response> } {
  const service = ctx.validations;

  const page = async (c: Context, options: { runId?: string | undefined; notice?: string; status?: ContentfulStatusCode } = {}) => {
    let notice = options.notice ?? null;
    let selected: RunJson | null = null;
    const { runId } = options;
    if (runId !== undefined) {
      if (runId.trim() === '') notice ??= 'No run id was given (?run= is empty); showing the latest runs.';
      else if (runId.length > MAX_RUN_ID_LENGTH) notice ??= 'The ?run= value is not a run id; showing the latest runs.';
      else {
        selected = await runById(service, runId);
        if (selected === null) notice ??= `No validation run ${runId} is stored (a wrong link, or pruned past retention); showing the latest runs.`;
      }
    }
    const status = await statusAnswer(service);
    const [evidence, runs] = await Promise.all([
      Promise.all(status.providers.map(async (row) => ({ provider: row.provider, ...(await providerEvidence(service, row.provider)) }))),
      runsPage(service, LATEST_RUNS),
    ]);
    const html = await renderProvidersPage({
      status,
      evidence,
      runs: runs.items,
      selected,
      notice,
      runApiPath: `${VALIDATION_BASE}/run`,
      statusApiPath: VALIDATION_BASE,
      kinds: Object.fromEntries(status.providers.map((row) => [row.provider, service.providerKind(row.provider)])),
    });
    return c.body(html, options.status ?? 200, HTML_HEADERS);
  };

  // A form post from another site (Origin / Sec-Fetch-Site say so, or say nothing) runs nothing: the page says why, 403.
  const checkOrigin = csrf();
  const sameOrigin: MiddlewareHandler = async (c, next) => {
    try {
      await checkOrigin(c, next);
    } catch (error) {
      if (!(error instanceof HTTPException) || error.status !== 403) throw error;
      return page(c, { notice: 'No validation ran: this form takes posts from this page only (the request named another origin, or none).', status: 403 });
    }
    return undefined;
  };

  const routes = new Hono().post(PROVIDERS_RUN_FORM_PATH, sameOrigin, async (c) => {
      let form: Record<string, unknown>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        return page(c, { notice: 'The form could not be read; no validation ran.', status: 400 });
      }
      const providers = formList(form.providers);
      const request = RunRequestSchema.safeParse({
        ...(form.mode !== undefined && { mode: form.mode }),
        ...(providers !== undefined && { providers }),
      });
      if (!request.success) {
        const issues = request.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'form'}: ${issue.message}`).join('; ');
        return page(c, { notice: `No validation ran: ${issues}.`, status: 422 });
      }
      try {
        const run = await service.run({ ...(request.data.providers !== undefined && { providers: request.data.providers }), mode: request.data.mode, trigger: 'api' });
        return c.redirect(`${PROVIDERS_PAGE_PATH}?run=${encodeURIComponent(run.run.runId)}`, 303);
      } catch (error) {
        if (error instanceof ApiError && error.status < 500) return page(c, { notice: `No validation ran: ${error.message}.`, status: error.status });
        throw error;
      }
    });
  return { routes, providersPage: (c) => page(c, { runId: c.req.query('run') }) };
}

/** A form field that lists providers: repeated fields, or one comma-separated value; undefined when absent or empty. */
function formList(value: unknown): unknown {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((entry) => typeof entry === 'string')) return values;
  const names = values.flatMap((entry) => entry.split(',')).map((name) => name.trim()).filter((name) => name !== '');
  return names.length === 0 ? undefined : names;
}
