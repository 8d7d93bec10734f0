import type { ModelInfo, ProviderCapabilities, ProviderId, ProviderRequest, ProviderResponse } from './canonical-types.js';

/**
 * The credentials hook: an adapter asks for its token per request, so keys can rotate and OAuth
 * flows (out of scope here) can plug in. A static key is `() => key`.
 */
export type TokenProvider = (provider: ProviderId) => string | Promise<string>;

/** One JSON request over HTTP, as an adapter describes it to the transport (the transport owns retries). */
export interface HttpJsonRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** The transport's answer: the parsed body of a 2xx, with the headers an adapter may read (e.g. request ids). */
export interface HttpJsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The transport as adapters see it: `send` retries, times out and aborts per the runtime's one
 * policy; a non-2xx answer reaches the adapter's `decodeError` (to become a ProviderError) before
 * the policy decides whether to retry.
 */
export interface Transport {
  send(request: HttpJsonRequest, decodeError: (status: number, headers: Headers, body: unknown) => Error, signal?: AbortSignal): Promise<HttpJsonResponse>;
}

/** What an adapter gets per call: the transport, the token, the caller's signal, a clock. */
export interface AdapterContext {
  readonly transport: Transport;
  readonly token: TokenProvider;
  readonly signal?: AbortSignal;
  /** The vendor's server root (e.g. an emulator's URL); the adapter's default when absent. */
  readonly baseUrl?: string;
  readonly now?: () => number;
}

/**
 * One vendor. `run` encodes the canonical request, sends it through the context's transport and
 * decodes the answer (warnings for anything it could not honour); it never retries on its own.
 * `discoverModels` reads the vendor's model list (remote discovery), as ModelInfo with origin remote.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly capabilities: ProviderCapabilities;
  run(request: ProviderRequest, ctx: AdapterContext): Promise<ProviderResponse>;
  discoverModels(ctx: AdapterContext): Promise<ModelInfo[]>;
}
