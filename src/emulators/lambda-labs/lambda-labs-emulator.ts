import { Hono } from 'hono';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import { EmulatorChaos, neverAnswer } from '../shared/emulator-chaos.js';
import { LambdaEntryPatchesSchema, NO_ENTRY_PATCHES } from './entry-patches.js';
import { mountAccountRoutes } from './account-routes.js';
import { type LambdaEmulatorEnv, reply } from './emulator-context.js';
import { mountFileSystemRoutes } from './file-system-routes.js';
import { mountInstanceRoutes } from './instance-routes.js';
import { LambdaErrors, lambdaErrorFor } from './lambda-labs-error.js';
import { type LambdaLabsEmulatorOptions, resolveLambdaLabsOptions } from './lambda-labs-options.js';
import { LambdaLabsState } from './lambda-labs-state.js';
import { RateLimitGate } from './rate-limit-gate.js';
import { parsedBody } from '../shared/parsed-body.js';

/** One request as the emulator saw it (never the Authorization header), for tests that validate traffic. */
export interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  /** When the request arrived, on the emulator's clock (before the rate-limit gate saw it): the spacing the vendor would see. */
  readonly receivedAt: number;
  /** The parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
  readonly status: number;
  /** The parsed JSON answer, or the raw text when it was not JSON. */
  readonly response: unknown;
}

export interface LambdaLabsEmulator {
  readonly app: Hono<LambdaEmulatorEnv>;
  readonly state: LambdaLabsState;
  readonly chaos: EmulatorChaos;
  readonly gate: RateLimitGate | null;
  readonly exchanges: RecordedExchange[];
}

const LAUNCH_PATH = '/api/v1/instance-operations/launch';

/** The API key of a Bearer header or of either Basic form the spec allows (`key:` base64-encoded, or the bare key). */
export function apiKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const [scheme, value] = header.split(/\s+/, 2);
  if (value === undefined || value === '') return null;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return decoded.endsWith(':') ? decoded.slice(0, -1) : value;
}

function chaosCallOf(method: string, path: string, body: unknown): ChaosCall | null {
  const fields = (body ?? {}) as { region_name?: unknown; instance_type_name?: unknown; instance_ids?: unknown };
  if (method === 'POST' && path === LAUNCH_PATH) {
    return {
      operation: 'spawn',
      spot: false,
      ...(typeof fields.region_name === 'string' && { region: fields.region_name }),
      ...(typeof fields.instance_type_name === 'string' && { instanceType: fields.instance_type_name }),
    };
  }
  if (method === 'POST' && path === '/api/v1/instance-operations/terminate') {
    const first = Array.isArray(fields.instance_ids) ? fields.instance_ids[0] : undefined;
    return { operation: 'terminate', ...(typeof first === 'string' && { target: first }) };
  }
  if (method === 'GET' && path === '/api/v1/instances') return { operation: 'list' };
  const get = /^\/api\/v1\/instances\/([^/]+)$/.exec(path);
  if (method === 'GET' && get?.[1] !== undefined) return { operation: 'get', target: get[1] };
  return null;
}

/** An in-process Lambda Cloud API v1 (spec 1.8.3) under `/api/v1`, with test controls under `/_emulator`. */
export function createLambdaLabsEmulator(options: LambdaLabsEmulatorOptions = {}): LambdaLabsEmulator {
  const resolved = resolveLambdaLabsOptions(options);
  const state = new LambdaLabsState(resolved);
  const chaos = new EmulatorChaos('lambda-labs-emulator', options.chaos ?? null);
  const gate = resolved.rateLimits === null ? null : new RateLimitGate(resolved.rateLimits);
  const exchanges: RecordedExchange[] = [];
  const app = new Hono<LambdaEmulatorEnv>();

  // Controls live under /_emulator, a path Lambda never serves.
  chaos.mount(app as unknown as Hono);
  app.post('/_emulator/preempt/:id', (c) => (state.preempt(c.req.param('id')) ? c.body(null, 204) : c.json({ error: 'no such live instance' }, 404)));
  app.put('/_emulator/account', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { inactive?: unknown };
    state.accountInactive = body.inactive === true;
    return c.json({ inactive: state.accountInactive });
  });
  app.get('/_emulator/entry-patches', (c) => c.json(state.entryPatches));
  app.put('/_emulator/entry-patches', async (c) => {
    const parsed = LambdaEntryPatchesSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: { code: 'INVALID_ENTRY_PATCHES', message: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ') } }, 400);
    state.entryPatches = parsed.data;
    return c.json(state.entryPatches);
  });
  app.delete('/_emulator/entry-patches', (c) => {
    state.entryPatches = NO_ENTRY_PATCHES;
    return c.body(null, 204);
  });

  app.use('/api/*', async (c, next) => {
    const receivedAt = state.now();
    const body = await parsedBody(c.req.raw);
    c.set('body', body);
    await next();
    const text = await c.res.clone().text();
    let response: unknown = text;
    try {
      response = JSON.parse(text) as unknown;
    } catch {
      // kept as text: the malformed effect, or a non-JSON answer
    }
    exchanges.push({ method: c.req.method, path: c.req.path, receivedAt, body, status: c.res.status, response });
    if (exchanges.length > resolved.requestLogLimit) exchanges.splice(0, exchanges.length - resolved.requestLogLimit);
  });

  app.use('/api/*', async (c, next) => {
    const apiKey = apiKeyOf(c.req.header('authorization'));
    if (apiKey === null || !resolved.apiKeys.includes(apiKey)) return reply(c, LambdaErrors.invalidApiKey());
    if (gate !== null) {
      const waitMs = gate.admit(apiKey, c.req.method === 'POST' && c.req.path === LAUNCH_PATH, state.now());
      if (waitMs !== null) return reply(c, LambdaErrors.rateLimited(waitMs));
    }
    if (state.accountInactive) return reply(c, LambdaErrors.accountInactive());
    c.set('apiKey', apiKey);

    const call = chaosCallOf(c.req.method, c.req.path, c.get('body'));
    const fault = call === null ? null : await chaos.before(call);
    if (fault === null) return next();
    switch (fault.kind) {
      case 'error':
        return reply(c, lambdaErrorFor(fault.code, fault.retryAfterMs));
      case 'timeout':
        return neverAnswer();
      case 'phantom':
        // Performed; the answer is lost on the way back.
        await next();
        c.res = undefined;
        c.res = reply(c, fault.code === null ? LambdaErrors.internal() : lambdaErrorFor(fault.code, fault.retryAfterMs));
        return;
      case 'malformed':
        await next();
        c.res = undefined;
        c.res = c.body('{"data": {"instance_ids": [', 200, { 'content-type': 'application/json' });
        return;
    }
  });

  mountInstanceRoutes(app, state, chaos);
  mountFileSystemRoutes(app, state);
  mountAccountRoutes(app, state);
  app.notFound((c) => c.json({ error: { code: 'global/object-does-not-exist', message: `No route ${c.req.method} ${c.req.path}.` } }, 404));
  return { app, state, chaos, gate, exchanges };
}
