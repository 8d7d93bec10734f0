import type { ProviderRequest, ResponseFormat, RuntimeWarning, ToolChoice, ToolDefinition } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import { encodeConversation } from './anthropic-conversation.js';
import { type AnthropicModelProfile, anthropicModelProfile, DEFAULT_ANSWER_TOKENS, MIN_THINKING_BUDGET } from './anthropic-model-rules.js';
import { AnthropicWarnings } from './anthropic-warnings.js';
import type { AnthropicMessagesRequest, AnthropicThinkingConfig, AnthropicTool, AnthropicToolChoice } from './anthropic-wire-types.js';

/** The thinking budget an effort-only request gets (said with a REASONING_EFFORT_MAPPED warning). */
export const EFFORT_BUDGETS = { minimal: 1024, low: 2048, medium: 8192, high: 16_384 } as const;

/** The top-level sampling floor the API holds `top_p` to while thinking (Anthropic's extended-thinking notes). */
const THINKING_MIN_TOP_P = 0.95;

/** The `providerOptions.anthropic` keys the encoder understands. */
const PROVIDER_OPTION_KEYS = new Set(['top_k']);

export interface EncodedAnthropicRequest {
  body: AnthropicMessagesRequest;
  warnings: RuntimeWarning[];
  /**
   * The tool that stands in for `responseFormat` (json_schema / json_object have no native form in
   * API version 2023-06-01): the model is made to call it, and the decoder turns that call back into
   * the answer's JSON text. Null when the request asked for no structured output.
   */
  jsonTool: string | null;
}

/**
 * The canonical request as a `POST /v1/messages` body, with a warning for everything changed or not
 * honoured. Pure and deterministic (same request, same bytes); it reads no clock and parses nothing
 * with a schema library (the runtime has validated the request already).
 */
export function encodeAnthropicRequest(request: ProviderRequest): EncodedAnthropicRequest {
  const warn = new AnthropicWarnings();
  const model = request.model.model;
  const profile = anthropicModelProfile(model);
  const conversation = encodeConversation(request.messages, warn);

  let thinking = thinkingOf(request, profile, warn);
  const maxTokens = maxTokensOf(request, profile, thinking, warn);
  if (thinking?.type === 'enabled' && thinking.budget_tokens >= maxTokens) {
    if (maxTokens <= MIN_THINKING_BUDGET) {
      warn.add('reasoning_dropped', `max_tokens ${maxTokens} leaves no room for the smallest thinking budget (${MIN_THINKING_BUDGET}); thinking was not enabled`);
      thinking = undefined;
    } else {
      const budget = Math.max(MIN_THINKING_BUDGET, Math.floor(maxTokens / 2));
      warn.add('setting_clamped', `thinking budget ${thinking.budget_tokens} must be below max_tokens ${maxTokens}; lowered to ${budget}`);
      thinking = { type: 'enabled', budget_tokens: budget };
    }
  }

  const { system, messages } = conversation;
  const body: AnthropicMessagesRequest = system === undefined ? { model, max_tokens: maxTokens, messages } : { model, max_tokens: maxTokens, system, messages };

  const tooling = toolsOf(request.tools, request.toolChoice, request.responseFormat, thinking !== undefined, warn);
  if (tooling.tools !== undefined) body.tools = tooling.tools;
  if (tooling.toolChoice !== undefined) body.tool_choice = tooling.toolChoice;
  if (thinking !== undefined) body.thinking = thinking;
  applySampling(body, request, profile, thinking !== undefined, warn);
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;
  if (request.seed !== undefined) warn.add('setting_dropped', 'the Messages API has no seed; seed was not sent');
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  return { body, warnings: warn.list(), jsonTool: tooling.jsonTool };
}

function thinkingOf(request: ProviderRequest, profile: AnthropicModelProfile, warn: AnthropicWarnings): AnthropicThinkingConfig | undefined {
  const reasoning = request.reasoning;
  if (reasoning === undefined || (reasoning.budgetTokens === undefined && reasoning.effort === undefined)) return undefined;
  if (profile.thinking === 'none') {
    warn.add('reasoning_dropped', `${request.model.model} (${profile.family}) has no extended thinking; reasoning was not sent`);
    return undefined;
  }
  if (profile.thinking === 'adaptive') {
    warn.add('reasoning_mapped', `${request.model.model} takes only adaptive thinking; the requested ${reasoning.budgetTokens !== undefined ? `budget of ${reasoning.budgetTokens} tokens` : `effort "${reasoning.effort}"`} was not sent`);
    return { type: 'adaptive' };
  }
  let budget = reasoning.budgetTokens;
  if (budget === undefined) {
    budget = EFFORT_BUDGETS[reasoning.effort!];
    warn.add('reasoning_mapped', `reasoning effort "${reasoning.effort}" was sent as a thinking budget of ${budget} tokens`);
  } else if (reasoning.effort !== undefined) {
    warn.add('reasoning_mapped', `reasoning effort "${reasoning.effort}" was ignored in favour of budgetTokens (${budget})`);
  }
  if (budget < MIN_THINKING_BUDGET) {
    warn.add('setting_clamped', `thinking budget ${budget} is below the API's minimum; raised to ${MIN_THINKING_BUDGET}`);
    budget = MIN_THINKING_BUDGET;
  }
  return { type: 'enabled', budget_tokens: budget };
}

/** `max_tokens` is required: the caller's (clamped to the family's ceiling), else the default room plus the thinking budget. */
function maxTokensOf(request: ProviderRequest, profile: AnthropicModelProfile, thinking: AnthropicThinkingConfig | undefined, warn: AnthropicWarnings): number {
  const ceiling = profile.maxOutputTokens;
  if (request.maxOutputTokens !== undefined) {
    if (ceiling !== null && request.maxOutputTokens > ceiling) {
      warn.add('setting_clamped', `maxOutputTokens ${request.maxOutputTokens} is above ${profile.family}'s ceiling; sent max_tokens ${ceiling}`);
      return ceiling;
    }
    return request.maxOutputTokens;
  }
  const wanted = DEFAULT_ANSWER_TOKENS + (thinking?.type === 'enabled' ? thinking.budget_tokens : 0);
  const chosen = ceiling === null ? wanted : Math.min(ceiling, wanted);
  const basis = profile.known ? `${profile.family}'s default` : `the default for a model the adapter does not know`;
  warn.add('max_tokens_defaulted', `the Messages API requires max_tokens and the request named none; sent ${chosen} (${basis})`);
  return chosen;
}

interface Tooling {
  tools: AnthropicTool[] | undefined;
  toolChoice: AnthropicToolChoice | undefined;
  jsonTool: string | null;
}

const JSON_TOOL_DESCRIPTION = 'Give your final answer by calling this tool exactly once; its input is the answer, a JSON object matching the schema.';

function toolsOf(
  definitions: readonly ToolDefinition[] | undefined,
  choice: ToolChoice | undefined,
  format: ResponseFormat | undefined,
  thinking: boolean,
  warn: AnthropicWarnings,
): Tooling {
  const tools = definitions === undefined || definitions.length === 0 ? undefined : definitions.map((definition) => toolOf(definition.name, definition.description, definition.parameters, warn));
  let toolChoice = choice === undefined ? undefined : toolChoiceOf(choice);
  let jsonTool: string | null = null;

  if (format !== undefined && format.type !== 'text') {
    jsonTool = format.type === 'json_schema' ? format.name : 'json_response';
    if (tools?.some((tool) => tool.name === jsonTool)) {
      throw new ProviderError({ code: 'INVALID_REQUEST', provider: 'anthropic', message: `anthropic: the response format's name "${jsonTool}" is also a tool's name; the adapter answers structured output through a tool of that name` });
    }
    const schema = format.type === 'json_schema' ? format.schema : { type: 'object' };
    const stand = toolOf(jsonTool, JSON_TOOL_DESCRIPTION, schema, warn);
    const all = tools === undefined ? [stand] : [...tools, stand];
    // The caller's forced tool comes first; otherwise the model must answer through a tool: with tools of
    // its own it may still call those (any), without them it must call the stand-in.
    if (toolChoice?.type !== 'tool') toolChoice = tools === undefined || choice === 'none' ? { type: 'tool', name: jsonTool } : { type: 'any' };
    const strict = format.type === 'json_schema' && format.strict === true ? ' (strict is not enforced: the API checks tool input against the schema only loosely)' : '';
    warn.add('response_format_emulated', `the Messages API (2023-06-01) has no ${format.type} response format; the answer is asked for as a call of the tool "${jsonTool}" and returned as its JSON text${strict}`);
    if (thinking && (toolChoice.type === 'any' || toolChoice.type === 'tool')) {
      warn.add('tool_choice_relaxed', `thinking allows only tool_choice auto or none; sent auto, so the model may answer in plain text instead of "${jsonTool}"`);
      toolChoice = { type: 'auto' };
    }
    return { tools: all, toolChoice, jsonTool };
  }

  if (tools === undefined && toolChoice !== undefined) {
    warn.add('setting_dropped', 'toolChoice was given without tools; it was not sent');
    toolChoice = undefined;
  }
  if (thinking && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
    warn.add('tool_choice_relaxed', `thinking allows only tool_choice auto or none; sent auto instead of ${toolChoice.type}`);
    toolChoice = { type: 'auto' };
  }
  return { tools, toolChoice, jsonTool };
}

function toolOf(name: string, description: string | undefined, parameters: Record<string, unknown>, warn: AnthropicWarnings): AnthropicTool {
  let schema = parameters;
  if (schema.type === undefined) {
    schema = { type: 'object', ...parameters };
    warn.add('tool_schema_completed', `the schema of "${name}" named no type; sent as type "object", which the Messages API requires`);
  } else if (schema.type !== 'object') {
    throw new ProviderError({ code: 'INVALID_REQUEST', provider: 'anthropic', message: `anthropic: the schema of "${name}" must describe an object (the Messages API's input_schema is an object schema)` });
  }
  return description === undefined ? { name, input_schema: schema } : { name, description, input_schema: schema };
}

function toolChoiceOf(choice: ToolChoice): AnthropicToolChoice {
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'required':
      return { type: 'any' };
    case 'none':
      return { type: 'none' };
    default:
      return { type: 'tool', name: choice.name };
  }
}

function applySampling(body: AnthropicMessagesRequest, request: ProviderRequest, profile: AnthropicModelProfile, thinking: boolean, warn: AnthropicWarnings): void {
  const topK = topKOf(request.providerOptions?.anthropic, warn);
  const dropped: string[] = [];
  if (!profile.samplingParams) {
    if (request.temperature !== undefined) dropped.push('temperature');
    if (request.topP !== undefined) dropped.push('topP');
    if (topK !== undefined) dropped.push('top_k');
    if (dropped.length > 0) warn.add('setting_dropped', `${request.model.model} (${profile.family}) refuses sampling settings; ${dropped.join(', ')} not sent`);
    return;
  }
  let temperature = request.temperature;
  if (temperature !== undefined && thinking && temperature !== 1) {
    warn.add('setting_dropped', `temperature ${temperature} was not sent: with thinking the API takes only 1`);
    temperature = undefined;
  } else if (temperature !== undefined && temperature > 1) {
    warn.add('setting_clamped', `temperature ${temperature} is above the Messages API's 1; sent 1`);
    temperature = 1;
  }
  if (temperature !== undefined) body.temperature = temperature;
  let topP = request.topP;
  if (topP !== undefined && thinking && topP < THINKING_MIN_TOP_P) {
    warn.add('setting_clamped', `topP ${topP} is below ${THINKING_MIN_TOP_P}, the least the API takes with thinking; sent ${THINKING_MIN_TOP_P}`);
    topP = THINKING_MIN_TOP_P;
  }
  if (topP !== undefined) body.top_p = topP;
  if (topK !== undefined) {
    if (thinking) warn.add('setting_dropped', 'top_k was not sent: the API refuses it with thinking');
    else body.top_k = topK;
  }
}

/** `providerOptions.anthropic`: `top_k` (a non-negative integer) is passed; any other key is said and dropped. */
function topKOf(options: Record<string, unknown> | undefined, warn: AnthropicWarnings): number | undefined {
  if (options === undefined) return undefined;
  for (const key of Object.keys(options)) {
    if (!PROVIDER_OPTION_KEYS.has(key)) warn.add('provider_option_dropped', `providerOptions.anthropic.${key} is not an option the adapter knows; not sent`);
  }
  const topK = options.top_k;
  if (topK === undefined) return undefined;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 0) {
    warn.add('provider_option_dropped', 'providerOptions.anthropic.top_k must be a non-negative integer; not sent');
    return undefined;
  }
  return topK;
}
