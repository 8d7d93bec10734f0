import { Hono } from 'hono';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import { EmulatorChaos, neverAnswer } from '../shared/emulator-chaos.js';
import { mountChatCompletionsRoute } from './chat-completions-route.js';
import { type OpenAiEmulatorEnv, replyError } from './emulator-context.js';
import { mountModelRoutes } from './models-routes.js';
import { type OpenAiEmulatorOptions, resolveOpenAiEmulatorOptions } from './openai-emulator-options.js';
import { OpenAiErrors, openAiErrorFor } from './openai-error.js';
import { PromptCache } from './prompt-cache.js';
import { RateLimitWindow } from './rate-limit-window.js';
import { seededDigest } from './seeded-digest.js';
import { parsedBody } from '../shared/parsed-body.js';

/** One request as the emulator saw it (never the Authorization header), for tests that validate traffic. */
export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  readonly receivedAt: number;
  /** The parsed JSON body, or the raw text when it was not JSON, or undefined when there was none. */
  readonly body: unknown;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON answer, or the raw text when it was not JSON. */
  readonly response: unknown;
}

export interface OpenAiEmulator {
  readonly app: Hono<OpenAiEmulatorEnv>;
  readonly chaos: EmulatorChaos;
  readonly rateLimit: RateLimitWindow | null;
  readonly exchanges: RecordedExchange[];
}

const CHAT_PATH = '/v1/chat/completions';

/** The Bearer key of an Authorization header, or null. */
export function bearerKey(header: string | undefined): string | null {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** Chat Completions are `spawn` (a rule's `instanceType` matches the model), the model list `list`, one model `get`. */
function chaosCallOf(method: string, path: string, body: unknown): ChaosCall | null {
  if (method === 'POST' && path === CHAT_PATH) {
    const model = (body as { model?: unknown } | null)?.model;
    return { operation: 'spawn', spot: false, ...(typeof model === 'string' && { instanceType: model, target: model }) };
  }
  if (method === 'GET' && path === '/v1/models') return { operation: 'list' };
  if (method === 'GET' && path.startsWith('/v1/models/')) return { operation: 'get', target: path.slice('/v1/models/'.length) };
  return null;
}

/**
 * An in-process OpenAI API (Chat Completions and models, spec vendor-specs/openai) under `/v1`,
 * with the chaos controls under `/_emulator`. Order per request: the Bearer key (401), the rate
 * limit (429, Chat Completions only), chaos, then the route.
 */
export function createOpenAiEmulator(options: OpenAiEmulatorOptions = {}): OpenAiEmulator {
  const resolved = resolveOpenAiEmulatorOptions(options);
  const chaos = new EmulatorChaos('openai-emulator', options.chaos ?? null);
  const rateLimit = resolved.rateLimit === null ? null : new RateLimitWindow(resolved.rateLimit);
  const exchanges: RecordedExchange[] = [];
  const app = new Hono<OpenAiEmulatorEnv>();
  let requests = 0;

  chaos.mount(app as unknown as Hono);

  app.use('/v1/*', async (c, next) => {
    const receivedAt = resolved.now();
    requests += 1;
    const requestId = `req_${seededDigest(resolved.seed, 'request', requests).slice(0, 32)}`;
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    c.header('openai-version', '2020-10-01');
    const body = await parsedBody(c.req.raw);
    c.set('body', body);
    await next();
    const text = await c.res.clone().text();
    let response: unknown = text;
    try {
      response = JSON.parse(text) as unknown;
    } catch {
      // kept as text: the malformed effect
    }
    exchanges.push({ method: c.req.method, path: c.req.path, receivedAt, body, status: c.res.status, headers: Object.fromEntries(c.res.headers.entries()), response });
    if (exchanges.length > resolved.requestLogLimit) exchanges.splice(0, exchanges.length - resolved.requestLogLimit);
  });

  app.use('/v1/*', async (c, next) => {
    const header = c.req.header('authorization');
    const apiKey = bearerKey(header);
    if (apiKey === null) return replyError(c, OpenAiErrors.missingApiKey());
    if (!resolved.apiKeys.includes(apiKey)) return replyError(c, OpenAiErrors.invalidApiKey(apiKey));
    c.set('apiKey', apiKey);
    const body = c.get('body');
    if (typeof body === 'string') return replyError(c, OpenAiErrors.invalidJson());
    const model = typeof (body as { model?: unknown } | undefined)?.model === 'string' ? (body as { model: string }).model : 'unknown';

    if (rateLimit !== null && c.req.method === 'POST' && c.req.path === CHAT_PATH) {
      const admitted = rateLimit.admit(apiKey, resolved.now());
      const { requests: limit, windowMs } = rateLimit.limits;
      if (!admitted.ok) return replyError(c, OpenAiErrors.rateLimited(model, limit, windowMs, admitted.retryAfterMs));
      c.header('x-ratelimit-limit-requests', String(limit));
      c.header('x-ratelimit-remaining-requests', String(admitted.remaining));
      c.header('x-ratelimit-reset-requests', `${admitted.resetMs}ms`);
    }

    const call = chaosCallOf(c.req.method, c.req.path, body);
    const fault = call === null ? null : await chaos.before(call);
    if (fault === null) return next();
    switch (fault.kind) {
      case 'error':
        return replyError(c, openAiErrorFor(fault.code, fault.retryAfterMs, model));
      case 'timeout':
        return neverAnswer();
      case 'phantom':
        // Answered, then lost on the way back.
        await next();
        c.res = undefined;
        c.res = replyError(c, fault.code === null ? OpenAiErrors.server() : openAiErrorFor(fault.code, fault.retryAfterMs, model));
        return;
      case 'malformed':
        await next();
        c.res = undefined;
        c.res = c.body('{"id": "chatcmpl-', 200, { 'content-type': 'application/json' });
        return;
    }
  });

  mountChatCompletionsRoute(app, resolved, new PromptCache());
  mountModelRoutes(app, resolved.models);
  app.notFound((c) => replyError(c as never, OpenAiErrors.invalidUrl(c.req.method, c.req.path)));
  return { app, chaos, rateLimit, exchanges };
}
