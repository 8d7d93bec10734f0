import { type ChatRequest, functionTools } from './chat-request-schema.js';
import { sampleFromSchema } from './json-schema-sample.js';
import type { EmulatedModel, FinishDialect } from './openrouter-catalog.js';
import { SeededDraws } from './seeded-draws.js';
import { tokensOf } from './usage-accounting.js';

const WORDS = [
  'the', 'cluster', 'answer', 'is', 'ready', 'and', 'every', 'node', 'reports', 'healthy', 'capacity', 'remains', 'steady', 'while', 'requests', 'arrive',
  'quickly', 'a', 'plan', 'emerges', 'from', 'careful', 'review', 'of', 'recent', 'logs', 'so', 'nothing', 'needs', 'attention', 'today', 'here',
];
const REASONING_WORDS = ['first', 'consider', 'the', 'question', 'then', 'weigh', 'each', 'option', 'check', 'constraints', 'and', 'conclude', 'carefully'];
/** Reasoning tokens per effort (small, so answers stay short). */
const EFFORT_TOKENS: Readonly<Record<string, number>> = { minimal: 8, low: 16, medium: 32, high: 48, xhigh: 64, max: 64 };

type Unified = 'stop' | 'length' | 'tool_calls';
const NATIVE: Readonly<Record<FinishDialect, Record<Unified | 'stop_sequence', string>>> = {
  openai: { stop: 'stop', length: 'length', tool_calls: 'tool_calls', stop_sequence: 'stop' },
  anthropic: { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', stop_sequence: 'stop_sequence' },
  google: { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP', stop_sequence: 'STOP' },
};

export interface WrittenCompletion {
  message: Record<string, unknown>;
  finishReason: Unified;
  nativeFinishReason: string;
  completionTokens: number;
  reasoningTokens: number;
}

const words = (draws: SeededDraws, vocabulary: readonly string[], count: number): string[] => Array.from({ length: count }, () => draws.pick(vocabulary));
const sentence = (list: readonly string[]): string => (list.length === 0 ? '' : `${list.join(' ').replace(/^./, (first) => first.toUpperCase())}.`);

/** How many reasoning tokens the request asks of this model (0: no reasoning). */
function reasoningBudget(request: ChatRequest, model: EmulatedModel): number {
  if (!model.entry.supported_parameters.includes('reasoning')) return 0;
  const info = (model.entry.reasoning ?? {}) as { mandatory?: boolean; default_enabled?: boolean };
  const effort = request.reasoning?.effort ?? request.reasoning_effort ?? null;
  const disabled = request.reasoning?.enabled === false || effort === 'none';
  if (disabled && info.mandatory !== true) return 0;
  const asked = request.reasoning !== undefined || effort !== null;
  if (!asked && info.mandatory !== true && info.default_enabled !== true) return 0;
  const budget = request.reasoning?.max_tokens ?? null;
  return budget !== null ? Math.min(budget, EFFORT_TOKENS.max as number) : (EFFORT_TOKENS[effort ?? 'medium'] ?? 32);
}

/** `reasoning` and `reasoning_details` as each vendor's models give them through OpenRouter. */
function reasoningFields(model: EmulatedModel, text: string, draws: SeededDraws): Record<string, unknown> {
  if (model.id.startsWith('openai/')) {
    // OpenAI keeps its reasoning: a summary, and the encrypted reasoning to send back.
    return {
      reasoning: text,
      reasoning_details: [
        { type: 'reasoning.summary', summary: text, format: 'openai-responses-v1', index: 0 },
        { type: 'reasoning.encrypted', data: `gAAAAA${draws.token(48)}`, format: 'openai-responses-v1', index: 1 },
      ],
    };
  }
  if (model.id.startsWith('anthropic/')) {
    return { reasoning: text, reasoning_details: [{ type: 'reasoning.text', text, signature: draws.token(64), format: 'anthropic-claude-v1', index: 0 }] };
  }
  const format = model.id.startsWith('google/') ? 'google-gemini-v1' : 'unknown';
  return { reasoning: text, reasoning_details: [{ type: 'reasoning.text', text, format, index: 0 }] };
}

function stopAt(text: string, stops: readonly string[]): number | null {
  const positions = stops.map((stop) => text.indexOf(stop)).filter((position) => position >= 0);
  return positions.length === 0 ? null : Math.min(...positions);
}

/**
 * The assistant's answer, drawn from the seed and the request (the same request gives the same
 * answer): a tool call when tools are offered and the last message is not a tool result, JSON that
 * fits the schema for `json_schema` (or an object for `json_object`) when the model takes it, else
 * a sentence. Reasoning comes first when asked (or when the model always reasons). The output
 * budget (`max_completion_tokens` / `max_tokens`) cuts the answer with `length`; a stop sequence
 * cuts it with `stop`.
 */
export function writeCompletion(request: ChatRequest, model: EmulatedModel, seed: number): WrittenCompletion {
  const draws = SeededDraws.of(seed, model.id, JSON.stringify(request.messages), JSON.stringify(request.tools ?? null), JSON.stringify(request.response_format ?? null));
  const limit = request.max_completion_tokens ?? request.max_tokens ?? model.entry.top_provider.max_completion_tokens ?? 4096;
  const native = NATIVE[model.dialect];
  const reasoningTokens = Math.min(reasoningBudget(request, model), limit);
  const message: Record<string, unknown> = { role: 'assistant', content: null, refusal: null, reasoning: null };
  if (reasoningTokens > 0 && request.reasoning?.exclude !== true) Object.assign(message, reasoningFields(model, sentence(words(draws, REASONING_WORDS, reasoningTokens)), draws));
  const left = limit - reasoningTokens;

  const tools = functionTools(request);
  const last = request.messages[request.messages.length - 1];
  if (tools.length > 0 && request.tool_choice !== 'none' && last?.role !== 'tool') {
    const choice = request.tool_choice;
    const tool = (typeof choice === 'object' ? tools.find((candidate) => candidate.function.name === choice.function.name) : undefined) ?? draws.pick(tools);
    const args = JSON.stringify(sampleFromSchema(tool.function.parameters ?? { type: 'object', properties: {} }, draws) ?? {});
    const prefix = model.dialect === 'anthropic' ? 'toolu_' : 'call_';
    message.tool_calls = [{ id: `${prefix}${draws.token(24)}`, type: 'function', function: { name: tool.function.name, arguments: args } }];
    if (model.dialect === 'anthropic') message.content = `I'll use ${tool.function.name}.`;
    return { message, finishReason: 'tool_calls', nativeFinishReason: native.tool_calls, completionTokens: reasoningTokens + tokensOf(args) + 4, reasoningTokens };
  }

  const format = request.response_format;
  let text: string;
  let tokens: number;
  let json = true;
  if (format?.type === 'json_schema' && model.entry.supported_parameters.includes('structured_outputs')) {
    text = JSON.stringify(sampleFromSchema(format.json_schema?.schema ?? { type: 'object', properties: {} }, draws));
    tokens = tokensOf(text);
  } else if ((format?.type === 'json_object' || format?.type === 'json_schema') && model.entry.supported_parameters.includes('response_format')) {
    text = JSON.stringify({ answer: sentence(words(draws, WORDS, 6)) });
    tokens = tokensOf(text);
  } else {
    json = false;
    const chosen = words(draws, WORDS, 8 + draws.int(17));
    text = sentence(chosen);
    tokens = chosen.length;
  }
  let finish: Unified | 'stop_sequence' = 'stop';
  if (tokens > left) {
    // Cut to the budget: whole words for prose, characters for JSON (which is then unreadable, as it would be).
    text = json ? text.slice(0, Math.max(0, left) * 4) : text.split(' ').slice(0, Math.max(0, left)).join(' ');
    tokens = Math.max(0, left);
    finish = 'length';
  }
  const stops = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  const cut = stopAt(text, stops);
  if (cut !== null) {
    text = text.slice(0, cut);
    tokens = Math.min(tokens, text === '' ? 0 : text.split(' ').length);
    finish = 'stop_sequence';
  }
  message.content = text;
  return { message, finishReason: finish === 'stop_sequence' ? 'stop' : finish, nativeFinishReason: native[finish], completionTokens: reasoningTokens + tokens, reasoningTokens };
}
