import type { AdapterContext, ProviderAdapter } from '../../core/adapter-contract.js';
import type { ModelInfo, ProviderCapabilities, ProviderRequest, ProviderResponse } from '../../core/canonical-types.js';
import { ConfigError, ProviderError, RoutingError } from '../../core/runtime-errors.js';
import { decodeOpenRouterResponse } from './openrouter-decoder.js';
import { encodeOpenRouterRequest } from './openrouter-encoder.js';
import { decodeOpenRouterError } from './openrouter-errors.js';
import { decodeOpenRouterModels } from './openrouter-models.js';

export const OPENROUTER_DEFAULT_BASE_URL = 'https://openrouter.ai';
const CHAT_PATH = '/api/v1/chat/completions';
const MODELS_PATH = '/api/v1/models';
/** The model list is one page today; a vendor that paginates is followed this far at most. */
const MAX_MODEL_PAGES = 20;

export const OPENROUTER_CAPABILITIES: ProviderCapabilities = { tools: true, vision: true, jsonSchema: true, reasoning: true, reportsCost: true, discovery: true };

function baseUrlOf(ctx: AdapterContext): string {
  return (ctx.baseUrl ?? OPENROUTER_DEFAULT_BASE_URL).replace(/\/+$/, '');
}

async function authorization(ctx: AdapterContext): Promise<string> {
  const token = await ctx.token('openrouter');
  if (typeof token !== 'string' || token === '') throw new ConfigError('openrouter: no API key (the token provider gave none)');
  return `Bearer ${token}`;
}

/**
 * OpenRouter (`https://openrouter.ai/api/v1`): chat completions in OpenAI's shape plus OpenRouter's
 * routing (provider preferences, fallback models), unified reasoning and usage accounting (the
 * answer carries its cost). Models are OpenRouter ids, `{provider: "openrouter", model:
 * "anthropic/claude-sonnet-4.5"}`. Retries belong to the transport; this only describes requests
 * and reads answers.
 */
export class OpenRouterAdapter implements ProviderAdapter {
  readonly id = 'openrouter';
  readonly capabilities = OPENROUTER_CAPABILITIES;

  async run(request: ProviderRequest, ctx: AdapterContext): Promise<ProviderResponse> {
    if (request.model.provider !== this.id) throw new RoutingError(`the openrouter adapter cannot run a request for provider "${request.model.provider}"`);
    const encoded = encodeOpenRouterRequest(request);
    const response = await ctx.transport.send(
      { method: 'POST', url: `${baseUrlOf(ctx)}${CHAT_PATH}`, headers: { ...encoded.headers, authorization: await authorization(ctx) }, body: encoded.body },
      decodeOpenRouterError,
      ctx.signal,
    );
    return decodeOpenRouterResponse(response.body, { model: request.model, warnings: encoded.warnings });
  }

  async discoverModels(ctx: AdapterContext): Promise<ModelInfo[]> {
    const base = baseUrlOf(ctx);
    const asOf = new Date((ctx.now ?? Date.now)()).toISOString();
    const headers = { authorization: await authorization(ctx) };
    const models: ModelInfo[] = [];
    const seen = new Set<string>();
    let url: string | null = `${base}${MODELS_PATH}`;
    for (let page = 0; url !== null; page += 1) {
      if (page === MAX_MODEL_PAGES) {
        throw new ProviderError({ code: 'BAD_RESPONSE', provider: this.id, message: `openrouter: the model list did not end within ${MAX_MODEL_PAGES} pages` });
      }
      const response = await ctx.transport.send({ method: 'GET', url, headers }, decodeOpenRouterError, ctx.signal);
      const decoded = decodeOpenRouterModels(response.body, asOf);
      for (const model of decoded.models) {
        if (seen.has(model.model)) continue;
        seen.add(model.model);
        models.push(model);
      }
      // `links.next` is a path on the same server ("/api/v1/models?offset=500&limit=500"); never follow it elsewhere.
      const next: URL | null = decoded.next === null ? null : new URL(decoded.next, `${base}/`);
      url = next !== null && next.origin === new URL(base).origin ? next.href : null;
    }
    return models;
  }
}

export function createOpenRouterAdapter(): OpenRouterAdapter {
  return new OpenRouterAdapter();
}
