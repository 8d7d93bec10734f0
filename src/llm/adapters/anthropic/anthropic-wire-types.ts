/**
 * The Messages API shapes the Anthropic adapter writes and reads (vendor-specs/anthropic: the hosted
 * OpenAPI 2024-11, `CreateMessageParams` / `Message` / `ErrorResponse`, plus what SOURCES.md records
 * as newer than that document: thinking, `tool_choice: none`, URL image sources, the `refusal` and
 * `pause_turn` stop reasons, `/v1/models`). Plain TypeScript types: the encoder builds them and the
 * decoder checks what it reads by hand, so the hot path parses nothing with a schema library.
 */

/** The one API version the adapter speaks (the `anthropic-version` header). */
export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The media types `Base64ImageSource.media_type` allows. */
export const ANTHROPIC_IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export type AnthropicTextBlock = { type: 'text'; text: string };
export type AnthropicImageSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
export type AnthropicImageBlock = { type: 'image'; source: AnthropicImageSource };
export type AnthropicToolUseBlock = { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
export type AnthropicToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };
export type AnthropicThinkingBlock = { type: 'thinking'; thinking: string; signature: string };
export type AnthropicRedactedThinkingBlock = { type: 'redacted_thinking'; data: string };

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock | AnthropicTextBlock | AnthropicToolUseBlock;

export type AnthropicMessageParam = { role: 'user'; content: AnthropicUserBlock[] } | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice = { type: 'auto' } | { type: 'any' } | { type: 'none' } | { type: 'tool'; name: string };

/** `enabled` takes a budget; `adaptive` (the only form some newer models take) lets the model decide. */
export type AnthropicThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' };

/** The request body of `POST /v1/messages`, as the encoder writes it (keys in this order). */
export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  system?: string;
  messages: AnthropicMessageParam[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinkingConfig;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  /** Newer answers: the share of output_tokens spent thinking. */
  output_tokens_details?: { thinking_tokens?: number } | null;
}

/** `{type: "error", error: {type, message}}`, with the `request_id` the API adds at the top level. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string; details?: { error_code?: string } | null };
  request_id?: string;
}

/** One entry of `GET /v1/models` (`data[]`); the limits and capabilities are newer than the stored spec and may be absent. */
export interface AnthropicModelEntry {
  type?: 'model';
  id: string;
  display_name?: string;
  created_at?: string;
  max_input_tokens?: number | null;
  max_tokens?: number | null;
  capabilities?: {
    image_input?: { supported?: boolean };
    thinking?: { supported?: boolean };
    structured_outputs?: { supported?: boolean };
  } | null;
}

export interface AnthropicModelPage {
  data: AnthropicModelEntry[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}
