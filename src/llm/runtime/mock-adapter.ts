import { createHash } from 'node:crypto';
import type { AdapterContext, ProviderAdapter } from '../core/adapter-contract.js';
import type { ContentPart, FinishReason, ModelInfo, ProviderRequest, ProviderResponse, RuntimeWarning, ToolDefinition } from '../core/canonical-types.js';
import { LLM_ERROR_CODES, type LlmErrorCode, ProviderError } from '../core/runtime-errors.js';
import { bundledCatalog } from '../catalog/bundled-catalog.js';

export const MOCK_PROVIDER = 'mock';

/** Roughly four characters a token, rounded up: the mock's token count (deterministic, not a tokenizer). */
const tokens = (text: string) => Math.ceil(text.length / 4);
const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** A value for a JSON Schema: the first enum value, else one of the declared type (strings take `text`); objects fill their required properties (all of them when none is required). */
function exampleFor(schema: unknown, text: string, depth = 0): unknown {
  if (schema === null || typeof schema !== 'object' || depth > 4) return text;
  const node = schema as Record<string, unknown>;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [exampleFor(node.items, text, depth + 1)];
    case 'object':
      return exampleObject(node, text, depth);
    default:
      return node.properties !== undefined ? exampleObject(node, text, depth) : text;
  }
}

function exampleObject(node: Record<string, unknown>, text: string, depth: number): Record<string, unknown> {
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(node.required) ? (node.required as string[]) : Object.keys(properties);
  return Object.fromEntries(required.filter((name) => name in properties).map((name) => [name, exampleFor(properties[name], text, depth + 1)]));
}

function lastUserText(request: ProviderRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role !== 'user') continue;
    const text = message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(' ');
    if (text.length > 0) return text;
  }
  return '';
}

function promptText(request: ProviderRequest): string {
  const parts = request.messages.flatMap((message) =>
    message.content.map((part) => {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          return part.text;
        case 'tool-call':
          return `${part.name}${JSON.stringify(part.arguments)}`;
        case 'tool-result':
          return part.content;
        case 'image':
          return part.url.slice(0, 64);
      }
    }),
  );
  return parts.join('\n') + (request.tools === undefined ? '' : JSON.stringify(request.tools));
}

function chooseTool(request: ProviderRequest, tools: readonly ToolDefinition[]): ToolDefinition | undefined {
  const choice = request.toolChoice ?? 'auto';
  if (choice === 'none' || tools.length === 0) return undefined;
  // A turn that answers tool results gets text: the mock calls tools only on a user turn.
  if (request.messages.at(-1)?.role === 'tool') return undefined;
  if (typeof choice === 'object') return tools.find((tool) => tool.name === choice.name);
  return tools[0];
}

/**
 * The `mock` provider: answers deterministically without HTTP (never touches ctx.transport), for
 * the quickstart's default and for tests. Its models are the catalog's `mock` ones (mock-echo: tools,
 * images, JSON schema; mock-text: text only). What it answers:
 * - a turn whose last message holds tool results: the text `mock: tool results: <name> → <content>; …`;
 * - tools offered (and toolChoice not `none`): a call of the named tool, else the first one, with
 *   arguments filled from its JSON Schema (strings take the last user text);
 * - a JSON response format: a JSON object (from the schema, or `{"echo": …}`);
 * - otherwise `mock-echo: <last user text>`.
 * Usage counts a token per four characters; maxOutputTokens truncates (finish `length`), a stop
 * sequence cuts (finish `stop`). `providerOptions.mock.fail: "<LLM error code>"` makes it throw that
 * ProviderError (to exercise error paths); `providerOptions.mock.usage: "none"` makes it report no usage.
 */
export function createMockAdapter(): ProviderAdapter {
  return {
    id: MOCK_PROVIDER,
    capabilities: { tools: true, vision: true, jsonSchema: true, reasoning: false, reportsCost: false, discovery: true },
    async run(request: ProviderRequest, ctx: AdapterContext): Promise<ProviderResponse> {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      const options = request.providerOptions?.[MOCK_PROVIDER] ?? {};
      const known = mockModels();
      const model = known.find((candidate) => candidate.model === request.model.model);
      if (model === undefined) {
        throw new ProviderError({ code: 'NOT_FOUND', provider: MOCK_PROVIDER, status: 404, message: `mock: no model ${request.model.model} (it has ${known.map((m) => m.model).join(', ')})` });
      }
      if (typeof options.fail === 'string') {
        const code = (LLM_ERROR_CODES as readonly string[]).includes(options.fail) ? (options.fail as LlmErrorCode) : 'SERVER';
        throw new ProviderError({ code, provider: MOCK_PROVIDER, message: `mock: asked to fail with ${code}` });
      }
      const warnings: RuntimeWarning[] = [];
      let tools = request.tools ?? [];
      if (tools.length > 0 && !model.capabilities.tools) {
        warnings.push({ code: 'tools_unsupported', message: `mock/${model.model} takes no tools: ${tools.length} ignored` });
        tools = [];
      }
      if (!model.capabilities.vision && request.messages.some((message) => message.content.some((part) => part.type === 'image'))) {
        warnings.push({ code: 'images_unsupported', message: `mock/${model.model} takes no images: they are ignored` });
      }
      if (request.reasoning !== undefined) warnings.push({ code: 'reasoning_unsupported', message: 'the mock does not reason: the reasoning setting is ignored' });

      const userText = lastUserText(request);
      const content: ContentPart[] = [];
      let finish: FinishReason;
      const tool = chooseTool(request, tools);
      const last = request.messages.at(-1);
      if (tool !== undefined) {
        const args = exampleObject(tool.parameters, userText.slice(0, 200) || 'mock', 0);
        content.push({ type: 'tool-call', id: `call_${digest({ messages: request.messages, tool: tool.name }).slice(0, 24)}`, name: tool.name, arguments: args });
        finish = { unified: 'tool_calls', raw: 'tool_calls' };
      } else {
        let text: string;
        if (last?.role === 'tool') {
          text = `mock: tool results: ${last.content.map((part) => (part.type === 'tool-result' ? `${part.toolName ?? part.toolCallId} → ${part.content}` : '')).join('; ')}`;
        } else if (request.responseFormat?.type === 'json_schema') {
          text = JSON.stringify(exampleFor(request.responseFormat.schema, userText));
        } else if (request.responseFormat?.type === 'json_object') {
          text = JSON.stringify({ echo: userText });
        } else {
          text = `${model.model}: ${userText}`;
        }
        finish = { unified: 'stop', raw: 'stop' };
        for (const stop of request.stopSequences ?? []) {
          const at = text.indexOf(stop);
          if (at >= 0) text = text.slice(0, at);
        }
        const limit = Math.min(request.maxOutputTokens ?? Number.POSITIVE_INFINITY, model.maxOutputTokens ?? Number.POSITIVE_INFINITY);
        if (tokens(text) > limit) {
          text = text.slice(0, limit * 4);
          finish = { unified: 'length', raw: 'length' };
        }
        content.push({ type: 'text', text });
      }
      const inputTokens = tokens(promptText(request));
      const outputTokens = tokens(content.map((part) => (part.type === 'text' ? part.text : part.type === 'tool-call' ? `${part.name}${JSON.stringify(part.arguments)}` : '')).join(''));
      const usage =
        options.usage === 'none'
          ? { inputTokens: null, outputTokens: null, cachedInputTokens: null, reasoningTokens: null, totalTokens: null }
          : { inputTokens, outputTokens, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: inputTokens + outputTokens, raw: { mock: true } };
      return {
        model: request.model,
        responseModel: model.model,
        id: `mock-${digest(request).slice(0, 24)}`,
        output: { role: 'assistant', content },
        finishReason: finish,
        usage,
        cost: null,
        warnings,
      };
    },
    async discoverModels(ctx: AdapterContext): Promise<ModelInfo[]> {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      return mockModels().map((model) => ({ ...model, origin: 'remote' as const }));
    },
  };
}

let models: ModelInfo[] | undefined;

/** The mock's models, as the bundled catalog lists them (catalog-overrides.json adds them). */
function mockModels(): ModelInfo[] {
  models ??= bundledCatalog().models.filter((model) => model.provider === MOCK_PROVIDER);
  return models;
}
