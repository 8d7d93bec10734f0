import type { ChatMessage, ChatRequest } from './chat-request.js';
import type { EmulatedOpenAiModel } from './openai-emulator-options.js';
import { pickIndex, seededDigest } from './seeded-digest.js';
import { minimalInstance } from './schema-instance.js';
import { estimateTokens } from './token-estimate.js';

/** Put in the last user message, these make the model refuse, or the content filter stop it (for testing those paths). */
export const REFUSAL_TRIGGER = '[[refuse]]';
export const CONTENT_FILTER_TRIGGER = '[[content_filter]]';

/** Reasoning tokens the emulated reasoning models "think" per effort (default medium). */
const REASONING_TOKENS: Readonly<Record<string, number>> = { none: 0, minimal: 0, low: 64, medium: 192, high: 576, xhigh: 1024, max: 1024 };

const WORDS = ['amber', 'basalt', 'cobalt', 'delta', 'ember', 'fjord', 'granite', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'meadow', 'nimbus', 'orchid', 'pylon'];

export interface ReplyChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal: string | null;
    tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    annotations: [];
  };
  finish_reason: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  logprobs: null;
}

export interface ReplyChoiceWithUsage {
  choice: ReplyChoice;
  completionTokens: number;
  reasoningTokens: number;
}

const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? (content as { text?: unknown }[]).map((part) => (typeof part.text === 'string' ? part.text : '')).join('') : '';

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) if (messages[index]!.role === 'user') return textOf(messages[index]!.content);
  return '';
}

/** The name of the function a tool message answers (from the assistant message that called it). */
function calledName(messages: readonly ChatMessage[], toolCallId: string): string {
  for (const message of messages) {
    if (message.role !== 'assistant' || !message.tool_calls) continue;
    const call = message.tool_calls.find((candidate) => candidate.id === toolCallId);
    if (call) return call.function.name;
  }
  return 'tool';
}

/** Which tool to call, or null for a reply: tools offered and tool_choice not `none`; under `auto`, only when the last message is not a tool result (so agent loops end). */
function chosenTool(request: ChatRequest, digest: string): NonNullable<ChatRequest['tools']>[number] | null {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return null;
  if (typeof choice === 'object') return tools.find((tool) => tool.function.name === choice.function.name) ?? null;
  const last = request.messages[request.messages.length - 1]!;
  if (choice === 'auto' && last.role === 'tool') return null;
  const said = lastUserText(request.messages).toLowerCase();
  return tools.find((tool) => said.includes(tool.function.name.toLowerCase())) ?? tools[pickIndex(digest, tools.length)]!;
}

function replyText(request: ChatRequest, model: string, digest: string): string {
  const last = request.messages[request.messages.length - 1]!;
  const words = [0, 1, 2].map((offset) => WORDS[pickIndex(digest.slice(offset * 8), WORDS.length)]).join(' ');
  if (last.role === 'tool') return `The ${calledName(request.messages, last.tool_call_id)} tool returned: ${clip(textOf(last.content), 200)} (${words})`;
  return `Emulated ${model} reply (${words}). You said: ${clip(lastUserText(request.messages), 200)}`;
}

/**
 * One choice of the answer, deterministic from the seed, the request and the choice index: a tool
 * call when one is due (arguments: a minimal instance of the function's parameters), JSON matching
 * the `json_schema` (a minimal instance) or `{"reply": ...}` for `json_object`, else a text that
 * quotes the last user message. The completion budget (`max_completion_tokens`, else `max_tokens`,
 * else the model's limit) is spent on reasoning first; what does not fit is cut and the finish
 * reason is `length`.
 */
export function replyChoice(request: ChatRequest, model: EmulatedOpenAiModel, seed: number, index: number): ReplyChoiceWithUsage {
  const digest = seededDigest(seed, model.id, request.messages, request.tools ?? null, request.response_format ?? null, index);
  const budget = request.max_completion_tokens ?? request.max_tokens ?? model.maxOutputTokens;
  const reasoningTokens = Math.min(budget, model.reasoningEfforts === null ? 0 : (REASONING_TOKENS[request.reasoning_effort ?? 'medium'] ?? 0));
  const room = budget - reasoningTokens;
  const said = lastUserText(request.messages);
  const message: ReplyChoice['message'] = { role: 'assistant', content: null, refusal: null, annotations: [] };

  if (said.includes(REFUSAL_TRIGGER)) {
    message.refusal = "I'm sorry, but I can't help with that request.";
    return { choice: { index, message, finish_reason: 'stop', logprobs: null }, completionTokens: reasoningTokens + estimateTokens(message.refusal), reasoningTokens };
  }
  if (said.includes(CONTENT_FILTER_TRIGGER)) {
    message.content = '';
    return { choice: { index, message, finish_reason: 'content_filter', logprobs: null }, completionTokens: reasoningTokens, reasoningTokens };
  }

  const tool = chosenTool(request, digest);
  if (tool !== null) {
    const parameters = tool.function.parameters ?? { type: 'object', properties: {} };
    const args = JSON.stringify(minimalInstance(parameters, parameters) ?? {});
    const fits = estimateTokens(tool.function.name + args) <= room;
    message.tool_calls = [{ id: `call_${digest.slice(8, 32)}`, type: 'function', function: { name: tool.function.name, arguments: fits ? args : args.slice(0, room * 4) } }];
    const outputTokens = fits ? estimateTokens(tool.function.name + args) : room;
    return { choice: { index, message, finish_reason: fits ? 'tool_calls' : 'length', logprobs: null }, completionTokens: reasoningTokens + outputTokens, reasoningTokens };
  }

  const format = request.response_format;
  let text: string;
  if (format?.type === 'json_schema') {
    const schema = format.json_schema.schema ?? {};
    text = JSON.stringify(minimalInstance(schema, schema));
  } else if (format?.type === 'json_object') text = JSON.stringify({ reply: replyText(request, model.id, digest) });
  else text = replyText(request, model.id, digest);
  const fits = estimateTokens(text) <= room;
  message.content = fits ? text : text.slice(0, room * 4);
  return { choice: { index, message, finish_reason: fits ? 'stop' : 'length', logprobs: null }, completionTokens: reasoningTokens + estimateTokens(message.content), reasoningTokens };
}
