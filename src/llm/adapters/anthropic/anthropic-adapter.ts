import type { AdapterContext, ProviderAdapter } from '../../core/adapter-contract.js';
import type { ModelInfo, ProviderCapabilities, ProviderRequest, ProviderResponse } from '../../core/canonical-types.js';
import { ConfigError, ProviderError } from '../../core/runtime-errors.js';
import { decodeAnthropicResponse } from './anthropic-decoder.js';
import { encodeAnthropicRequest } from './anthropic-encoder.js';
import { decodeAnthropicError } from './anthropic-errors.js';
import { anthropicModelInfo, readAnthropicModelPage } from './anthropic-model-list.js';
import { ANTHROPIC_DEFAULT_BASE_URL, ANTHROPIC_VERSION } from './anthropic-wire-types.js';

export interface AnthropicAdapterOptions {
  /** The server root (paths are `/v1/...`); the context's `baseUrl` wins over it. Default https://api.anthropic.com. */
  readonly baseUrl?: string;
}

export const ANTHROPIC_CAPABILITIES: ProviderCapabilities = {
  tools: true,
  vision: true,
  // Emulated through a forced stand-in tool (see anthropic-encoder.ts), said with a warning per call.
  jsonSchema: true,
  reasoning: true,
  reportsCost: false,
  discovery: true,
};

/** The most a model list may page before the adapter calls it unreadable (1000 a page: a million models). */
const MAX_MODEL_PAGES = 1000;

/**
 * The Anthropic Messages API (`anthropic-version: 2023-06-01`, key in `x-api-key`): `run` sends one
 * `POST /v1/messages` through the context's transport (which owns retries), `discoverModels` reads
 * every page of `GET /v1/models`.
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly id = 'anthropic';
  readonly capabilities = ANTHROPIC_CAPABILITIES;

  constructor(private readonly options: AnthropicAdapterOptions = {}) {}

  async run(request: ProviderRequest, ctx: AdapterContext): Promise<ProviderResponse> {
    const encoded = encodeAnthropicRequest(request);
    const response = await ctx.transport.send(
      { method: 'POST', url: `${this.root(ctx)}/v1/messages`, headers: await this.headers(ctx), body: encoded.body },
      decodeAnthropicError,
      ctx.signal,
    );
    return decodeAnthropicResponse(response.body, { model: request.model, jsonTool: encoded.jsonTool, warnings: encoded.warnings });
  }

  async discoverModels(ctx: AdapterContext): Promise<ModelInfo[]> {
    const asOf = new Date((ctx.now ?? Date.now)()).toISOString();
    const headers = await this.headers(ctx);
    const models: ModelInfo[] = [];
    const seen = new Set<string>();
    let afterId: string | null = null;
    for (let page = 0; page < MAX_MODEL_PAGES; page += 1) {
      const query: string = afterId === null ? 'limit=1000' : `limit=1000&after_id=${encodeURIComponent(afterId)}`;
      const response = await ctx.transport.send({ method: 'GET', url: `${this.root(ctx)}/v1/models?${query}`, headers }, decodeAnthropicError, ctx.signal);
      const read = readAnthropicModelPage(response.body);
      for (const entry of read.models) {
        if (seen.has(entry.id)) continue;
        seen.add(entry.id);
        models.push(anthropicModelInfo(entry, asOf));
      }
      if (read.nextAfterId === null) return models;
      if (read.nextAfterId === afterId) throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'anthropic', message: 'anthropic: the model list repeats the same page', raw: response.body });
      afterId = read.nextAfterId;
    }
    throw new ProviderError({ code: 'BAD_RESPONSE', provider: 'anthropic', message: `anthropic: the model list runs past ${MAX_MODEL_PAGES} pages` });
  }

  private root(ctx: AdapterContext): string {
    return (ctx.baseUrl ?? this.options.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  private async headers(ctx: AdapterContext): Promise<Record<string, string>> {
    const key = await ctx.token('anthropic');
    // Sent, an empty key is a 401 that reads like a wrong key; it is a setup mistake, said before any request.
    if (key === '') throw new ConfigError('anthropic: the token provider gave an empty API key');
    return { 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION };
  }
}

export function createAnthropicAdapter(options: AnthropicAdapterOptions = {}): AnthropicAdapter {
  return new AnthropicAdapter(options);
}

/** The adapter with its defaults (https://api.anthropic.com unless the context names another root). */
export const anthropicAdapter: AnthropicAdapter = createAnthropicAdapter();
