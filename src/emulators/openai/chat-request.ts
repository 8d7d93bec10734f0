import { z } from 'zod';
import { type OpenAiErrorAnswer, OpenAiErrors } from './openai-error.js';

/**
 * What the emulator accepts on `POST /v1/chat/completions`, checked the way OpenAI checks it: the
 * spec's top-level fields only ("Unrecognized request argument supplied"), each message by role,
 * and the pairing of tool calls with tool messages. Answers are OpenAI's 400 wording with `param`
 * as OpenAI writes it (`messages[0].content`).
 */

const TOP_LEVEL_FIELDS = new Set([
  'model', 'messages', 'metadata', 'top_logprobs', 'temperature', 'top_p', 'user', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention',
  'prompt_cache_options', 'service_tier', 'modalities', 'verbosity', 'reasoning_effort', 'max_completion_tokens', 'frequency_penalty', 'presence_penalty',
  'web_search_options', 'response_format', 'audio', 'store', 'moderation', 'stream', 'stop', 'logit_bias', 'logprobs', 'max_tokens', 'n', 'prediction',
  'seed', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'function_call', 'functions',
]);

const TextPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const ImagePart = z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }).loose() }).loose();
const OtherUserPart = z.object({ type: z.enum(['input_audio', 'file']) }).loose();
const textContent = z.union([z.string(), z.array(TextPart).min(1)]);

const ToolCall = z.object({ id: z.string().min(1), type: z.literal('function'), function: z.object({ name: z.string().min(1), arguments: z.string() }).loose() }).loose();

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() }).loose(),
  z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() }).loose(),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(z.union([TextPart, ImagePart, OtherUserPart])).min(1)]), name: z.string().optional() }).loose(),
  z
    .object({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(z.union([TextPart, z.object({ type: z.literal('refusal'), refusal: z.string() }).loose()])).min(1), z.null()]).optional(),
      refusal: z.string().nullable().optional(),
      tool_calls: z.array(ToolCall).min(1).optional(),
    })
    .loose(),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }).loose(),
  z.object({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }).loose(),
]);

const FunctionTool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .loose(),
  })
  .loose();

const ResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), description: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional() }).loose(),
    })
    .loose(),
]);

const ChatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(Message).min(1),
    tools: z.array(FunctionTool).optional(),
    tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }).loose() }).loose()]).optional(),
    response_format: ResponseFormat.optional(),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    max_tokens: z.number().int().min(1).nullable().optional(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    stop: z.union([z.string(), z.array(z.string()).min(1).max(4)]).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    stream: z.boolean().nullable().optional(),
    user: z.string().optional(),
    parallel_tool_calls: z.boolean().optional(),
  })
  .loose();

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];

/** `messages.0.content` → `messages[0].content`, as OpenAI names parameters. */
function paramOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
}

export function parseChatRequest(body: unknown): { ok: true; request: ChatRequest } | { ok: false; error: OpenAiErrorAnswer } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: OpenAiErrors.invalidJson() };
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_FIELDS.has(key)) return { ok: false, error: OpenAiErrors.invalidRequest(`Unrecognized request argument supplied: ${key}`, null, null) };
  }
  for (const required of ['model', 'messages']) {
    if (!(required in body)) return { ok: false, error: OpenAiErrors.invalidRequest(`Missing required parameter: '${required}'.`, required, 'missing_required_parameter') };
  }
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = paramOf(issue.path);
    return { ok: false, error: OpenAiErrors.invalidRequest(`Invalid value for '${param}': ${issue.message}.`, param, issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value') };
  }
  const request = parsed.data;
  const pairing = toolPairingError(request.messages);
  if (pairing !== null) return { ok: false, error: pairing };
  const tools = request.tools ?? [];
  if (request.tool_choice !== undefined && tools.length === 0) {
    return { ok: false, error: OpenAiErrors.invalidRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice', null) };
  }
  if (request.parallel_tool_calls !== undefined && tools.length === 0) {
    return { ok: false, error: OpenAiErrors.invalidRequest("Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", 'parallel_tool_calls', null) };
  }
  const named = request.tool_choice;
  if (typeof named === 'object' && !tools.some((tool) => tool.function.name === named.function.name)) {
    return { ok: false, error: OpenAiErrors.invalidRequest(`Invalid value for 'tool_choice': no function named '${named.function.name}' was specified in the 'tools' parameter.`, 'tool_choice', null) };
  }
  return { ok: true, request };
}

/** OpenAI's rules: a tool message answers a tool call of the assistant message before it, and every such call gets its answer. */
function toolPairingError(messages: readonly ChatMessage[]): OpenAiErrorAnswer | null {
  let open: string[] = [];
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!open.includes(message.tool_call_id)) {
        return OpenAiErrors.invalidRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
          null,
        );
      }
      open = open.filter((id) => id !== message.tool_call_id);
      continue;
    }
    if (open.length > 0) {
      return OpenAiErrors.invalidRequest(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`,
        `messages.[${index}].role`,
        null,
      );
    }
    if (message.role === 'assistant') {
      if (message.tool_calls === undefined && (message.content === undefined || message.content === null)) {
        return OpenAiErrors.invalidRequest(`Invalid value for 'messages[${index}].content': expected a string, got null.`, `messages.[${index}].content`, null);
      }
      open = message.tool_calls?.map((call) => call.id) ?? [];
    }
  }
  if (open.length > 0) {
    return OpenAiErrors.invalidRequest(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${open.join(', ')}`,
      `messages.[${messages.length}].role`,
      null,
    );
  }
  return null;
}
