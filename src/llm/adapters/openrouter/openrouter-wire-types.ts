/**
 * The parts of OpenRouter's wire shapes this adapter writes and reads, as TypeScript types, named
 * after the schemas of its OpenAPI document (vendor-specs/openrouter: `ChatRequest`, `ChatResult`,
 * `ChatUsage`, `Model`, …). Only what the adapter touches is typed; answers are read defensively.
 */

export interface OpenRouterTextPart {
  type: 'text';
  text: string;
}

export interface OpenRouterImagePart {
  type: 'image_url';
  image_url: { url: string };
}

/** `ReasoningDetailText` / `ReasoningDetailSummary` / `ReasoningDetailEncrypted` (the ones the adapter writes or reads). */
export type OpenRouterReasoningDetail =
  | { type: 'reasoning.text'; text?: string | null; signature?: string | null; format?: string | null; id?: string | null; index?: number }
  | { type: 'reasoning.summary'; summary: string; format?: string | null; id?: string | null; index?: number }
  | { type: 'reasoning.encrypted'; data: string; format?: string | null; id?: string | null; index?: number };

/** `ChatToolCall`. */
export interface OpenRouterToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** `ChatMessages`: the roles the adapter sends (it never sends `developer`). */
export type OpenRouterMessage =
  | { role: 'system'; content: string | OpenRouterTextPart[] }
  | { role: 'user'; content: string | (OpenRouterTextPart | OpenRouterImagePart)[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenRouterToolCall[]; reasoning_details?: OpenRouterReasoningDetail[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** `ChatFunctionTool` (the plain function form). */
export interface OpenRouterFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type OpenRouterToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type OpenRouterResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

/** `ProviderPreferences` (the document marks it `additionalProperties: false`). */
export interface OpenRouterProviderPreferences {
  allow_fallbacks?: boolean | null;
  data_collection?: 'allow' | 'deny' | null;
  enforce_distillable_text?: boolean | null;
  ignore?: string[] | null;
  max_price?: { prompt?: string; completion?: string; image?: string; audio?: string; request?: string };
  only?: string[] | null;
  order?: string[] | null;
  preferred_max_latency?: number | Record<string, number | null> | null;
  preferred_min_throughput?: number | Record<string, number | null> | null;
  quantizations?: string[] | null;
  require_parameters?: boolean | null;
  sort?: string | { by?: string | null; partition?: string | null } | null;
  zdr?: boolean | null;
}

/** `ContextCompressionPlugin`, the one plugin the adapter writes (for the older `transforms: ["middle-out"]`). */
export type OpenRouterPlugin = { id: 'context-compression'; engine: 'middle-out' } | { id: 'context-compression'; enabled: false };

/** `ChatRequest`: the fields the adapter sets, in the order it writes them. */
export interface OpenRouterChatRequest {
  model: string;
  models?: string[];
  messages: OpenRouterMessage[];
  tools?: OpenRouterFunctionTool[];
  tool_choice?: OpenRouterToolChoice;
  response_format?: OpenRouterResponseFormat;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  seed?: number;
  reasoning?: { effort?: string; max_tokens?: number };
  user?: string;
  session_id?: string;
  provider?: OpenRouterProviderPreferences;
  plugins?: OpenRouterPlugin[];
  usage?: { include: boolean };
  stream?: false;
}

/** `ChatUsage`. */
export interface OpenRouterUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  cost?: number | null;
  cost_details?: { upstream_inference_cost?: number | null; upstream_inference_prompt_cost?: number; upstream_inference_completions_cost?: number } | null;
  is_byok?: boolean;
}

/** The error envelope every non-2xx answer carries (and, rarely, a 200 answer). */
export interface OpenRouterErrorBody {
  error: { code: number | string; message: string; metadata?: Record<string, unknown> | null };
}
