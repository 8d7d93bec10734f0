import type { ContentPart, CostBreakdown, FinishReason, ModelRef, ProviderResponse, RuntimeWarning, Usage } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';
import { decodeOpenRouterBodyError, isOpenRouterErrorBody } from './openrouter-errors.js';
import type { OpenRouterUsage } from './openrouter-wire-types.js';

export interface OpenRouterDecodeContext {
  /** The model the caller asked for (the response's `model`); what answered is `responseModel`. */
  model: ModelRef;
  /** The encoder's warnings, carried onto the response. */
  warnings?: readonly RuntimeWarning[];
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function badResponse(message: string, body: unknown): ProviderError {
  return new ProviderError({ code: 'BAD_RESPONSE', provider: 'openrouter', message: `openrouter: ${message}`, status: 200, raw: body });
}

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);
const amount = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null);

/** `ChatFinishReasonEnum`, unified; `raw` is the upstream provider's own word (`native_finish_reason`) when OpenRouter passes it on. */
const UNIFIED: Readonly<Record<string, FinishReason['unified']>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  error: 'error',
};

function finishReason(choice: Json): FinishReason {
  const normalized = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  const native = typeof choice.native_finish_reason === 'string' ? choice.native_finish_reason : null;
  return { unified: (normalized !== null ? UNIFIED[normalized] : undefined) ?? 'other', raw: native ?? normalized };
}

/** `reasoning_details` (richer: signatures, encrypted blocks) when present, else the flat `reasoning` text. */
function reasoningParts(message: Json): ContentPart[] {
  const parts: ContentPart[] = [];
  if (Array.isArray(message.reasoning_details)) {
    for (const detail of message.reasoning_details) {
      if (!isRecord(detail)) continue;
      if (detail.type === 'reasoning.text' && (typeof detail.text === 'string' || typeof detail.signature === 'string')) {
        parts.push({ type: 'reasoning', text: typeof detail.text === 'string' ? detail.text : '', ...(typeof detail.signature === 'string' && { signature: detail.signature }) });
      } else if (detail.type === 'reasoning.summary' && typeof detail.summary === 'string') {
        parts.push({ type: 'reasoning', text: detail.summary });
      } else if (detail.type === 'reasoning.encrypted' && typeof detail.data === 'string') {
        parts.push({ type: 'reasoning', text: detail.data, redacted: true });
      }
    }
  }
  if (parts.length === 0 && typeof message.reasoning === 'string' && message.reasoning !== '') parts.push({ type: 'reasoning', text: message.reasoning });
  return parts;
}

function textParts(message: Json, warnings: RuntimeWarning[]): ContentPart[] {
  const parts: ContentPart[] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') parts.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const item of message.content) {
      if (isRecord(item) && item.type === 'text' && typeof item.text === 'string') parts.push({ type: 'text', text: item.text });
      else warnings.push({ code: 'openrouter_content_dropped', message: `a ${isRecord(item) ? String(item.type) : typeof item} content part of the answer has no canonical form; dropped` });
    }
  }
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    parts.push({ type: 'text', text: message.refusal });
    warnings.push({ code: 'refusal', message: 'the model refused; its refusal is the answer text' });
  }
  if (Array.isArray(message.images) && message.images.length > 0) {
    warnings.push({ code: 'openrouter_images_dropped', message: `${message.images.length} generated image(s) in the answer have no canonical form; dropped` });
  }
  return parts;
}

function toolCallParts(message: Json, body: unknown, warnings: RuntimeWarning[]): ContentPart[] {
  if (!Array.isArray(message.tool_calls)) return [];
  return message.tool_calls.map((call: unknown, index) => {
    const fn = isRecord(call) && isRecord(call.function) ? call.function : null;
    if (fn === null || typeof fn.name !== 'string' || fn.name === '') throw badResponse(`tool call ${index} has no function name`, body);
    const id = isRecord(call) && typeof call.id === 'string' && call.id !== '' ? call.id : `openrouter-call-${index}`;
    const text = typeof fn.arguments === 'string' ? fn.arguments : '';
    if (text.trim() === '') return { type: 'tool-call', id, name: fn.name, arguments: {} };
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) return { type: 'tool-call', id, name: fn.name, arguments: parsed };
    } catch {
      // kept raw below
    }
    warnings.push({ code: 'tool_arguments_invalid', message: `the arguments of tool call ${id} (${fn.name}) are not a JSON object; kept raw` });
    return { type: 'tool-call', id, name: fn.name, arguments: {}, rawArguments: text };
  });
}

function usageOf(raw: unknown): Usage {
  if (!isRecord(raw)) return { inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null, totalTokens: null };
  const usage = raw as OpenRouterUsage;
  return {
    inputTokens: count(usage.prompt_tokens),
    outputTokens: count(usage.completion_tokens),
    cachedInputTokens: count(usage.prompt_tokens_details?.cached_tokens),
    reasoningTokens: count(usage.completion_tokens_details?.reasoning_tokens),
    totalTokens: count(usage.total_tokens),
    raw,
  };
}

/**
 * `usage.cost` (USD; OpenRouter credits are dollars) as the call's vendor-priced cost. Only the
 * total is OpenRouter's word. The prompt/completion split is filled from `cost_details` when it is
 * the same money (not BYOK, and the two add up to the cost); reasoning and cached input are billed
 * inside those two, so their own parts stay null. With BYOK, `cost` is OpenRouter's fee and the
 * upstream bill is `upstream_inference_cost`: the total is their sum when both are known.
 */
function costOf(raw: unknown): CostBreakdown | null {
  if (!isRecord(raw)) return null;
  const usage = raw as OpenRouterUsage;
  const cost = amount(usage.cost);
  if (cost === null) return null;
  const details = isRecord(usage.cost_details) ? usage.cost_details : null;
  const none = { input: null, output: null, cachedInput: null, reasoning: null, currency: 'USD' } as const;
  if (usage.is_byok === true) {
    const upstream = amount(details?.upstream_inference_cost);
    return upstream === null
      ? { ...none, total: cost, source: { kind: 'vendor', detail: 'openrouter usage.cost (BYOK: OpenRouter fee only; the upstream bill was not reported)' } }
      : { ...none, total: Number((cost + upstream).toFixed(12)), source: { kind: 'vendor', detail: 'openrouter usage.cost + cost_details.upstream_inference_cost (BYOK)' } };
  }
  const prompt = amount(details?.upstream_inference_prompt_cost);
  const completion = amount(details?.upstream_inference_completions_cost);
  if (prompt !== null && completion !== null && Math.abs(prompt + completion - cost) <= 1e-9 * Math.max(1, cost)) {
    return { ...none, input: prompt, output: completion, total: cost, source: { kind: 'vendor', detail: 'openrouter usage.cost, split by cost_details' } };
  }
  return { ...none, total: cost, source: { kind: 'vendor', detail: 'openrouter usage.cost' } };
}

/**
 * An OpenRouter chat completion (`ChatResult`) as the canonical response (pure): reasoning, text and
 * tool calls in that order; token counts null where OpenRouter does not say; the cost when it priced
 * the call. Throws the decoded ProviderError for an error envelope in a 2xx answer, BAD_RESPONSE
 * for a body it cannot read.
 */
export function decodeOpenRouterResponse(body: unknown, context: OpenRouterDecodeContext): ProviderResponse {
  if (isOpenRouterErrorBody(body)) throw decodeOpenRouterBodyError(body);
  if (!isRecord(body) || !Array.isArray(body.choices)) throw badResponse('the answer is not a chat completion (no choices)', body);
  const choice: unknown = body.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message)) throw badResponse('the answer has no message', body);
  const warnings: RuntimeWarning[] = [...(context.warnings ?? [])];
  const { message } = choice;
  const content = [...reasoningParts(message), ...textParts(message, warnings), ...toolCallParts(message, body, warnings)];
  if (isRecord(choice.error) && typeof choice.error.message === 'string') {
    warnings.push({ code: 'openrouter_choice_error', message: `the upstream provider ended the answer with an error: ${choice.error.message}` });
  }
  return {
    model: context.model,
    responseModel: typeof body.model === 'string' ? body.model : null,
    id: typeof body.id === 'string' ? body.id : null,
    output: { role: 'assistant', content },
    finishReason: finishReason(choice),
    usage: usageOf(body.usage),
    cost: costOf(body.usage),
    warnings,
    raw: body,
  };
}
