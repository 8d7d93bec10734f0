import { z } from 'zod';

/**
 * The canonical language every LLM adapter translates to and from. Everything that crosses a
 * boundary (an adapter, the runtime, the HTTP API) has a zod schema here; the types are inferred
 * from them. Vendor shapes never leave an adapter except inside `raw` fields.
 */

/** The providers Hangar ships adapters for; an adapter registered under another id is allowed (ProviderIdSchema is open). */
export const KNOWN_LLM_PROVIDERS = ['openai', 'anthropic', 'openrouter', 'mock'] as const;
export const ProviderIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'provider ids are 1-32 lowercase letters, digits and hyphens');
export type ProviderId = z.infer<typeof ProviderIdSchema>;

/** A model at a provider: `{provider: "anthropic", model: "claude-sonnet-4-5"}`. */
export const ModelRefSchema = z.object({ provider: ProviderIdSchema, model: z.string().min(1).max(200) }).strict();
export type ModelRef = z.infer<typeof ModelRefSchema>;

export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export const MessageRoleSchema = z.enum(MESSAGE_ROLES);
export type MessageRole = z.infer<typeof MessageRoleSchema>;

export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() }).strict();
/** An image by URL (https: or data:) with its media type when known. */
export const ImagePartSchema = z.object({ type: z.literal('image'), url: z.string().min(1), mediaType: z.string().optional() }).strict();
/** The assistant asking for a tool; `arguments` is the parsed JSON object (the vendor's raw string is kept in `rawArguments` when it was not valid JSON). */
export const ToolCallPartSchema = z
  .object({
    type: z.literal('tool-call'),
    id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.record(z.string(), z.unknown()),
    rawArguments: z.string().optional(),
  })
  .strict();
/** The result of a tool call, paired with it by `toolCallId`. */
export const ToolResultPartSchema = z
  .object({
    type: z.literal('tool-result'),
    toolCallId: z.string().min(1),
    toolName: z.string().optional(),
    content: z.string(),
    isError: z.boolean().optional(),
  })
  .strict();
/** Model reasoning (Anthropic thinking, OpenAI reasoning summaries); `signature` carries what the vendor needs to accept it back. */
export const ReasoningPartSchema = z
  .object({ type: z.literal('reasoning'), text: z.string(), signature: z.string().optional(), redacted: z.boolean().optional() })
  .strict();

export const ContentPartSchema = z.discriminatedUnion('type', [TextPartSchema, ImagePartSchema, ToolCallPartSchema, ToolResultPartSchema, ReasoningPartSchema]);
export type ContentPart = z.infer<typeof ContentPartSchema>;
export type TextPart = z.infer<typeof TextPartSchema>;
export type ImagePart = z.infer<typeof ImagePartSchema>;
export type ToolCall = z.infer<typeof ToolCallPartSchema>;
export type ToolResult = z.infer<typeof ToolResultPartSchema>;
export type ReasoningPart = z.infer<typeof ReasoningPartSchema>;

/**
 * One message. Roles and the parts they may hold: system (text), user (text, image), assistant
 * (text, tool-call, reasoning), tool (tool-result).
 */
export const MessageSchema = z
  .object({ role: MessageRoleSchema, content: z.array(ContentPartSchema).min(1) })
  .strict()
  .superRefine((message, ctx) => {
    const allowed: Record<MessageRole, readonly ContentPart['type'][]> = {
      system: ['text'],
      user: ['text', 'image'],
      assistant: ['text', 'tool-call', 'reasoning'],
      tool: ['tool-result'],
    };
    message.content.forEach((part, index) => {
      if (!allowed[message.role].includes(part.type)) {
        ctx.addIssue({ code: 'custom', path: ['content', index, 'type'], message: `a ${message.role} message cannot hold a ${part.type} part` });
      }
    });
  });
export type Message = z.infer<typeof MessageSchema>;

/** A tool the model may call; `parameters` is a JSON Schema object. */
export const ToolDefinitionSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ and -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

export const ToolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('tool'), name: z.string().min(1) }).strict()]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).strict(),
  z.object({ type: z.literal('json_object') }).strict(),
  z
    .object({ type: z.literal('json_schema'), name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/), schema: z.record(z.string(), z.unknown()), strict: z.boolean().optional() })
    .strict(),
]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;

/** What a caller asks of a model: the conversation and the generation settings. */
export const ProviderRequestSchema = z
  .object({
    model: ModelRefSchema,
    messages: z.array(MessageSchema).min(1),
    tools: z.array(ToolDefinitionSchema).optional(),
    toolChoice: ToolChoiceSchema.optional(),
    responseFormat: ResponseFormatSchema.optional(),
    /** Output tokens at most; an adapter whose vendor requires it (Anthropic) uses the model's default when absent and says so. */
    maxOutputTokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    stopSequences: z.array(z.string().min(1)).max(16).optional(),
    /** Reasoning: an effort (OpenAI), or a token budget (Anthropic thinking); adapters map one to the other and warn. */
    reasoning: z.object({ effort: z.enum(REASONING_EFFORTS).optional(), budgetTokens: z.number().int().positive().optional() }).strict().optional(),
    seed: z.number().int().optional(),
    /** Caller metadata (e.g. an end-user id); adapters pass what their vendor accepts. */
    user: z.string().max(256).optional(),
    /** Per-vendor extras an adapter understands (e.g. `openrouter: {provider: {order: [...]}}`), keyed by provider id. */
    providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict();
export type ProviderRequest = z.infer<typeof ProviderRequestSchema>;

export const UNIFIED_FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'error', 'other'] as const;
/** Why generation stopped: unified, and the vendor's own word. */
export const FinishReasonSchema = z.object({ unified: z.enum(UNIFIED_FINISH_REASONS), raw: z.string().nullable() }).strict();
export type FinishReason = z.infer<typeof FinishReasonSchema>;

/** Token counts; each null when the vendor does not say (never a made-up 0). */
export const UsageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative().nullable(),
    outputTokens: z.number().int().nonnegative().nullable(),
    cachedInputTokens: z.number().int().nonnegative().nullable(),
    reasoningTokens: z.number().int().nonnegative().nullable(),
    totalTokens: z.number().int().nonnegative().nullable(),
    /** The vendor's usage object, verbatim. */
    raw: z.unknown().optional(),
  })
  .strict();
export type Usage = z.infer<typeof UsageSchema>;

export const PRICING_SOURCES = ['catalog', 'config', 'vendor', 'none'] as const;
/** Where a price came from: the bundled catalog, an operator's rule, the vendor's own answer (OpenRouter cost), or nowhere. */
export const PricingSourceSchema = z.object({ kind: z.enum(PRICING_SOURCES), detail: z.string() }).strict();
export type PricingSource = z.infer<typeof PricingSourceSchema>;

/** USD. Each part null when its price or its usage is unknown; `total` null when any part that had tokens is unknown. */
export const CostBreakdownSchema = z
  .object({
    input: z.number().nonnegative().nullable(),
    output: z.number().nonnegative().nullable(),
    cachedInput: z.number().nonnegative().nullable(),
    reasoning: z.number().nonnegative().nullable(),
    total: z.number().nonnegative().nullable(),
    currency: z.literal('USD'),
    source: PricingSourceSchema,
  })
  .strict();
export type CostBreakdown = z.infer<typeof CostBreakdownSchema>;

/** Something the adapter or runtime changed or could not honour (a clamp, a dropped setting): said, never silent. */
export const RuntimeWarningSchema = z.object({ code: z.string().min(1), message: z.string() }).strict();
export type RuntimeWarning = z.infer<typeof RuntimeWarningSchema>;

/** What the model produced: the assistant message's parts (text, tool calls, reasoning). */
export const AssistantOutputSchema = z.object({ role: z.literal('assistant'), content: z.array(ContentPartSchema) }).strict();
export type AssistantOutput = z.infer<typeof AssistantOutputSchema>;

export const ProviderResponseSchema = z
  .object({
    model: ModelRefSchema,
    /** The model id the vendor says answered (may be a dated snapshot of the requested alias). */
    responseModel: z.string().nullable(),
    /** The vendor's response id, when it gives one. */
    id: z.string().nullable(),
    output: AssistantOutputSchema,
    finishReason: FinishReasonSchema,
    usage: UsageSchema,
    /** Filled by the runtime (pricing); adapters leave it null unless the vendor priced the call itself. */
    cost: CostBreakdownSchema.nullable(),
    warnings: z.array(RuntimeWarningSchema),
    /** The vendor's response body, verbatim (for debugging; never routed on). */
    raw: z.unknown().optional(),
  })
  .strict();
export type ProviderResponse = z.infer<typeof ProviderResponseSchema>;

/** Per-million-token USD prices; null where the source has none. */
export const ModelPricesSchema = z
  .object({
    inputPerMillion: z.number().nonnegative().nullable(),
    outputPerMillion: z.number().nonnegative().nullable(),
    cachedInputPerMillion: z.number().nonnegative().nullable(),
    reasoningPerMillion: z.number().nonnegative().nullable(),
  })
  .strict();
export type ModelPrices = z.infer<typeof ModelPricesSchema>;

export const ModelCapabilitiesSchema = z
  .object({ tools: z.boolean(), vision: z.boolean(), jsonSchema: z.boolean(), reasoning: z.boolean() })
  .strict();
export type ModelCapabilities = z.infer<typeof ModelCapabilitiesSchema>;

/** Where a catalog figure came from (a data package and its version, Hangar's overrides, a vendor's /models) and when. */
export const FigureSourceSchema = z.object({ source: z.string().min(1), asOf: z.string().min(1) }).strict();

export const ModelInfoSchema = z
  .object({
    provider: ProviderIdSchema,
    model: z.string().min(1),
    displayName: z.string().nullable(),
    contextWindow: z.number().int().positive().nullable(),
    maxOutputTokens: z.number().int().positive().nullable(),
    capabilities: ModelCapabilitiesSchema,
    prices: ModelPricesSchema,
    /** The source of each group of figures. */
    sources: z.object({ limits: FigureSourceSchema.nullable(), capabilities: FigureSourceSchema.nullable(), prices: FigureSourceSchema.nullable() }).strict(),
    /** `static`: the bundled catalog (with overrides); `remote`: only a vendor's /models knows it. */
    origin: z.enum(['static', 'remote']),
  })
  .strict();
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const ModelCatalogSchema = z.object({ models: z.array(ModelInfoSchema), sources: z.record(z.string(), z.string()) }).strict();
export type ModelCatalog = z.infer<typeof ModelCatalogSchema>;

export const DiscoveryOptionsSchema = z
  .object({
    /** Ask the vendors' /models (default false: the bundled catalog only, no network). */
    remote: z.boolean().default(false),
    providers: z.array(ProviderIdSchema).optional(),
  })
  .strict();
export type DiscoveryOptions = z.infer<typeof DiscoveryOptionsSchema>;

/** What an adapter can do at all (a model may do less: ModelInfo.capabilities). */
export const ProviderCapabilitiesSchema = z
  .object({
    tools: z.boolean(),
    vision: z.boolean(),
    jsonSchema: z.boolean(),
    reasoning: z.boolean(),
    /** The vendor reports the call's cost itself (OpenRouter usage accounting). */
    reportsCost: z.boolean(),
    discovery: z.boolean(),
  })
  .strict();
export type ProviderCapabilities = z.infer<typeof ProviderCapabilitiesSchema>;
