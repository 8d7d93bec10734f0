/**
 * The Chat Completions shapes the OpenAI adapter writes and reads (vendor-specs/openai,
 * `CreateChatCompletionRequest` / `CreateChatCompletionResponse` / `ErrorResponse` / `ListModelsResponse`),
 * reduced to the fields Hangar uses. Plain TypeScript types: the encoder builds them and the decoder
 * checks what it reads by hand, so the hot path parses nothing with a schema library.
 */

export type OpenAiTextPart = { type: 'text'; text: string };
export type OpenAiImagePart = { type: 'image_url'; image_url: { url: string } };

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAiMessage =
  | { role: 'system' | 'developer'; content: string | OpenAiTextPart[] }
  | { role: 'user'; content: string | (OpenAiTextPart | OpenAiImagePart)[] }
  | { role: 'assistant'; content: string | OpenAiTextPart[] | null; tool_calls?: OpenAiToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAiFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type OpenAiToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAiResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

export type OpenAiReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

/** The request body of `POST /v1/chat/completions`, as the encoder writes it (keys in this order). */
export interface OpenAiChatRequest {
  model: string;
  messages: OpenAiMessage[];
  tools?: OpenAiFunctionTool[];
  tool_choice?: OpenAiToolChoice;
  response_format?: OpenAiResponseFormat;
  max_completion_tokens?: number;
  reasoning_effort?: OpenAiReasoningEffort;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  user?: string;
  [extra: string]: unknown;
}

export interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** `{"error": {message, type, param, code}}`: all four required by the spec; param and code nullable. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
