import type { ContentPart, FinishReason, ModelRef, ProviderResponse, RuntimeWarning, Usage } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import { WarningList } from './openai-warnings.js';
import type { OpenAiUsage } from './openai-wire-types.js';

const FINISH_REASONS: Readonly<Record<string, FinishReason['unified']>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  // The legacy `functions` API's word for a tool call.
  function_call: 'tool_calls',
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function badResponse(message: string, raw: unknown): ProviderError {
  return new ProviderError({ code: 'BAD_RESPONSE', provider: 'openai', message: `openai: ${message}`, raw });
}

/**
 * A Chat Completions answer (the parsed 200 body) as the canonical response. Checks by hand only
 * what it reads (no schema pass over the whole body); a body without a readable first choice is
 * BAD_RESPONSE. `warnings` are the encoder's, carried into the response first.
 */
export function decodeOpenAiResponse(body: unknown, model: ModelRef, encoderWarnings: readonly RuntimeWarning[] = []): ProviderResponse {
  if (!isObject(body) || !Array.isArray(body.choices)) throw badResponse('the answer is not a chat completion (no choices array)', body);
  const choice = body.choices[0] as unknown;
  if (!isObject(choice) || !isObject(choice.message)) throw badResponse('the answer has no first choice with a message', body);
  const warnings = new WarningList();
  if (body.choices.length > 1) warnings.add('output_dropped', `the answer has ${body.choices.length} choices; only the first is kept`);

  const message = choice.message;
  const content: ContentPart[] = [];
  const refusal = typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : null;
  if (typeof message.content === 'string' && message.content !== '') content.push({ type: 'text', text: message.content });
  if (refusal !== null) {
    content.push({ type: 'text', text: refusal });
    warnings.add('refusal', 'the model refused (message.refusal); its refusal is the text, and the finish reason is content_filter');
  }
  if (isObject(message.function_call)) warnings.add('output_dropped', "a legacy function_call (the deprecated functions API, which the adapter never uses): not decoded as a tool call");
  if (Array.isArray(message.tool_calls)) for (const call of message.tool_calls as unknown[]) decodeToolCall(call, content, warnings, body);

  const rawFinish = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  const unified = refusal !== null ? 'content_filter' : rawFinish === null ? 'other' : (FINISH_REASONS[rawFinish] ?? 'other');
  return {
    model,
    responseModel: typeof body.model === 'string' ? body.model : null,
    id: typeof body.id === 'string' ? body.id : null,
    output: { role: 'assistant', content },
    finishReason: { unified, raw: rawFinish },
    usage: decodeOpenAiUsage(body.usage),
    cost: null,
    warnings: [...encoderWarnings, ...warnings.list()],
    raw: body,
  };
}

function decodeToolCall(call: unknown, content: ContentPart[], warnings: WarningList, body: unknown): void {
  if (!isObject(call)) throw badResponse('a tool call is not an object', body);
  if (call.type !== 'function') {
    warnings.add('output_dropped', `a tool call of type ${String(call.type)}: the adapter offers only function tools; dropped`);
    return;
  }
  const fn = call.function;
  if (typeof call.id !== 'string' || !isObject(fn) || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') throw badResponse('a function tool call lacks its id, name or arguments', body);
  let parsed: unknown;
  try {
    parsed = fn.arguments.trim() === '' ? {} : JSON.parse(fn.arguments);
  } catch {
    parsed = undefined;
  }
  if (isObject(parsed)) {
    content.push({ type: 'tool-call', id: call.id, name: fn.name, arguments: parsed });
    return;
  }
  warnings.add('invalid_tool_arguments', `tool call ${call.id} (${fn.name}): its arguments are not a JSON object; arguments is {} and the text is in rawArguments`);
  content.push({ type: 'tool-call', id: call.id, name: fn.name, arguments: {}, rawArguments: fn.arguments });
}

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/** `usage` with cached (`prompt_tokens_details.cached_tokens`) and reasoning (`completion_tokens_details.reasoning_tokens`) tokens; null where absent. */
export function decodeOpenAiUsage(raw: unknown): Usage {
  if (!isObject(raw)) return { inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null, totalTokens: null };
  const usage = raw as OpenAiUsage;
  return {
    inputTokens: count(usage.prompt_tokens),
    outputTokens: count(usage.completion_tokens),
    cachedInputTokens: isObject(usage.prompt_tokens_details) ? count(usage.prompt_tokens_details.cached_tokens) : null,
    reasoningTokens: isObject(usage.completion_tokens_details) ? count(usage.completion_tokens_details.reasoning_tokens) : null,
    totalTokens: count(usage.total_tokens),
    raw,
  };
}
