import { z } from '@hono/zod-openapi';

/** The JSON of the LLM gateway's routes (docs/llm-gateway.md). Nested vendor-neutral shapes are described, open where they grow. */

const Ref = z.object({ provider: z.string(), model: z.string() }).openapi('LlmModelRef');
const Source = z.object({ value: z.number(), source: z.string() });
const Readiness = z.object({ ready: z.boolean().nullable().openapi({ description: 'false: the latest validation failed (excluded from routing); null: never validated' }), reason: z.string() });

export const LlmModelsAnswerSchema = z
  .object({
    policyHash: z.string(),
    weights: z.object({ cost: z.number(), latency: z.number(), quality: z.number(), safety: z.number() }),
    scoresAsOf: z.string(),
    models: z.array(
      z.object({
        provider: z.string(),
        model: z.string(),
        displayName: z.string().nullable(),
        contextWindow: z.number().int().nullable(),
        maxOutputTokens: z.number().int().nullable(),
        capabilities: z.object({ tools: z.boolean(), vision: z.boolean(), jsonSchema: z.boolean(), reasoning: z.boolean() }),
        prices: z.object({ inputPerMillion: z.number().nullable(), outputPerMillion: z.number().nullable(), cachedInputPerMillion: z.number().nullable(), reasoningPerMillion: z.number().nullable() }),
        origin: z.enum(['static', 'remote']),
        scores: z.object({
          cost: z.object({ inputPerMillion: z.number().nullable(), outputPerMillion: z.number().nullable(), source: z.string() }),
          latency: z.object({ p50Ms: z.number(), samples: z.number().int(), source: z.string() }),
          quality: Source,
          safety: Source,
        }),
        readiness: Readiness,
      }),
    ),
  })
  .openapi('LlmModels');

const Candidate = z
  .object({
    provider: z.string(),
    model: z.string(),
    score: z.number(),
    components: z.object({ cost: z.number(), latency: z.number(), quality: z.number(), safety: z.number() }),
    inputs: z.record(z.string(), z.unknown()),
    notes: z.array(z.string()).readonly(),
  })
  .openapi('LlmRouteCandidate');
const Exclusion = z.object({ provider: z.string(), model: z.string(), reasons: z.array(z.object({ code: z.string(), message: z.string() })) }).openapi('LlmRouteExclusion');

export const LlmRationaleSchema = z
  .object({
    chosen: Ref.nullable(),
    ladder: z.array(Ref),
    ladderSkipped: z.array(z.object({ model: z.string(), reason: z.string() })),
    candidates: z.array(Candidate),
    excluded: z.array(Exclusion),
    requirements: z.object({ capabilities: z.array(z.string()), minContextWindow: z.number().nullable(), maxOutputTokens: z.number().nullable() }),
    estimatedInputTokens: z.number().int(),
    estimatedOutputTokens: z.number().int(),
    weights: z.object({ cost: z.number(), latency: z.number(), quality: z.number(), safety: z.number() }),
    appliedTags: z.array(z.string()),
    policyHash: z.string(),
  })
  .openapi('LlmRouteRationale');

export const RouteTestAnswerSchema = z.object({ decisionId: z.string(), chosen: Ref.nullable(), rationale: LlmRationaleSchema }).openapi('LlmRouteTest');

export const PolicyAnswerSchema = z
  .object({ policyHash: z.string(), path: z.string(), source: z.enum(['file', 'default']).optional(), policy: z.record(z.string(), z.unknown()) })
  .openapi('LlmPolicy');

const Escalation = z.object({ seq: z.number().int(), at: z.string(), from: Ref, to: Ref, trigger: z.string(), detail: z.string() }).openapi('LlmEscalation');
const Attempt = z
  .object({ seq: z.number().int(), provider: z.string(), model: z.string(), startedAt: z.string(), latencyMs: z.number(), outcome: z.string(), errorCode: z.string().nullable(), retry: z.boolean() })
  .openapi('LlmAttempt');

export const GenerateAnswerSchema = z
  .object({
    decisionId: z.string(),
    model: Ref,
    responseModel: z.string().nullable(),
    id: z.string().nullable(),
    output: z.object({ role: z.literal('assistant'), content: z.array(z.record(z.string(), z.unknown())) }),
    finishReason: z.object({ unified: z.string(), raw: z.string().nullable() }),
    usage: z.record(z.string(), z.unknown()),
    cost: z.record(z.string(), z.unknown()).nullable(),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
    attempts: z.number().int(),
    escalations: z.array(Escalation),
  })
  .openapi('LlmGenerate');

export const EvalSchema = z
  .object({ id: z.string(), decisionId: z.string(), createdAt: z.string(), metric: z.string(), score: z.number(), label: z.string().nullable(), comment: z.string().nullable(), evaluator: z.string().optional(), runId: z.string().optional() })
  .openapi('LlmEval');

const Decision = {
  id: z.string(),
  createdAt: z.string(),
  kind: z.enum(['route_test', 'generate']),
  tags: z.array(z.string()),
  status: z.enum(['routed', 'no_candidate', 'running', 'succeeded', 'failed']),
  policyHash: z.string(),
  chosen: Ref.nullable(),
  final: Ref.nullable(),
  rationale: z.union([LlmRationaleSchema, z.null()]).openapi({ description: 'Null for a pinned model (not routed)' }),
  request: z.record(z.string(), z.unknown()).nullable(),
  outcome: z.record(z.string(), z.unknown()).nullable(),
};

export const DecisionsPageSchema = z.object({ items: z.array(z.object(Decision)), nextAfter: z.string().nullable() }).openapi('LlmDecisionsPage');
export const DecisionSchema = z.object({ ...Decision, attempts: z.array(Attempt), escalations: z.array(Escalation), evals: z.array(EvalSchema) }).openapi('LlmDecision');
