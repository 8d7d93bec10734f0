/**
 * The emulated model list: a dozen models from several vendors, each with the upstream providers
 * (endpoints) OpenRouter routes it to. Entries follow the document's `Model` schema (plus
 * `description`, which the live list carries and the schema leaves open). Prices are USD per token
 * as decimal strings, as OpenRouter sends them; the odd entries the real list has are here too: the
 * `:free` variant priced "0", the `openrouter/auto` router priced "-1" (variable: the price is that
 * of the model it picks), a model with an expiration date.
 */

/** How an upstream names its finish reasons (`native_finish_reason`). */
export type FinishDialect = 'openai' | 'anthropic' | 'google';

export interface EmulatedEndpoint {
  /** The provider's display name (`ProviderName`), as `order`/`only`/`ignore` and the answer's `provider` name it. */
  readonly name: string;
  /** True when the provider may store and train on prompts (`data_collection: "deny"` excludes it). */
  readonly collectsData: boolean;
  readonly zdr: boolean;
  readonly quantization: string;
  /** Parameters of the model this provider does not take (`require_parameters: true` routes around it). */
  readonly unsupported: readonly string[];
}

export interface EmulatedModel {
  readonly id: string;
  /** The `GET /api/v1/models` entry, verbatim. */
  readonly entry: Readonly<Record<string, unknown>> & {
    readonly pricing: Readonly<Record<string, string>>;
    readonly context_length: number | null;
    readonly supported_parameters: readonly string[];
    readonly top_provider: { readonly context_length: number | null; readonly is_moderated: boolean; readonly max_completion_tokens: number | null };
  };
  readonly endpoints: readonly EmulatedEndpoint[];
  readonly dialect: FinishDialect;
}

const OPENAI_PARAMETERS = ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'frequency_penalty', 'presence_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'response_format', 'structured_outputs', 'tools', 'tool_choice', 'parallel_tool_calls'];
const ANTHROPIC_PARAMETERS = ['max_tokens', 'temperature', 'top_p', 'top_k', 'stop', 'tools', 'tool_choice', 'reasoning', 'include_reasoning', 'response_format', 'structured_outputs'];
const OPEN_WEIGHT_PARAMETERS = ['max_tokens', 'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty', 'frequency_penalty', 'presence_penalty', 'stop', 'seed', 'response_format', 'structured_outputs', 'tools', 'tool_choice'];

const endpoint = (name: string, fields: Partial<Omit<EmulatedEndpoint, 'name'>> = {}): EmulatedEndpoint => ({
  name,
  collectsData: fields.collectsData ?? false,
  zdr: fields.zdr ?? false,
  quantization: fields.quantization ?? 'unknown',
  unsupported: fields.unsupported ?? [],
});

interface ModelSpec {
  id: string;
  canonical: string;
  name: string;
  created: number;
  description: string;
  pricing: Record<string, string>;
  context: number | null;
  maxCompletion: number | null;
  inputs: string[];
  outputs?: string[];
  tokenizer: string;
  instruct: string | null;
  parameters: string[];
  moderated: boolean;
  reasoning?: Record<string, unknown>;
  huggingFace?: string;
  expiration?: string;
  defaults?: Record<string, number>;
  endpoints: EmulatedEndpoint[];
  dialect: FinishDialect;
}

function model(spec: ModelSpec): EmulatedModel {
  const outputs = spec.outputs ?? ['text'];
  const entry = {
    id: spec.id,
    canonical_slug: spec.canonical,
    ...(spec.huggingFace !== undefined && { hugging_face_id: spec.huggingFace }),
    name: spec.name,
    created: spec.created,
    description: spec.description,
    context_length: spec.context,
    architecture: { modality: `${spec.inputs.join('+')}->${outputs.join('+')}`, input_modalities: spec.inputs, output_modalities: outputs, tokenizer: spec.tokenizer, instruct_type: spec.instruct },
    pricing: spec.pricing,
    top_provider: { context_length: spec.context, max_completion_tokens: spec.maxCompletion, is_moderated: spec.moderated },
    per_request_limits: null,
    supported_parameters: spec.parameters,
    default_parameters: spec.defaults ?? null,
    supported_voices: null,
    ...(spec.reasoning !== undefined && { reasoning: spec.reasoning }),
    expiration_date: spec.expiration ?? null,
    links: { details: `/api/v1/models/${spec.id}/endpoints` },
  };
  return { id: spec.id, entry, endpoints: spec.endpoints, dialect: spec.dialect };
}

export const OPENROUTER_CATALOG: readonly EmulatedModel[] = [
  model({
    id: 'openai/gpt-4o',
    canonical: 'openai/gpt-4o',
    name: 'OpenAI: GPT-4o',
    created: 1715367049,
    description: "GPT-4o is OpenAI's multimodal flagship: text and image in, text out.",
    pricing: { prompt: '0.0000025', completion: '0.00001', request: '0', image: '0.003613', web_search: '0', internal_reasoning: '0', input_cache_read: '0.00000125' },
    context: 128000,
    maxCompletion: 16384,
    inputs: ['text', 'image', 'file'],
    tokenizer: 'GPT',
    instruct: null,
    parameters: OPENAI_PARAMETERS,
    moderated: true,
    endpoints: [endpoint('OpenAI'), endpoint('Azure', { zdr: true })],
    dialect: 'openai',
  }),
  model({
    id: 'openai/gpt-4o-mini',
    canonical: 'openai/gpt-4o-mini',
    name: 'OpenAI: GPT-4o-mini',
    created: 1721260800,
    description: "GPT-4o mini is OpenAI's small, fast multimodal model.",
    pricing: { prompt: '0.00000015', completion: '0.0000006', request: '0', image: '0.000217', web_search: '0', internal_reasoning: '0', input_cache_read: '0.000000075' },
    context: 128000,
    maxCompletion: 16384,
    inputs: ['text', 'image', 'file'],
    tokenizer: 'GPT',
    instruct: null,
    parameters: OPENAI_PARAMETERS,
    moderated: true,
    endpoints: [endpoint('OpenAI'), endpoint('Azure', { zdr: true })],
    dialect: 'openai',
  }),
  model({
    id: 'openai/o3-mini',
    canonical: 'openai/o3-mini-2025-01-31',
    name: 'OpenAI: o3 Mini',
    created: 1738351721,
    description: 'A cost-efficient reasoning model; it always reasons, and keeps its reasoning to itself (summaries only).',
    pricing: { prompt: '0.0000011', completion: '0.0000044', request: '0', image: '0', web_search: '0', internal_reasoning: '0', input_cache_read: '0.00000055' },
    context: 200000,
    maxCompletion: 100000,
    inputs: ['text', 'file'],
    tokenizer: 'GPT',
    instruct: null,
    parameters: ['max_tokens', 'seed', 'response_format', 'structured_outputs', 'tools', 'tool_choice', 'reasoning', 'include_reasoning'],
    moderated: true,
    reasoning: { mandatory: true, default_enabled: true, default_effort: 'medium', supported_efforts: ['high', 'medium', 'low'] },
    endpoints: [endpoint('OpenAI')],
    dialect: 'openai',
  }),
  model({
    id: 'anthropic/claude-sonnet-4.5',
    canonical: 'anthropic/claude-4.5-sonnet-20250929',
    name: 'Anthropic: Claude Sonnet 4.5',
    created: 1759161676,
    description: "Claude Sonnet 4.5 is Anthropic's model for coding and agents, with extended thinking.",
    pricing: { prompt: '0.000003', completion: '0.000015', request: '0', image: '0.0048', web_search: '0.01', internal_reasoning: '0', input_cache_read: '0.0000003', input_cache_write: '0.00000375' },
    context: 1000000,
    maxCompletion: 64000,
    inputs: ['text', 'image', 'file'],
    tokenizer: 'Claude',
    instruct: null,
    parameters: ANTHROPIC_PARAMETERS,
    moderated: true,
    reasoning: { mandatory: false, default_enabled: false, supports_max_tokens: true },
    endpoints: [endpoint('Anthropic'), endpoint('Amazon Bedrock', { zdr: true }), endpoint('Google', { zdr: true, unsupported: ['structured_outputs'] })],
    dialect: 'anthropic',
  }),
  model({
    id: 'anthropic/claude-3.5-haiku',
    canonical: 'anthropic/claude-3-5-haiku',
    name: 'Anthropic: Claude 3.5 Haiku',
    created: 1730678400,
    description: "Anthropic's fastest model of its generation.",
    pricing: { prompt: '0.0000008', completion: '0.000004', request: '0', image: '0', web_search: '0', internal_reasoning: '0', input_cache_read: '0.00000008', input_cache_write: '0.000001' },
    context: 200000,
    maxCompletion: 8192,
    inputs: ['text', 'image'],
    tokenizer: 'Claude',
    instruct: null,
    parameters: ['max_tokens', 'temperature', 'top_p', 'top_k', 'stop', 'tools', 'tool_choice'],
    moderated: true,
    endpoints: [endpoint('Anthropic'), endpoint('Amazon Bedrock', { zdr: true })],
    dialect: 'anthropic',
  }),
  model({
    id: 'google/gemini-2.5-flash',
    canonical: 'google/gemini-2.5-flash',
    name: 'Google: Gemini 2.5 Flash',
    created: 1750172488,
    description: "Google's workhorse model, with built-in thinking.",
    pricing: { prompt: '0.0000003', completion: '0.0000025', request: '0', image: '0.001238', web_search: '0', internal_reasoning: '0', input_cache_read: '0.000000075', input_cache_write: '0.0000003833' },
    context: 1048576,
    maxCompletion: 65535,
    inputs: ['text', 'image', 'file', 'audio', 'video'],
    tokenizer: 'Gemini',
    instruct: null,
    parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'response_format', 'structured_outputs', 'tools', 'tool_choice', 'reasoning', 'include_reasoning'],
    moderated: false,
    reasoning: { mandatory: false, default_enabled: true, supports_max_tokens: true },
    endpoints: [endpoint('Google AI Studio', { collectsData: true }), endpoint('Google', { zdr: true })],
    dialect: 'google',
  }),
  model({
    id: 'meta-llama/llama-3.3-70b-instruct',
    canonical: 'meta-llama/llama-3.3-70b-instruct',
    huggingFace: 'meta-llama/Llama-3.3-70B-Instruct',
    name: 'Meta: Llama 3.3 70B Instruct',
    created: 1733506137,
    description: 'A multilingual 70B instruction-tuned model, served by several open-weight hosts.',
    pricing: { prompt: '0.00000013', completion: '0.0000004', request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
    context: 131072,
    maxCompletion: 16384,
    inputs: ['text'],
    tokenizer: 'Llama3',
    instruct: 'llama3',
    parameters: OPEN_WEIGHT_PARAMETERS,
    moderated: false,
    defaults: { temperature: 0.6, top_p: 0.9 },
    endpoints: [
      endpoint('DeepInfra', { quantization: 'fp8' }),
      endpoint('Together', { quantization: 'fp8', unsupported: ['structured_outputs', 'min_p'] }),
      endpoint('Groq', { quantization: 'fp16', unsupported: ['structured_outputs', 'seed', 'min_p', 'repetition_penalty'] }),
      endpoint('Novita', { collectsData: true, quantization: 'bf16' }),
    ],
    dialect: 'openai',
  }),
  model({
    id: 'meta-llama/llama-3.3-70b-instruct:free',
    canonical: 'meta-llama/llama-3.3-70b-instruct',
    huggingFace: 'meta-llama/Llama-3.3-70B-Instruct',
    name: 'Meta: Llama 3.3 70B Instruct (free)',
    created: 1733506137,
    description: 'The free variant: rate limited, and its provider may train on your prompts.',
    pricing: { prompt: '0', completion: '0', request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
    context: 65536,
    maxCompletion: 8192,
    inputs: ['text'],
    tokenizer: 'Llama3',
    instruct: 'llama3',
    parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'tools', 'tool_choice'],
    moderated: false,
    endpoints: [endpoint('Venice', { collectsData: true, quantization: 'fp8' })],
    dialect: 'openai',
  }),
  model({
    id: 'deepseek/deepseek-r1',
    canonical: 'deepseek/deepseek-r1',
    huggingFace: 'deepseek-ai/DeepSeek-R1',
    name: 'DeepSeek: R1',
    created: 1737381095,
    description: 'An open reasoning model: it always thinks, and shows its thinking.',
    pricing: { prompt: '0.0000004', completion: '0.000002', request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
    context: 163840,
    maxCompletion: 163840,
    inputs: ['text'],
    tokenizer: 'DeepSeek',
    instruct: 'deepseek-r1',
    parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'reasoning', 'include_reasoning', 'response_format'],
    moderated: false,
    reasoning: { mandatory: true, default_enabled: true },
    endpoints: [endpoint('DeepSeek', { collectsData: true, quantization: 'fp8' }), endpoint('Fireworks', { quantization: 'fp8', unsupported: ['seed'] }), endpoint('Together', { quantization: 'fp8' })],
    dialect: 'openai',
  }),
  model({
    id: 'mistralai/mistral-small-3.2-24b-instruct',
    canonical: 'mistralai/mistral-small-3.2-24b-instruct-2506',
    huggingFace: 'mistralai/Mistral-Small-3.2-24B-Instruct-2506',
    name: 'Mistral: Mistral Small 3.2 24B',
    created: 1750443016,
    description: "Mistral's small open model, tuned for instruction following and function calling.",
    pricing: { prompt: '0.00000005', completion: '0.0000001', request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
    context: 131072,
    maxCompletion: 131072,
    inputs: ['text', 'image'],
    tokenizer: 'Mistral',
    instruct: null,
    parameters: OPEN_WEIGHT_PARAMETERS,
    moderated: false,
    endpoints: [endpoint('Mistral', { collectsData: true }), endpoint('DeepInfra', { quantization: 'bf16' })],
    dialect: 'openai',
  }),
  model({
    id: 'mistralai/mistral-7b-instruct',
    canonical: 'mistralai/mistral-7b-instruct',
    huggingFace: 'mistralai/Mistral-7B-Instruct-v0.3',
    name: 'Mistral: Mistral 7B Instruct',
    created: 1716768000,
    description: 'An older small model, scheduled for removal.',
    pricing: { prompt: '0.000000028', completion: '0.000000054', request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
    context: 32768,
    maxCompletion: null,
    inputs: ['text'],
    tokenizer: 'Mistral',
    instruct: 'mistral',
    parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'frequency_penalty', 'presence_penalty', 'repetition_penalty', 'top_k'],
    moderated: false,
    expiration: '2026-12-01',
    endpoints: [endpoint('DeepInfra', { quantization: 'bf16' })],
    dialect: 'openai',
  }),
  model({
    id: 'openrouter/auto',
    canonical: 'openrouter/auto',
    name: 'Auto Router',
    created: 1699401600,
    description: 'Picks a model for each prompt; the answer names the model that served it. The price is that model\'s, hence -1.',
    pricing: { prompt: '-1', completion: '-1' },
    context: 2000000,
    maxCompletion: null,
    inputs: ['text', 'image'],
    tokenizer: 'Router',
    instruct: null,
    parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'response_format', 'structured_outputs', 'tools', 'tool_choice'],
    moderated: false,
    endpoints: [],
    dialect: 'openai',
  }),
];

/** The models `openrouter/auto` picks among (by a seeded draw on the prompt). */
export const AUTO_ROUTER_CHOICES = ['openai/gpt-4o-mini', 'anthropic/claude-3.5-haiku', 'meta-llama/llama-3.3-70b-instruct'] as const;

/** Every upstream provider name the catalog uses. */
export function upstreamNames(catalog: readonly EmulatedModel[]): string[] {
  return [...new Set(catalog.flatMap((entry) => entry.endpoints.map((candidate) => candidate.name)))].sort();
}
