import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import type { ControlPlaneContext } from '../context.js';
import { ConformanceRunBodySchema } from '../governance/conformance-service.js';
import { ConformanceReportsAnswerSchema, ConformanceRunAnswerSchema } from '../openapi/conformance-schemas.js';
import { errorResponses, JSON_BODY_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { parseJsonBody } from '../request-parsing.js';

const runRoute = createRoute({
  method: 'post',
  path: '/providers/conformance/run',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Run the conformance kit over the enabled adapters (compute and LLM) and store each report; the request waits for the run',
  request: {
    body: jsonRequestBody(ConformanceRunBodySchema, {
      description: '`{capability?: compute | llm, adapter?, target?: emulator | live (default emulator), allowSpend?: false}`; an empty body runs everything that cannot spend money',
      required: false,
    }),
  },
  responses: {
    200: { description: 'A report per adapter (sorted by capability, then adapter), with a summary', content: { 'application/json': { schema: ConformanceRunAnswerSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, { 409: ['CONFORMANCE_RUN_IN_PROGRESS'], 422: ['UNKNOWN_ADAPTER'] }),
  },
});

const reportsRoute = createRoute({
  method: 'get',
  path: '/providers/conformance/reports',
  security: requires('read'),
  tags: ['governance'],
  summary: 'The latest stored conformance report of each capability and adapter',
  responses: { 200: { description: 'Sorted by capability, then adapter', content: { 'application/json': { schema: ConformanceReportsAnswerSchema } } }, ...errorResponses() },
});

/** The conformance kit through the API (docs/governance.md, "Conformance kit"). */
export function conformanceRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  return new OpenAPIHono()
    .openapi(runRoute, async (c) => c.json(await ctx.conformance.run(await parseJsonBody(c, ConformanceRunBodySchema, { optional: true })), 200))
    .openapi(reportsRoute, async (c) => c.json({ reports: await ctx.conformance.latest() }, 200));
}
