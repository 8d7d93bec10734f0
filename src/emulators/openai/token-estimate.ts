import type { ChatMessage, ChatRequest } from './chat-request.js';

/** Tokens as the emulator counts them: characters / 4, rounded up (OpenAI's rule of thumb for English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What an image costs in the emulator: OpenAI's flat price of a low-detail image. */
const IMAGE_TOKENS = 85;
/** Per message, for the role and the separators (OpenAI counts about 3). */
const MESSAGE_OVERHEAD_TOKENS = 3;

function contentText(content: unknown): { chars: number; images: number } {
  if (typeof content === 'string') return { chars: content.length, images: 0 };
  if (!Array.isArray(content)) return { chars: 0, images: 0 };
  let chars = 0;
  let images = 0;
  for (const part of content as { type?: string; text?: unknown; refusal?: unknown }[]) {
    if (part.type === 'image_url') images += 1;
    else if (typeof part.text === 'string') chars += part.text.length;
    else if (typeof part.refusal === 'string') chars += part.refusal.length;
  }
  return { chars, images };
}

export function messageTokens(message: ChatMessage): number {
  const { chars, images } = contentText(message.content);
  let extra = 0;
  if (message.role === 'assistant' && message.tool_calls) for (const call of message.tool_calls) extra += call.function.name.length + call.function.arguments.length;
  return MESSAGE_OVERHEAD_TOKENS + Math.ceil((chars + extra) / 4) + images * IMAGE_TOKENS;
}

/** The prompt: every message, plus the tool definitions and the response schema the model is shown. */
export function promptTokens(request: ChatRequest): number {
  let tokens = 0;
  for (const message of request.messages) tokens += messageTokens(message);
  if (request.tools !== undefined && request.tools.length > 0) tokens += estimateTokens(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema') tokens += estimateTokens(JSON.stringify(request.response_format.json_schema));
  return tokens;
}
