import type { ChatMessage, ChatRequest } from './chat-request-schema.js';
import type { EmulatedModel } from './openrouter-catalog.js';

/** A token is about four characters of English; every message costs a few tokens of framing, an image a flat 85 (OpenAI's low-detail count). */
const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_IMAGE = 85;

export function tokensOf(text: string): number {
  return text === '' ? 0 : Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The text a message carries (text parts, tool calls), and how many images. */
export function messageText(message: ChatMessage): { text: string; images: number } {
  const parts: string[] = [];
  let images = 0;
  const content = message.content;
  if (typeof content === 'string') parts.push(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === 'text' && typeof part.text === 'string') parts.push(part.text);
      else if (part.type === 'image_url') images += 1;
    }
  }
  if (message.role === 'assistant') for (const call of message.tool_calls ?? []) parts.push(call.function.name, call.function.arguments);
  return { text: parts.join('\n'), images };
}

export function messageTokens(message: ChatMessage): number {
  const { text, images } = messageText(message);
  return TOKENS_PER_MESSAGE + tokensOf(text) + images * TOKENS_PER_IMAGE;
}

/** The prompt's tokens: its messages, plus the tool definitions the model is shown. */
export function promptTokens(request: ChatRequest): number {
  const tools = request.tools === undefined ? 0 : tokensOf(JSON.stringify(request.tools));
  return request.messages.reduce((sum, message) => sum + messageTokens(message), 0) + tools;
}

/** USD per token from the list's decimal string; a variable (negative) or missing price counts as 0. */
export function perToken(price: string | undefined): number {
  const value = Number(price ?? '0');
  return Number.isFinite(value) && value > 0 ? value : 0;
}

const usd = (value: number): number => Number(value.toFixed(12));

export interface TokenCounts {
  prompt: number;
  cached: number;
  completion: number;
  reasoning: number;
}

export interface PricedUsage {
  cost: number;
  promptCost: number;
  completionCost: number;
}

/**
 * What OpenRouter charges for a call at the model's list price: uncached prompt tokens at `prompt`,
 * cached ones at `input_cache_read`, output at `completion` (reasoning tokens are output, at
 * `internal_reasoning` when the model prices them apart).
 */
export function priceUsage(model: EmulatedModel, tokens: TokenCounts): PricedUsage {
  const { pricing } = model.entry;
  const prompt = perToken(pricing.prompt);
  const cacheRead = pricing.input_cache_read === undefined ? prompt : perToken(pricing.input_cache_read);
  const completion = perToken(pricing.completion);
  const reasoning = perToken(pricing.internal_reasoning) > 0 ? perToken(pricing.internal_reasoning) : completion;
  const promptCost = usd((tokens.prompt - tokens.cached) * prompt + tokens.cached * cacheRead);
  const completionCost = usd((tokens.completion - tokens.reasoning) * completion + tokens.reasoning * reasoning);
  return { cost: usd(promptCost + completionCost), promptCost, completionCost };
}
