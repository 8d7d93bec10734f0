import { z } from 'zod';

/**
 * What the emulator reads of a `ChatRequest`, checked the way OpenRouter checks it: the fields it
 * uses have to have the document's types (a 400 names the first bad one); fields it does not use
 * pass untouched, as the document leaves `ChatRequest` open. `provider` is closed, as the
 * document's `ProviderPreferences` is (`additionalProperties: false`).
 */

const content = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]);
const toolCall = z.looseObject({ id: z.string(), type: z.literal('function'), function: z.looseObject({ name: z.string().min(1), arguments: z.string() }) });

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content }),
  z.looseObject({ role: z.literal('developer'), content }),
  z.looseObject({ role: z.literal('user'), content }),
  z.looseObject({ role: z.literal('assistant'), content: z.union([content, z.null()]).optional(), tool_calls: z.array(toolCall).optional() }),
  z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
});

const EFFORTS = ['max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none'] as const;
const cutoffs = z.union([z.number(), z.object({ p50: z.number().nullable(), p75: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() }).partial().strict(), z.null()]);
const SORTS = ['price', 'throughput', 'latency', 'exacto'] as const;

export const ProviderPreferencesSchema = z
  .object({
    allow_fallbacks: z.boolean().nullable(),
    data_collection: z.enum(['deny', 'allow']).nullable(),
    enforce_distillable_text: z.boolean().nullable(),
    ignore: z.array(z.string()).nullable(),
    max_price: z.object({ prompt: z.string(), completion: z.string(), image: z.string(), audio: z.string(), request: z.string() }).partial(),
    only: z.array(z.string()).nullable(),
    order: z.array(z.string()).nullable(),
    preferred_max_latency: cutoffs,
    preferred_min_throughput: cutoffs,
    quantizations: z.array(z.string()).nullable(),
    require_parameters: z.boolean().nullable(),
    sort: z.union([z.enum(SORTS), z.object({ by: z.enum(SORTS).nullable(), partition: z.enum(['model', 'none']).nullable() }).partial(), z.null()]),
    zdr: z.boolean().nullable(),
  })
  .partial()
  .strict();
export type ProviderPreferences = z.infer<typeof ProviderPreferencesSchema>;

export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).optional(),
  messages: z.array(message).min(1),
  tools: z.array(z.union([functionTool, z.looseObject({ type: z.string().refine((type) => type !== 'function', 'a function tool needs a valid function') })])).optional(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })]).optional(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema', 'grammar', 'python']), json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }).optional() }).optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  reasoning: z
    .looseObject({ effort: z.enum(EFFORTS).nullable().optional(), max_tokens: z.number().int().positive().nullable().optional(), exclude: z.boolean().optional(), enabled: z.boolean().optional() })
    .optional(),
  reasoning_effort: z.enum(EFFORTS).nullable().optional(),
  provider: ProviderPreferencesSchema.nullable().optional(),
  usage: z.looseObject({ include: z.boolean().optional() }).optional(),
  stream: z.boolean().optional(),
  user: z.string().optional(),
  session_id: z.string().max(256).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];
export type FunctionTool = z.infer<typeof functionTool>;

/** The function tools of a request (server tools such as `openrouter:web_search` are not emulated). */
export function functionTools(request: ChatRequest): FunctionTool[] {
  return (request.tools ?? []).filter((tool): tool is FunctionTool => tool.type === 'function');
}

/** The first problem of a body that is not a valid request, as OpenRouter's 400 says it. */
export function requestProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'Invalid request';
  return `Invalid request: ${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`;
}
