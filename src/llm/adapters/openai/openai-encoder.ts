import type { ContentPart, Message, ProviderRequest, RuntimeWarning } from '../../core/canonical-types.js';
import { closestAllowedEffort, nearestEffort, type OpenAiModelProfile, openAiModelProfile } from './openai-model-rules.js';
import { WarningList } from './openai-warnings.js';
import type {
  OpenAiChatRequest,
  OpenAiFunctionTool,
  OpenAiImagePart,
  OpenAiMessage,
  OpenAiReasoningEffort,
  OpenAiResponseFormat,
  OpenAiTextPart,
  OpenAiToolCall,
  OpenAiToolChoice,
} from './openai-wire-types.js';

export interface EncodedOpenAiRequest {
  readonly body: OpenAiChatRequest;
  /** What the encoder changed or could not send (never silent). */
  readonly warnings: RuntimeWarning[];
}

/** The spec's `StopConfiguration` takes at most four sequences. */
const MAX_STOP_SEQUENCES = 4;

/** `providerOptions.openai` keys passed through as they are; the encoder owns every other field. */
const PASSTHROUGH_OPTIONS = new Set(['frequency_penalty', 'logit_bias', 'metadata', 'parallel_tool_calls', 'presence_penalty', 'prompt_cache_key', 'safety_identifier', 'service_tier', 'store', 'verbosity']);
const SAMPLING_OPTIONS = new Set(['frequency_penalty', 'presence_penalty', 'logit_bias']);

/**
 * The canonical request as a Chat Completions body. Pure and synchronous; the request is trusted to
 * have passed `ProviderRequestSchema` at the runtime boundary (nothing is re-validated here).
 */
export function encodeOpenAiRequest(request: ProviderRequest): EncodedOpenAiRequest {
  const warnings = new WarningList();
  const profile = openAiModelProfile(request.model.model);
  const model = request.model.model;
  const body: OpenAiChatRequest = { model, messages: encodeMessages(request.messages, profile, model, warnings) };

  const offersTools = request.tools !== undefined && request.tools.length > 0;
  if (offersTools && !profile.tools) {
    warnings.add('setting_dropped', `tools: ${model} cannot call tools on Chat Completions; the ${request.tools?.length} tool definitions were not sent`);
  } else if (offersTools) {
    body.tools = request.tools!.map(
      (tool): OpenAiFunctionTool => ({
        type: 'function',
        function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), parameters: tool.parameters },
      }),
    );
  }
  if (request.toolChoice !== undefined) {
    if (body.tools === undefined) warnings.add('setting_dropped', 'toolChoice: no tools are sent, and OpenAI refuses tool_choice without tools');
    else body.tool_choice = encodeToolChoice(request.toolChoice);
  }

  if (request.responseFormat !== undefined) {
    const format = encodeResponseFormat(request.responseFormat, profile, model, warnings);
    if (format !== undefined) body.response_format = format;
  }
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  const effort = encodeReasoning(request.reasoning, profile, model, warnings);
  if (effort !== undefined) body.reasoning_effort = effort;

  if (request.temperature !== undefined) {
    if (profile.samplingParams) body.temperature = request.temperature;
    else warnings.add('setting_dropped', `temperature: ${model} is a reasoning model and takes only the default temperature; ${request.temperature} was not sent`);
  }
  if (request.topP !== undefined) {
    if (profile.samplingParams) body.top_p = request.topP;
    else warnings.add('setting_dropped', `topP: ${model} is a reasoning model and takes only the default top_p; ${request.topP} was not sent`);
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    if (!profile.stopSequences) warnings.add('setting_dropped', `stopSequences: ${model} does not take stop sequences; they were not sent`);
    else if (request.stopSequences.length > MAX_STOP_SEQUENCES) {
      body.stop = request.stopSequences.slice(0, MAX_STOP_SEQUENCES);
      warnings.add('setting_clamped', `stopSequences: OpenAI takes at most ${MAX_STOP_SEQUENCES}; sent the first ${MAX_STOP_SEQUENCES} of ${request.stopSequences.length}`);
    } else body.stop = request.stopSequences;
  }
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.user !== undefined) body.user = request.user;

  const extras = request.providerOptions?.openai;
  if (extras !== undefined) {
    for (const key of Object.keys(extras)) {
      if (!PASSTHROUGH_OPTIONS.has(key)) warnings.add('provider_option_dropped', `providerOptions.openai.${key}: not one the adapter passes through (it owns that field, or OpenAI has none)`);
      else if (SAMPLING_OPTIONS.has(key) && !profile.samplingParams) warnings.add('setting_dropped', `providerOptions.openai.${key}: ${model} is a reasoning model and does not take it`);
      else if (key === 'parallel_tool_calls' && body.tools === undefined) warnings.add('setting_dropped', 'providerOptions.openai.parallel_tool_calls: no tools are sent, and OpenAI refuses it without tools');
      else body[key] = extras[key];
    }
  }
  return { body, warnings: warnings.list() };
}

function encodeMessages(messages: readonly Message[], profile: OpenAiModelProfile, model: string, warnings: WarningList): OpenAiMessage[] {
  const out: OpenAiMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system': {
        const content = textContent(message.content);
        if (profile.instructionsRole === 'user') {
          warnings.add('role_changed', `system message: ${model} takes neither system nor developer messages; sent as a user message`);
          out.push({ role: 'user', content });
        } else out.push({ role: profile.instructionsRole, content });
        break;
      }
      case 'user':
        out.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant': {
        const encoded = assistantMessage(message.content, warnings);
        if (encoded !== null) out.push(encoded);
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue;
          if (part.isError === true) warnings.add('setting_dropped', 'tool-result isError: Chat Completions has no error flag on tool messages; the result was sent as plain content');
          out.push({ role: 'tool', tool_call_id: part.toolCallId, content: part.content });
        }
        break;
    }
  }
  return out;
}

/** One text part as a plain string (the common case, and the smallest body); several as text parts. */
function textContent(parts: readonly ContentPart[]): string | OpenAiTextPart[] {
  const texts: OpenAiTextPart[] = [];
  for (const part of parts) if (part.type === 'text') texts.push({ type: 'text', text: part.text });
  return texts.length === 1 ? texts[0]!.text : texts;
}

function userContent(parts: readonly ContentPart[]): string | (OpenAiTextPart | OpenAiImagePart)[] {
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  const out: (OpenAiTextPart | OpenAiImagePart)[] = [];
  for (const part of parts) {
    if (part.type === 'text') out.push({ type: 'text', text: part.text });
    else if (part.type === 'image') out.push({ type: 'image_url', image_url: { url: part.url } });
  }
  return out;
}

/** Text and tool calls; reasoning parts cannot be sent back on Chat Completions and are dropped. Null when nothing is left. */
function assistantMessage(parts: readonly ContentPart[], warnings: WarningList): OpenAiMessage | null {
  const texts: OpenAiTextPart[] = [];
  const calls: OpenAiToolCall[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push({ type: 'text', text: part.text });
    else if (part.type === 'tool-call') {
      // A call whose arguments were not valid JSON goes back as the model wrote it.
      calls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.rawArguments ?? JSON.stringify(part.arguments) } });
    } else if (part.type === 'reasoning') warnings.add('message_part_dropped', 'reasoning parts in the history: Chat Completions cannot take them back; dropped');
  }
  if (texts.length === 0 && calls.length === 0) return null;
  const content = texts.length === 0 ? null : texts.length === 1 ? texts[0]!.text : texts;
  return calls.length === 0 ? { role: 'assistant', content } : { role: 'assistant', content, tool_calls: calls };
}

function encodeToolChoice(choice: NonNullable<ProviderRequest['toolChoice']>): OpenAiToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function encodeResponseFormat(
  format: NonNullable<ProviderRequest['responseFormat']>,
  profile: OpenAiModelProfile,
  model: string,
  warnings: WarningList,
): OpenAiResponseFormat | undefined {
  if (format.type === 'text') return { type: 'text' };
  if (profile.responseFormat === 'text') {
    warnings.add('setting_dropped', `responseFormat ${format.type}: ${model} has no JSON mode; not sent (ask for JSON in the prompt)`);
    return undefined;
  }
  if (format.type === 'json_object') return { type: 'json_object' };
  if (profile.responseFormat === 'json_object') {
    warnings.add('response_format_downgraded', `responseFormat json_schema: ${model} has no structured outputs; sent json_object (valid JSON, the schema not enforced; OpenAI wants "JSON" named in the messages)`);
    return { type: 'json_object' };
  }
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined && { strict: format.strict }) } };
}

function encodeReasoning(reasoning: ProviderRequest['reasoning'], profile: OpenAiModelProfile, model: string, warnings: WarningList): OpenAiReasoningEffort | undefined {
  if (reasoning === undefined || (reasoning.effort === undefined && reasoning.budgetTokens === undefined)) return undefined;
  const allowed = profile.reasoningEfforts;
  if (allowed === null || allowed.length === 0) {
    warnings.add('setting_dropped', `reasoning: ${model} takes no reasoning setting; not sent`);
    return undefined;
  }
  if (reasoning.effort !== undefined) {
    if (reasoning.budgetTokens !== undefined) warnings.add('setting_dropped', `reasoning.budgetTokens: OpenAI takes an effort, not a budget; sent effort ${reasoning.effort} and ignored the budget of ${reasoning.budgetTokens}`);
    if (allowed.includes(reasoning.effort)) return reasoning.effort;
    const closest = closestAllowedEffort(reasoning.effort, allowed)!;
    warnings.add('reasoning_mapped', `reasoning.effort ${reasoning.effort}: ${model} does not take it; sent ${closest}`);
    return closest;
  }
  const budget = reasoning.budgetTokens!;
  const effort = nearestEffort(budget, allowed)!;
  warnings.add('reasoning_mapped', `reasoning.budgetTokens ${budget}: OpenAI takes an effort, not a budget; sent the nearest, ${effort}`);
  return effort;
}
