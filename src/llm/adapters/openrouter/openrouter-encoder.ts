import type { ContentPart, Message, ProviderRequest, ReasoningPart, RuntimeWarning, ToolCall } from '../../core/canonical-types.js';
import { openRouterOptions } from './openrouter-provider-options.js';
import type {
  OpenRouterChatRequest,
  OpenRouterImagePart,
  OpenRouterMessage,
  OpenRouterReasoningDetail,
  OpenRouterResponseFormat,
  OpenRouterTextPart,
  OpenRouterToolCall,
  OpenRouterToolChoice,
} from './openrouter-wire-types.js';

/** `ChatRequest.stop`: "Stop sequences (up to 4)". */
export const OPENROUTER_MAX_STOP_SEQUENCES = 4;

export interface EncodedOpenRouterRequest {
  /** The `POST /api/v1/chat/completions` body. */
  body: OpenRouterChatRequest;
  /** Extra request headers from the options (`HTTP-Referer`, `X-Title`); never the key. */
  headers: Record<string, string>;
  warnings: RuntimeWarning[];
}

type Part<T extends ContentPart['type']> = Extract<ContentPart, { type: T }>;
const partsOf = <T extends ContentPart['type']>(message: Message, type: T): Part<T>[] => message.content.filter((part): part is Part<T> => part.type === type);

function textContent(parts: readonly Part<'text'>[]): string | OpenRouterTextPart[] {
  if (parts.length === 1) return parts[0]?.text ?? '';
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function userContent(message: Message): string | (OpenRouterTextPart | OpenRouterImagePart)[] {
  const [only] = message.content;
  if (message.content.length === 1 && only?.type === 'text') return only.text;
  return message.content.map((part) => (part.type === 'image' ? { type: 'image_url', image_url: { url: part.url } } : { type: 'text', text: (part as Part<'text'>).text }));
}

function toolCall(part: ToolCall): OpenRouterToolCall {
  // A call whose arguments the vendor sent as invalid JSON goes back exactly as it came.
  return { id: part.id, type: 'function', function: { name: part.name, arguments: part.rawArguments ?? JSON.stringify(part.arguments) } };
}

/**
 * Reasoning goes back as `reasoning_details`, which is how OpenRouter carries a model's reasoning
 * (with Anthropic's signatures) from one turn to the next; redacted reasoning is the encrypted form.
 */
function reasoningDetail(part: ReasoningPart): OpenRouterReasoningDetail {
  if (part.redacted) return { type: 'reasoning.encrypted', data: part.text };
  return { type: 'reasoning.text', text: part.text, ...(part.signature !== undefined && { signature: part.signature }) };
}

function assistantMessage(message: Message): OpenRouterMessage {
  const texts = partsOf(message, 'text');
  const calls = partsOf(message, 'tool-call');
  const reasoning = partsOf(message, 'reasoning');
  const content = texts.length === 0 ? null : texts.map((part) => part.text).join('');
  return {
    role: 'assistant',
    content,
    ...(calls.length > 0 && { tool_calls: calls.map(toolCall) }),
    ...(reasoning.length > 0 && { reasoning_details: reasoning.map(reasoningDetail) }),
  };
}

function encodeMessages(messages: readonly Message[], warnings: RuntimeWarning[]): OpenRouterMessage[] {
  const encoded: OpenRouterMessage[] = [];
  let errorFlagDropped = false;
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        encoded.push({ role: 'system', content: textContent(partsOf(message, 'text')) });
        break;
      case 'user':
        encoded.push({ role: 'user', content: userContent(message) });
        break;
      case 'assistant':
        encoded.push(assistantMessage(message));
        break;
      case 'tool':
        for (const result of partsOf(message, 'tool-result')) {
          errorFlagDropped ||= result.isError === true;
          encoded.push({ role: 'tool', tool_call_id: result.toolCallId, content: result.content });
        }
        break;
    }
  }
  if (errorFlagDropped) {
    warnings.push({ code: 'tool_result_error_flag_dropped', message: 'OpenRouter tool messages have no error flag: a failed tool result is sent as its content alone' });
  }
  return encoded;
}

function toolChoice(choice: NonNullable<ProviderRequest['toolChoice']>): OpenRouterToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function responseFormat(format: NonNullable<ProviderRequest['responseFormat']>): OpenRouterResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined && { strict: format.strict }) } };
}

/**
 * OpenRouter's unified reasoning object. The API document's `ChatRequest.reasoning` lists `effort`
 * (and `summary`); `max_tokens` (a token budget, Anthropic-style) is documented in OpenRouter's
 * reasoning-tokens guide and the model list's `reasoning.supports_max_tokens`, and the schema admits
 * it (the object is open). The two are exclusive: effort, the documented field, wins.
 */
function reasoning(request: ProviderRequest, warnings: RuntimeWarning[]): OpenRouterChatRequest['reasoning'] {
  const { effort, budgetTokens } = request.reasoning ?? {};
  if (effort !== undefined) {
    if (budgetTokens !== undefined) {
      warnings.push({ code: 'reasoning_budget_dropped', message: `OpenRouter takes a reasoning effort or a token budget, not both: effort "${effort}" sent, budgetTokens ${budgetTokens} dropped` });
    }
    return { effort };
  }
  if (budgetTokens !== undefined) return { max_tokens: budgetTokens };
  return undefined;
}

function stopSequences(stops: readonly string[], warnings: RuntimeWarning[]): string[] {
  if (stops.length <= OPENROUTER_MAX_STOP_SEQUENCES) return [...stops];
  warnings.push({
    code: 'stop_sequences_truncated',
    message: `OpenRouter takes at most ${OPENROUTER_MAX_STOP_SEQUENCES} stop sequences: sent the first ${OPENROUTER_MAX_STOP_SEQUENCES} of ${stops.length}`,
  });
  return stops.slice(0, OPENROUTER_MAX_STOP_SEQUENCES);
}

/**
 * The canonical request as an OpenRouter chat completions body (pure and deterministic: the same
 * request gives the same bytes). The model id is OpenRouter's `<vendor>/<model>`. It always asks for
 * usage accounting (`usage: {include: true}`): OpenRouter now documents that as deprecated and
 * reports the cost on every answer anyway, so it is harmless there and keeps the cost on any
 * deployment that still wants the opt-in. Throws INVALID_REQUEST for bad `providerOptions.openrouter`.
 */
export function encodeOpenRouterRequest(request: ProviderRequest): EncodedOpenRouterRequest {
  const warnings: RuntimeWarning[] = [];
  const options = openRouterOptions(request.providerOptions?.openrouter, warnings);
  const body: OpenRouterChatRequest = {
    model: request.model.model,
    ...(options.models !== undefined && { models: options.models }),
    messages: encodeMessages(request.messages, warnings),
  };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), parameters: tool.parameters },
    }));
  }
  if (request.toolChoice !== undefined) {
    if (body.tools === undefined) warnings.push({ code: 'tool_choice_dropped', message: 'toolChoice was set but no tools were given; dropped' });
    else body.tool_choice = toolChoice(request.toolChoice);
  }
  if (request.responseFormat !== undefined) body.response_format = responseFormat(request.responseFormat);
  // `max_tokens` is "deprecated, use max_completion_tokens" in the document.
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop = stopSequences(request.stopSequences, warnings);
  if (request.seed !== undefined) body.seed = request.seed;
  const effort = reasoning(request, warnings);
  if (effort !== undefined) body.reasoning = effort;
  if (request.user !== undefined) body.user = request.user;
  if (options.session_id !== undefined) body.session_id = options.session_id;
  if (options.provider !== undefined) body.provider = options.provider;
  if (options.plugins !== undefined) body.plugins = options.plugins;
  body.usage = { include: true };
  return { body, headers: options.headers, warnings };
}
