import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { IdempotencyKeySchema } from '../api-schemas.js';
import type { ControlPlaneContext } from '../context.js';
import { LLM_FAILURE_STATUS } from '../llm/llm-gateway.js';
import { DecisionQuerySchema, EvalBodySchema, GenerateBodySchema, RouteTestBodySchema } from '../llm/llm-request-schemas.js';
import { type ErrorCodes, errorResponses, JSON_BODY_ERRORS, PARAMETER_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { DecisionSchema, DecisionsPageSchema, EvalSchema, GenerateAnswerSchema, LlmModelsAnswerSchema, PolicyAnswerSchema, RouteTestAnswerSchema } from '../openapi/llm-schemas.js';
import { parseJsonBody, readJsonBody } from '../request-parsing.js';

/** What a generate call can answer when the ladder ends without an answer: `LLM_<runtime code>` by status. */
const GENERATE_FAILURES: ErrorCodes = (() => {
  const byStatus: Record<number, string[]> = { 422: ['NO_ELIGIBLE_MODEL', 'UNKNOWN_MODEL', 'PROVIDER_NOT_ENABLED'] };
  for (const [code, status] of Object.entries(LLM_FAILURE_STATUS)) (byStatus[status] ??= []).push(`LLM_${code}`);
  return byStatus;
})();

const modelsRoute = createRoute({
  method: 'get',
  path: '/llm/models',
  security: requires('read'),
  tags: ['llm'],
  summary: 'The catalog as routing sees it: each model with its prices, limits, four scores and their sources, and its provider’s readiness',
  responses: { 200: { description: 'The routable models', content: { 'application/json': { schema: LlmModelsAnswerSchema } } }, ...errorResponses() },
});

const routeTestRoute = createRoute({
  method: 'post',
  path: '/llm/route/test',
  security: requires('read'),
  tags: ['llm'],
  summary: 'The model routing would choose for a request, with every candidate’s scores and every exclusion’s reasons (no model is called)',
  request: { body: jsonRequestBody(RouteTestBodySchema, { description: '`{prompt | messages, tags?, requirements?, tools?, responseFormat?, maxOutputTokens?}`', required: true }) },
  responses: { 200: { description: 'The decision (stored; see GET /v1/llm/decisions/{id})', content: { 'application/json': { schema: RouteTestAnswerSchema } } }, ...errorResponses(JSON_BODY_ERRORS) },
});

const policyRoute = createRoute({
  method: 'get',
  path: '/llm/policy',
  security: requires('read'),
  tags: ['llm'],
  summary: 'The routing policy in force',
  responses: { 200: { description: 'The policy, its hash and file', content: { 'application/json': { schema: PolicyAnswerSchema } } }, ...errorResponses() },
});

const policyUpdateRoute = createRoute({
  method: 'post',
  path: '/llm/policy/update',
  security: requires('admin'),
  tags: ['llm'],
  summary: 'Validate and write the routing policy (atomically; the previous version is kept); an invalid policy changes nothing',
  request: { body: { description: 'The whole policy: `{weights, constraints, tags, escalation}` (docs/llm-gateway.md)', required: true, content: { 'application/json': { schema: { type: 'object' } } } } },
  responses: { 200: { description: 'The policy now in force', content: { 'application/json': { schema: PolicyAnswerSchema } } }, ...errorResponses(JSON_BODY_ERRORS, { 422: ['POLICY_INVALID'] }) },
});

const generateRoute = createRoute({
  method: 'post',
  path: '/v1/llm/generate',
  security: requires('spawn'),
  tags: ['llm'],
  summary: 'Run a canonical request on the routed model (cheap first, escalating on evidence) or on a pinned `model`',
  request: {
    headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema.optional().meta({ description: "A ramp's assignment key: the same key lands on the same side of a ramp (default: the decision id)" }) }),
    body: jsonRequestBody(GenerateBodySchema, { description: 'A canonical request without `model` (routed) or with one (pinned), plus `prompt`, `tags`, `requirements`', required: true }),
  },
  responses: { 200: { description: 'The canonical response with usage, cost, warnings and the decision id', content: { 'application/json': { schema: GenerateAnswerSchema } } }, ...errorResponses(JSON_BODY_ERRORS, GENERATE_FAILURES) },
});

const decisionsRoute = createRoute({
  method: 'get',
  path: '/v1/llm/decisions',
  security: requires('read'),
  tags: ['llm'],
  summary: 'Routing decisions after a cursor (a decision id or an ISO time), oldest first, by tag and model',
  request: { query: DecisionQuerySchema },
  responses: { 200: { description: 'One page', content: { 'application/json': { schema: DecisionsPageSchema } } }, ...errorResponses(PARAMETER_ERRORS) },
});

const DecisionParams = z.object({ id: z.string().min(1).max(64).openapi({ example: 'lrd-01jx0000000000000000000000' }) });

const decisionRoute = createRoute({
  method: 'get',
  path: '/v1/llm/decisions/{id}',
  security: requires('read'),
  tags: ['llm'],
  summary: 'One decision: its rationale, attempts, escalations and evals',
  request: { params: DecisionParams },
  responses: { 200: { description: 'The decision', content: { 'application/json': { schema: DecisionSchema } } }, ...errorResponses(PARAMETER_ERRORS, { 404: ['DECISION_NOT_FOUND'] }) },
});

const evalRoute = createRoute({
  method: 'post',
  path: '/v1/llm/decisions/{id}/evals',
  security: requires('spawn'),
  tags: ['llm'],
  summary: 'Record an evaluation score against a decision (routing quality, judged after the fact)',
  request: { params: DecisionParams, body: jsonRequestBody(EvalBodySchema, { description: '`{score, metric?, label?, comment?, evaluator?, runId?}`', required: true }) },
  responses: { 201: { description: 'The stored eval', content: { 'application/json': { schema: EvalSchema } } }, ...errorResponses(JSON_BODY_ERRORS, { 404: ['DECISION_NOT_FOUND'] }) },
});

/** The LLM gateway's API (docs/llm-gateway.md): routing under /llm, work and decisions under /v1/llm. */
export function llmRoutes(ctx: ControlPlaneContext): OpenAPIHono {
  const gateway = ctx.llm;
  return new OpenAPIHono()
    .openapi(modelsRoute, (c) => c.json(gateway.models(), 200))
    .openapi(routeTestRoute, async (c) => c.json(await gateway.routeTest(await parseJsonBody(c, RouteTestBodySchema)), 200))
    .openapi(policyRoute, (c) => c.json(gateway.policy(), 200))
    .openapi(policyUpdateRoute, async (c) => c.json(gateway.updatePolicy(await readJsonBody(c)), 200))
    .openapi(generateRoute, async (c) => c.json(await gateway.generate(await parseJsonBody(c, GenerateBodySchema), c.req.raw.signal, c.req.valid('header')['Idempotency-Key']), 200))
    .openapi(decisionsRoute, async (c) => c.json(await gateway.decisions(c.req.valid('query')), 200))
    .openapi(decisionRoute, async (c) => c.json(await gateway.decision(c.req.valid('param').id), 200))
    .openapi(evalRoute, async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await gateway.addEval(id, await parseJsonBody(c, EvalBodySchema)), 201);
    });
}
