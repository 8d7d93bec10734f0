import type { AdapterContext, HttpJsonRequest, ProviderAdapter } from '../../core/adapter-contract.js';
import type { ModelInfo, ProviderCapabilities, ProviderRequest, ProviderResponse } from '../../core/canonical-types.js';
import { ConfigError, ProviderError } from '../../core/runtime-errors.js';
import { decodeOpenAiResponse } from './openai-decoder.js';
import { encodeOpenAiRequest } from './openai-encoder.js';
import { decodeOpenAiError, redactToken } from './openai-errors.js';
import { decodeOpenAiModels } from './openai-models.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com';

export const OPENAI_CAPABILITIES: ProviderCapabilities = { tools: true, vision: true, jsonSchema: true, reasoning: true, reportsCost: false, discovery: true };

export interface OpenAiAdapterOptions {
  /**
   * The provider id the adapter registers under (default `openai`). Another id serves an
   * OpenAI-compatible server (a LiteLLM proxy, vLLM, a company gateway) beside OpenAI itself: its
   * token is asked for under that id, and its errors and discovered models carry it.
   */
  readonly id?: string;
  /** The server root when the context names none (default https://api.openai.com; paths are /v1/...). */
  readonly baseUrl?: string;
  /** Sent as `OpenAI-Organization` / `OpenAI-Project` when set. */
  readonly organization?: string;
  readonly project?: string;
}

/**
 * The OpenAI adapter: Chat Completions (`POST /v1/chat/completions`) and the model list
 * (`GET /v1/models`), Bearer auth with `ctx.token('openai')`. It never retries: the context's
 * transport does, from what `decodeOpenAiError` says about each failure.
 */
export function createOpenAiAdapter(options: OpenAiAdapterOptions = {}): ProviderAdapter {
  const id = options.id ?? 'openai';
  // The decoders speak for `openai`; an adapter under another id says its own name.
  const relabel = (error: unknown): unknown =>
    id !== 'openai' && error instanceof ProviderError && error.provider === 'openai'
      ? new ProviderError({
          code: error.code,
          provider: id,
          message: error.message.replace(/^openai:/, `${id}:`),
          ...(error.status !== undefined && { status: error.status }),
          ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
          raw: error.raw,
          cause: error,
        })
      : error;
  const rootOf = (ctx: AdapterContext) => (ctx.baseUrl ?? options.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');

  async function send(ctx: AdapterContext, method: 'GET' | 'POST', path: string, body?: unknown) {
    const token = await ctx.token(id);
    if (typeof token !== 'string' || token === '') throw new ConfigError(`${id}: no API key (the token provider gave none for ${id})`);
    const request: HttpJsonRequest = {
      method,
      url: `${rootOf(ctx)}${path}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.organization !== undefined && { 'openai-organization': options.organization }),
        ...(options.project !== undefined && { 'openai-project': options.project }),
      },
      ...(body !== undefined && { body }),
    };
    const now = ctx.now ?? Date.now;
    const decodeError = (status: number, headers: Headers, errorBody: unknown) => relabel(redactToken(decodeOpenAiError(status, headers, errorBody, now()), token)) as Error;
    return ctx.transport.send(request, decodeError, ctx.signal);
  }

  return {
    id,
    capabilities: OPENAI_CAPABILITIES,

    async run(request: ProviderRequest, ctx: AdapterContext): Promise<ProviderResponse> {
      const { body, warnings } = encodeOpenAiRequest(request);
      try {
        const answer = await send(ctx, 'POST', '/v1/chat/completions', body);
        return decodeOpenAiResponse(answer.body, request.model, warnings);
      } catch (error) {
        throw relabel(error);
      }
    },

    async discoverModels(ctx: AdapterContext): Promise<ModelInfo[]> {
      try {
        const answer = await send(ctx, 'GET', '/v1/models');
        const asOf = new Date((ctx.now ?? Date.now)()).toISOString();
        const models = decodeOpenAiModels(answer.body, asOf);
        return id === 'openai' ? models : models.map((model) => ({ ...model, provider: id }));
      } catch (error) {
        throw relabel(error);
      }
    },
  };
}

/** The adapter with its defaults. */
export const openAiAdapter: ProviderAdapter = createOpenAiAdapter();
