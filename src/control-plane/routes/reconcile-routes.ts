import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, PARAMETER_ERRORS, PROVIDER_CALL_ERRORS, PROVIDER_LOOKUP_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { MachinePageSchema, ProviderHealthSchema, ReconcileAnswerSchema } from '../openapi/response-schemas.js';
import { PageQuerySchema } from '../pagination.js';
import type { HeartbeatScheduler } from '../reconcile/heartbeat-scheduler.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-report.js';
import { parseJsonBody } from '../request-parsing.js';
import { ProviderPathSchema } from './provider-routes.js';

export interface ReconcileControl {
  scheduler: HeartbeatScheduler;
  reconcileNow(provider?: string): Promise<ReconcileOutcome[]>;
}

const ReconcileRequestSchema = z.object({ provider: z.string().min(1).optional() }).strict();

/** Cursor over a live machine list: base64url of `m:` and the last provider id of the page. */
function decodeMachineCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('m:') || decoded.length < 3) throw new ApiError(400, 'INVALID_CURSOR', 'cursor is not one this API handed out');
  return decoded.slice(2);
}

const reconcileRoute = createRoute({
  method: 'post',
  path: '/v1/reconcile',
  security: requires('admin'),
  tags: ['reconciliation'],
  summary: 'Run one reconcile now (one provider, or every enabled provider)',
  request: { body: jsonRequestBody(ReconcileRequestSchema, { description: 'Optional: empty, {} or {"provider": "<name>"}', required: false }) },
  responses: {
    200: { description: 'The report(s)', content: { 'application/json': { schema: ReconcileAnswerSchema } } },
    ...errorResponses({ 400: ['MALFORMED_JSON'], 413: ['PAYLOAD_TOO_LARGE'], 422: ['UNKNOWN_PROVIDER', 'VALIDATION_ERROR'] }, PROVIDER_CALL_ERRORS),
  },
});

const healthRoute = createRoute({
  method: 'get',
  path: '/v1/providers/{name}/health',
  security: requires('read'),
  tags: ['reconciliation'],
  summary: 'The last run of each heartbeat task, and the vendor entries the provider skipped',
  request: { params: ProviderPathSchema },
  responses: {
    200: { description: 'The provider health', content: { 'application/json': { schema: ProviderHealthSchema } } },
    ...errorResponses(PROVIDER_LOOKUP_ERRORS),
  },
});

const machinesRoute = createRoute({
  method: 'get',
  path: '/v1/providers/{name}/machines',
  security: requires('read'),
  tags: ['reconciliation'],
  summary: "What the provider reports as this control plane's machines right now",
  request: { params: ProviderPathSchema, query: PageQuerySchema },
  responses: {
    200: { description: 'A page of machines, sorted by providerId', content: { 'application/json': { schema: MachinePageSchema } } },
    ...errorResponses(PROVIDER_LOOKUP_ERRORS, PARAMETER_ERRORS, { 400: ['INVALID_CURSOR'] }, PROVIDER_CALL_ERRORS),
  },
});

export function reconcileRoutes(ctx: ControlPlaneContext, control: ReconcileControl): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(reconcileRoute, async (c) => {
      const body = await parseJsonBody(c, ReconcileRequestSchema, { optional: true });
      if (body.provider !== undefined && !ctx.registry.get(body.provider)) {
        throw new ApiError(422, 'UNKNOWN_PROVIDER', `no enabled provider named ${body.provider}`, { known: ctx.registry.names() });
      }
      const reports = await control.reconcileNow(body.provider);
      if (body.provider === undefined) return c.json(reports, 200);
      // A named provider that could not be reconciled throws in reconcileNow; anything else here is a bug.
      const only = reports[0];
      if (only === undefined || 'error' in only) throw new Error(`reconcile of ${body.provider} answered no report`);
      return c.json(only, 200);
    })
    .openapi(healthRoute, (c) => {
      const entry = ctx.registry.require(c.req.valid('param').name);
      return c.json({
        provider: entry.name,
        tasks: control.scheduler.healthOf(entry.name),
        skippedEntries: entry.skippedEntries?.report() ?? { total: 0, byKind: {}, entries: [] },
      }, 200);
    })
    .openapi(machinesRoute, async (c) => {
      const entry = ctx.registry.require(c.req.valid('param').name);
      const query = c.req.valid('query');
      let machines: Awaited<ReturnType<typeof entry.provider.list>>;
      try {
        machines = await callProvider(entry.name, 'list', ctx.settings.providerTimeoutMs, () =>
          entry.provider.list({ owner: ctx.settings.owner }),
        );
      } catch (error) {
        throw apiErrorFromProviderCall(error, entry.name);
      }
      machines.sort((a, b) => (a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0));
      const after = decodeMachineCursor(query.cursor);
      const start = after === undefined ? 0 : machines.findIndex((machine) => machine.providerId > after);
      const items = start < 0 ? [] : machines.slice(start, start + query.limit);
      const last = items.at(-1);
      const nextCursor = items.length === query.limit && last ? Buffer.from(`m:${last.providerId}`, 'utf8').toString('base64url') : null;
      return c.json({ items, nextCursor, total: machines.length }, 200);
    });
}
