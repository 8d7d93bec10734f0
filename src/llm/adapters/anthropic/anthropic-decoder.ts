import type { ContentPart, FinishReason, ModelRef, ProviderResponse, RuntimeWarning, Usage } from '../../core/canonical-types.js';
import { ProviderError } from '../../core/runtime-errors.js';

/** What the decoder needs to know of the request it answers. */
export interface AnthropicDecodeContext {
  readonly model: ModelRef;
  /** The stand-in tool of an emulated response format (EncodedAnthropicRequest.jsonTool). */
  readonly jsonTool?: string | null;
  /** The encoder's warnings, carried into the response. */
  readonly warnings?: readonly RuntimeWarning[];
}

/** `stop_reason` → the unified finish reason (the raw word is kept beside it). */
const FINISH: Readonly<Record<string, FinishReason['unified']>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  pause_turn: 'other',
};

function badResponse(message: string, raw: unknown): ProviderError {
  return new ProviderError({ code: 'BAD_RESPONSE', provider: 'anthropic', message: `anthropic: ${message}`, raw });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A `Message` answer in canonical form: text blocks as text, tool_use as tool calls, thinking and
 * redacted_thinking as reasoning (signature kept, so the next turn can send them back), the stop
 * reason unified with the vendor's word kept, usage with nulls where the answer says nothing. A call of
 * the response-format stand-in tool becomes the answer's JSON text. Checks what it reads by hand: an
 * answer it cannot read is a BAD_RESPONSE error.
 */
export function decodeAnthropicResponse(body: unknown, context: AnthropicDecodeContext): ProviderResponse {
  if (!isRecord(body) || body.type !== 'message' || !Array.isArray(body.content)) throw badResponse('the answer is not a Messages API message', body);
  const warnings: RuntimeWarning[] = context.warnings === undefined ? [] : [...context.warnings];
  const jsonTool = context.jsonTool ?? null;
  let content: ContentPart[] = [];
  let jsonAnswer: ContentPart | undefined;
  let toolCalls = 0;

  for (const block of body.content as unknown[]) {
    if (!isRecord(block)) throw badResponse('a content block is not an object', body);
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') throw badResponse('a text block has no text', body);
        content.push({ type: 'text', text: block.text });
        break;
      case 'tool_use': {
        if (typeof block.id !== 'string' || block.id === '' || typeof block.name !== 'string' || block.name === '') throw badResponse('a tool_use block has no id or name', body);
        if (jsonTool !== null && block.name === jsonTool && jsonAnswer === undefined) {
          jsonAnswer = { type: 'text', text: JSON.stringify(block.input ?? {}) };
          content.push(jsonAnswer);
          break;
        }
        toolCalls += 1;
        content.push(
          isRecord(block.input)
            ? { type: 'tool-call', id: block.id, name: block.name, arguments: block.input }
            : { type: 'tool-call', id: block.id, name: block.name, arguments: {}, rawArguments: JSON.stringify(block.input ?? null) },
        );
        break;
      }
      case 'thinking':
        if (typeof block.thinking !== 'string') throw badResponse('a thinking block has no thinking text', body);
        content.push(typeof block.signature === 'string' && block.signature !== '' ? { type: 'reasoning', text: block.thinking, signature: block.signature } : { type: 'reasoning', text: block.thinking });
        break;
      case 'redacted_thinking':
        if (typeof block.data !== 'string') throw badResponse('a redacted_thinking block has no data', body);
        content.push({ type: 'reasoning', text: '', signature: block.data, redacted: true });
        break;
      default:
        warnings.push({ code: 'output_dropped', message: `a "${String(block.type)}" content block was left out (the adapter does not read it)` });
    }
  }

  const rawStop = typeof body.stop_reason === 'string' ? body.stop_reason : null;
  let unified: FinishReason['unified'] = rawStop === null ? 'other' : (FINISH[rawStop] ?? 'other');
  if (jsonTool !== null) {
    if (jsonAnswer === undefined) {
      warnings.push({ code: 'json_response_missing', message: `the model did not call "${jsonTool}", so the answer is not the structured output that was asked for` });
    } else {
      // The stand-in call is the answer: not a tool call to run, and any words around it are not JSON.
      if (unified === 'tool_calls' && toolCalls === 0) unified = 'stop';
      const kept = content.filter((part) => part.type !== 'text' || part === jsonAnswer);
      const dropped = content.length - kept.length;
      if (dropped > 0) warnings.push({ code: 'output_dropped', message: `${dropped} text block(s) beside the structured answer were left out` });
      content = kept;
    }
  }

  return {
    model: context.model,
    responseModel: typeof body.model === 'string' ? body.model : null,
    id: typeof body.id === 'string' ? body.id : null,
    output: { role: 'assistant', content },
    finishReason: { unified, raw: rawStop },
    usage: usageOf(body.usage),
    cost: null,
    warnings,
    raw: body,
  };
}

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null);

/**
 * `input_tokens` is the uncached input (Anthropic counts cache reads and cache writes apart from it):
 * `cache_read_input_tokens` is the cached input, `cache_creation_input_tokens` stays in `raw`.
 */
export function usageOf(raw: unknown): Usage {
  if (!isRecord(raw)) return { inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null, totalTokens: null, ...(raw !== undefined && { raw }) };
  const inputTokens = count(raw.input_tokens);
  const outputTokens = count(raw.output_tokens);
  const details = raw.output_tokens_details;
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: count(raw.cache_read_input_tokens),
    reasoningTokens: isRecord(details) ? count(details.thinking_tokens) : null,
    totalTokens: inputTokens !== null && outputTokens !== null ? inputTokens + outputTokens : null,
    raw,
  };
}
