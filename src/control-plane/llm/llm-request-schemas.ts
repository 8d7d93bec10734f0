import { z } from 'zod';
import { MessageSchema, ModelRefSchema, ProviderRequestSchema, ResponseFormatSchema, RouteRequirementsSchema, TagNameSchema, ToolDefinitionSchema } from '../../llm/index.js';

/** A model as people write it (`openai/gpt-4o-mini`, a bare id the catalog lists once) or as a ref. */
const ModelFieldSchema = z.union([z.string().min(1).max(300), ModelRefSchema]);
const TagsSchema = z.array(TagNameSchema).max(16);
/** A convenience: one user message of this text. */
const PromptSchema = z.string().min(1).max(1_000_000);

const oneOfPromptOrMessages = (body: { prompt?: string | undefined; messages?: unknown[] | undefined }, ctx: z.RefinementCtx) => {
  if ((body.prompt === undefined) === (body.messages === undefined)) ctx.addIssue({ code: 'custom', path: body.prompt === undefined ? ['messages'] : ['prompt'], message: 'give exactly one of prompt or messages' });
};

/** POST /llm/route/test: what routing would choose for this request, and why. No model is called. */
export const RouteTestBodySchema = z
  .object({
    prompt: PromptSchema.optional(),
    messages: z.array(MessageSchema).min(1).optional(),
    tools: z.array(ToolDefinitionSchema).optional(),
    responseFormat: ResponseFormatSchema.optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    tags: TagsSchema.optional(),
    requirements: RouteRequirementsSchema.optional(),
  })
  .strict()
  .superRefine(oneOfPromptOrMessages);
export type RouteTestBody = z.infer<typeof RouteTestBodySchema>;

/** POST /v1/llm/generate: a canonical request without a model (routed) or with one (pinned). */
export const GenerateBodySchema = ProviderRequestSchema.omit({ model: true, messages: true })
  .extend({
    prompt: PromptSchema.optional(),
    messages: z.array(MessageSchema).min(1).optional(),
    model: ModelFieldSchema.optional(),
    tags: TagsSchema.optional(),
    requirements: RouteRequirementsSchema.optional(),
  })
  .strict()
  .superRefine(oneOfPromptOrMessages);
export type GenerateBody = z.infer<typeof GenerateBodySchema>;

/** POST /v1/llm/decisions/:id/evals: a score given to a decision afterwards (by a person, a grader, a test run). */
export const EvalBodySchema = z
  .object({
    metric: z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'a metric is 1-64 of a-z, 0-9, _ . : -').default('quality'),
    score: z.number().finite(),
    label: z.string().min(1).max(64).optional(),
    comment: z.string().max(2_000).optional(),
    /** Who or what scored it (a grader's name, a person). */
    evaluator: z.string().min(1).max(128).optional(),
    /** The run it belongs to (an eval run, a CI job), to link scores to a run. */
    runId: z.string().min(1).max(128).optional(),
  })
  .strict();
export type EvalBody = z.infer<typeof EvalBodySchema>;

export const DecisionQuerySchema = z.object({
  after: z.string().min(1).max(64).optional(),
  tag: TagNameSchema.optional(),
  model: z.string().regex(/^[^/\s]+\/\S+$/, 'provider/model').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
