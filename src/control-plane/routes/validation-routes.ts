import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { ApiError } from '../api-error.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { ProviderEvidenceSchema, RunAnswerSchema, RunRequestSchema, RunSchema, RunsPageSchema, StatusAnswerSchema } from '../openapi/validation-schemas.js';
import { providerEvidence, runAnswerJson, runById, runsPage, statusAnswer } from '../readiness/validation-answers.js';
import { parseJsonBody } from '../request-parsing.js';

/** The paths other tools already speak: kept exactly. */
export const VALIDATION_BASE = '/api/automation/usage/provider-validation';

const runRoute = createRoute({
  method: 'post',
  path: `${VALIDATION_BASE}/run`,
  security: requires('admin'),
  tags: ['readiness'],
  summary: 'Validate providers now (quick: configured + auth; full: every check) and store the run',
  request: { body: jsonRequestBody(RunRequestSchema, { description: '`{providers?, mode?}`; an empty body validates every provider in full', required: false }) },
  responses: {
    200: { description: 'The run, one row per provider', content: { 'application/json': { schema: RunAnswerSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, { 422: ['UNKNOWN_PROVIDER'] }),
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: VALIDATION_BASE,
  security: requires('read'),
  tags: ['readiness'],
  summary: 'Every provider: ready or not, and its last 24 hours',
  responses: {
    200: { description: 'The required providers, the summary, and each provider', content: { 'application/json': { schema: StatusAnswerSchema } } },
    ...errorResponses(),
  },
});

const RunsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ type: 'integer', description: 'Runs per page (default 20, at most 100)' }),
  cursor: z.string().min(1).optional().openapi({ description: 'nextCursor of the previous page' }),
});

const runsRoute = createRoute({
  method: 'get',
  path: `${VALIDATION_BASE}/runs`,
  security: requires('read'),
  tags: ['readiness'],
  summary: 'The stored runs, newest first, with their results',
  request: { query: RunsQuerySchema },
  responses: {
    200: { description: 'One page of runs', content: { 'application/json': { schema: RunsPageSchema } } },
    ...errorResponses(PARAMETER_ERRORS, { 400: ['INVALID_CURSOR'] }),
  },
});

const oneRunRoute = createRoute({
  method: 'get',
  path: `${VALIDATION_BASE}/runs/{run_id}`,
  security: requires('read'),
  tags: ['readiness'],
  summary: 'One stored run with its results',
  request: { params: z.object({ run_id: z.string().openapi({ example: 'prv_2026_02_17T00_00_00Z' }) }) },
  responses: {
    200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
    ...errorResponses({ 404: ['RUN_NOT_FOUND'] }),
  },
});

const providerRoute = createRoute({
  method: 'get',
  path: `${VALIDATION_BASE}/providers/{provider}`,
  security: requires('read'),
  tags: ['readiness'],
  summary: "One provider's status, its result history (the failure history) and its escalations of the last 24 hours (placement's, and the LLM gateway's for an LLM provider)",
  request: { params: z.object({ provider: z.string().openapi({ example: 'orbstack' }) }) },
  responses: {
    200: { description: 'The provider', content: { 'application/json': { schema: ProviderEvidenceSchema } } },
    ...errorResponses({ 404: ['PROVIDER_NOT_FOUND'] }),
  },
});

export function validationRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  const service = ctx.validations;
  // Every answer is built by readiness/validation-answers.ts: the /providers page and the readiness CLI use the same builders.
  return new OpenAPIHono()
    .openapi(runRoute, async (c) => {
      const body = await parseJsonBody(c, RunRequestSchema, { optional: true });
      const run = await service.run({ ...(body.providers !== undefined && { providers: body.providers }), mode: body.mode, trigger: 'api' });
      return c.json(runAnswerJson(run), 200);
    })
    .openapi(statusRoute, async (c) => c.json(await statusAnswer(service), 200))
    .openapi(runsRoute, async (c) => {
      const { limit, cursor } = c.req.valid('query');
      return c.json(await runsPage(service, limit, cursor), 200);
    })
    .openapi(oneRunRoute, async (c) => {
      const { run_id: runId } = c.req.valid('param');
      const run = await runById(service, runId);
      if (run === null) throw new ApiError(404, 'RUN_NOT_FOUND', `no validation run ${runId}`);
      return c.json(run, 200);
    })
    .openapi(providerRoute, async (c) => {
      const { provider } = c.req.valid('param');
      return c.json(await providerEvidence(service, provider), 200);
    });
}
