import { Hono } from 'hono';
import { z } from 'zod';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import { EmulatorChaos, neverAnswer } from '../shared/emulator-chaos.js';
import { CHAT_COMPLETIONS_PATH, mountChatCompletionsRoute } from './chat-completions-route.js';
import { type OpenRouterEmulatorEnv, reply } from './emulator-context.js';
import { KEY_PATH, mountKeyRoute } from './key-route.js';
import { MODELS_PATH, mountModelsRoute } from './models-route.js';
import { type OpenRouterEmulatorOptions, resolveOpenRouterOptions, UPSTREAM_STATUSES } from './openrouter-emulator-options.js';
import { OpenRouterEmulatorState } from './openrouter-emulator-state.js';
import { OpenRouterErrors, openRouterErrorFor } from './openrouter-error.js';
import { parsedBody } from '../shared/parsed-body.js';

/** One request as the emulator saw it (never the Authorization header), for tests that validate traffic. */
export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  /** The request headers other than Authorization, lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
  readonly status: number;
  /** The parsed JSON answer, or the raw text when it was not JSON. */
  readonly response: unknown;
}

export interface OpenRouterEmulator {
  readonly app: Hono<OpenRouterEmulatorEnv>;
  readonly state: OpenRouterEmulatorState;
  readonly chaos: EmulatorChaos;
  readonly exchanges: RecordedExchange[];
}

/** The key of `Authorization: Bearer <key>`, or null. */
function bearerKey(header: string | undefined): string | null {
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
}

/** Which chaos operation a request is: a completion is `spawn` (rules may match its model as `instanceType`), the model list `list`, the key `get`. */
function chaosCallOf(method: string, path: string, body: unknown): ChaosCall | null {
  if (method === 'POST' && path === CHAT_COMPLETIONS_PATH) {
    const model = (body as { model?: unknown } | null)?.model;
    return { operation: 'spawn', spot: false, ...(typeof model === 'string' && { instanceType: model, target: model }) };
  }
  if (method === 'GET' && path === MODELS_PATH) return { operation: 'list' };
  if (method === 'GET' && path === KEY_PATH) return { operation: 'get', target: 'key' };
  return null;
}

const UpstreamsSchema = z.record(z.string().min(1), z.enum(UPSTREAM_STATUSES));
const CreditsSchema = z.object({ creditsUsd: z.number().finite().nullable() }).strict();

function mountControls(app: Hono<OpenRouterEmulatorEnv>, state: OpenRouterEmulatorState, chaos: EmulatorChaos): void {
  chaos.mount(app as unknown as Hono);
  const invalid = (message: string) => ({ error: { code: 'INVALID_CONTROL', message } });
  app.get('/_emulator/upstreams', (c) => c.json(state.upstreamOverrides()));
  app.put('/_emulator/upstreams', async (c) => {
    const parsed = UpstreamsSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(invalid(`the body maps provider names to one of ${UPSTREAM_STATUSES.join(', ')}`), 400);
    for (const [provider, status] of Object.entries(parsed.data)) state.setUpstream(provider, status);
    return c.json(state.upstreamOverrides());
  });
  app.delete('/_emulator/upstreams', (c) => {
    state.resetUpstreams();
    return c.body(null, 204);
  });
  app.put('/_emulator/credits', async (c) => {
    const parsed = CreditsSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(invalid('the body is {"creditsUsd": <number or null>}'), 400);
    state.creditsUsd = parsed.data.creditsUsd;
    return c.json({ creditsUsd: state.creditsUsd, usageUsd: state.usageUsd });
  });
}

/**
 * OpenRouter's API under `/api/v1` (chat completions, the model list, the key), on one emulated
 * account with upstream providers behind it; test controls under `/_emulator`, where OpenRouter
 * serves nothing.
 */
export function createOpenRouterEmulator(options: OpenRouterEmulatorOptions = {}): OpenRouterEmulator {
  const resolved = resolveOpenRouterOptions(options);
  const state = new OpenRouterEmulatorState(resolved);
  const chaos = new EmulatorChaos('openrouter-emulator', options.chaos ?? null);
  const exchanges: RecordedExchange[] = [];
  const app = new Hono<OpenRouterEmulatorEnv>();
  mountControls(app, state, chaos);

  app.use('/api/*', async (c, next) => {
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
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      if (name !== 'authorization') headers[name] = value;
    });
    exchanges.push({ method: c.req.method, path: c.req.path, headers, body, status: c.res.status, response });
    if (exchanges.length > resolved.requestLogLimit) exchanges.splice(0, exchanges.length - resolved.requestLogLimit);
  });

  app.use('/api/*', async (c, next) => {
    const key = bearerKey(c.req.header('authorization'));
    if (key === null) return reply(c, OpenRouterErrors.missingAuth());
    if (!resolved.apiKeys.includes(key)) return reply(c, OpenRouterErrors.invalidKey());
    c.set('apiKey', key);
    const call = chaosCallOf(c.req.method, c.req.path, c.get('body'));
    const fault = call === null ? null : await chaos.before(call);
    if (fault === null) return next();
    switch (fault.kind) {
      case 'error':
        return reply(c, openRouterErrorFor(fault.code, fault.retryAfterMs, fault.message));
      case 'timeout':
        return neverAnswer();
      case 'phantom':
        // Served (and charged); the answer is lost on the way back, as when the upstream connection drops.
        await next();
        c.res = undefined;
        c.res = reply(c, fault.code === null ? OpenRouterErrors.providerError('FakeProvider', fault.message) : openRouterErrorFor(fault.code, fault.retryAfterMs, fault.message));
        return;
      case 'malformed':
        await next();
        c.res = undefined;
        c.res = c.body('{"id": "gen-', 200, { 'content-type': 'application/json' });
        return;
    }
  });

  mountChatCompletionsRoute(app, state);
  mountModelsRoute(app, state);
  mountKeyRoute(app, state);
  app.notFound((c) => c.json({ error: { code: 404, message: `No route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => c.json({ error: { code: 500, message: `Internal Server Error: ${error.message}` } }, 500));
  return { app, state, chaos, exchanges };
}
