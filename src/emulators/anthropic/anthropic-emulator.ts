import { Hono } from 'hono';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import { EmulatorChaos, neverAnswer } from '../shared/emulator-chaos.js';
import { anthropicErrorFor, AnthropicErrors, renderAnthropicError } from './anthropic-error.js';
import { type AnthropicEmulatorOptions, resolveAnthropicEmulatorOptions } from './anthropic-emulator-options.js';
import { AnthropicModelCatalog } from './anthropic-model-catalog.js';
import type { AnthropicEmulatorEnv } from './emulator-context.js';
import { mountMessagesRoute } from './messages-route.js';
import { mountModelRoutes } from './models-route.js';
import { RequestRateWindow } from './request-rate-window.js';
import { ThinkingSigner } from './thinking-signature.js';
import { parsedBody } from '../shared/parsed-body.js';

/** One request as the emulator saw it (never its key), for tests that validate traffic against the vendor document. */
export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
  readonly status: number;
  /** The parsed JSON answer, or the raw text when it was not JSON. */
  readonly response: unknown;
}

export interface AnthropicEmulator {
  readonly app: Hono<AnthropicEmulatorEnv>;
  readonly chaos: EmulatorChaos;
  readonly rateWindow: RequestRateWindow | null;
  readonly exchanges: RecordedExchange[];
}

/**
 * The API versions the emulator takes (`anthropic-version`), all answered in the 2023-06-01 protocol the
 * vendor documents describe: 2023-06-01 (the adapter's), 2023-01-01, and 2026-10-21, which
 * @anthropic-ai/sdk 1.x sends (its CHANGELOG 1.0.0); what that version changes is in no vendor document here.
 */
const KNOWN_VERSIONS = new Set(['2023-06-01', '2023-01-01', '2026-10-21']);

function chaosCallOf(method: string, path: string, body: unknown): ChaosCall | null {
  if (method === 'POST' && path === '/v1/messages') {
    // A model is the LLM world's "instance type": a chaos rule can aim at one model.
    const model = (body as { model?: unknown } | undefined)?.model;
    return { operation: 'spawn', ...(typeof model === 'string' && { instanceType: model }) };
  }
  if (method === 'GET' && path === '/v1/models') return { operation: 'list' };
  if (method === 'GET' && path.startsWith('/v1/models/')) return { operation: 'get', target: path.slice('/v1/models/'.length) };
  return null;
}

/**
 * The caller's key: `x-api-key`, or `Authorization: Bearer <key>` (how @anthropic-ai/sdk 1.x sends an
 * API key). Both at once is refused, as the API refuses them (claude-api-error-codes.md, 401 causes).
 */
function credentialOf(apiKeyHeader: string | undefined, authorization: string | undefined): { key: string } | 'both' | null {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const apiKey = apiKeyHeader === undefined || apiKeyHeader === '' ? undefined : apiKeyHeader;
  if (apiKey !== undefined && authorization !== undefined && authorization !== '') return 'both';
  const key = apiKey ?? bearer;
  return key === undefined ? null : { key };
}

/**
 * An in-process Anthropic Messages API (`POST /v1/messages`, `GET /v1/models`) with the test
 * controls under `/_emulator` (chaos). Every `/v1` request needs a known key, in `x-api-key` or as a
 * Bearer token (401 authentication_error otherwise), and an `anthropic-version` header (400 without one).
 */
export function createAnthropicEmulator(options: AnthropicEmulatorOptions = {}): AnthropicEmulator {
  const resolved = resolveAnthropicEmulatorOptions(options);
  const catalog = new AnthropicModelCatalog(resolved.models);
  const signer = new ThinkingSigner(resolved.seed);
  const chaos = new EmulatorChaos('anthropic-emulator', options.chaos ?? null);
  const rateWindow = resolved.rateLimit === null ? null : new RequestRateWindow(resolved.rateLimit);
  const exchanges: RecordedExchange[] = [];
  let requests = 0;
  let answered = 0;
  const app = new Hono<AnthropicEmulatorEnv>();

  chaos.mount(app as unknown as Hono);

  app.use('/v1/*', async (c, next) => {
    requests += 1;
    c.set('requestId', `req_emu${String(requests).padStart(18, '0')}`);
    const body = await parsedBody(c.req.raw);
    c.set('body', body);
    await next();
    c.res.headers.set('request-id', c.get('requestId'));
    const text = await c.res.clone().text();
    let response: unknown = text;
    try {
      response = JSON.parse(text) as unknown;
    } catch {
      // kept as text: the malformed effect
    }
    exchanges.push({ method: c.req.method, path: c.req.path, body, status: c.res.status, response });
    if (exchanges.length > resolved.requestLogLimit) exchanges.splice(0, exchanges.length - resolved.requestLogLimit);
  });

  app.use('/v1/*', async (c, next) => {
    const requestId = c.get('requestId');
    const credential = credentialOf(c.req.header('x-api-key'), c.req.header('authorization'));
    if (credential === 'both') return renderAnthropicError(AnthropicErrors.twoCredentials(), requestId);
    if (credential === null) return renderAnthropicError(AnthropicErrors.missingApiKey(), requestId);
    const apiKey = credential.key;
    if (!resolved.apiKeys.includes(apiKey)) return renderAnthropicError(AnthropicErrors.invalidApiKey(), requestId);
    const version = c.req.header('anthropic-version');
    if (version === undefined || version === '') return renderAnthropicError(AnthropicErrors.missingVersion(), requestId);
    if (!KNOWN_VERSIONS.has(version)) return renderAnthropicError(AnthropicErrors.unknownVersion(version), requestId);
    if (rateWindow !== null) {
      const waitMs = rateWindow.admit(apiKey, resolved.now());
      if (waitMs !== null) return renderAnthropicError(AnthropicErrors.rateLimited(waitMs), requestId);
    }

    const call = chaosCallOf(c.req.method, c.req.path, c.get('body'));
    const fault = call === null ? null : await chaos.before(call);
    if (fault === null) return next();
    switch (fault.kind) {
      case 'error':
        return renderAnthropicError(anthropicErrorFor(fault.code, fault.retryAfterMs), requestId);
      case 'timeout':
        return neverAnswer();
      case 'phantom':
        // Performed (the answer was generated and counted), then lost on the way back.
        await next();
        c.res = undefined;
        c.res = renderAnthropicError(fault.code === null ? AnthropicErrors.internal() : anthropicErrorFor(fault.code, fault.retryAfterMs), requestId);
        return;
      case 'malformed':
        await next();
        c.res = undefined;
        c.res = new Response('{"id": "msg_', { status: 200, headers: { 'content-type': 'application/json' } });
        return;
    }
  });

  mountMessagesRoute(app, { catalog, signer, seed: resolved.seed, next: () => (answered += 1) });
  mountModelRoutes(app, catalog, resolved.maxPageSize);
  app.notFound((c) => renderAnthropicError(AnthropicErrors.notFound(), c.get('requestId') ?? 'req_emu_unrouted'));
  return { app, chaos, rateWindow, exchanges };
}
