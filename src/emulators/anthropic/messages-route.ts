import type { Hono } from 'hono';
import { AnthropicErrors, renderAnthropicError } from './anthropic-error.js';
import type { AnthropicModelCatalog } from './anthropic-model-catalog.js';
import type { AnthropicEmulatorEnv } from './emulator-context.js';
import { composeReply } from './message-reply.js';
import { messagesProblem } from './messages-checks.js';
import { MessagesRequestSchema, schemaProblem } from './messages-request.js';
import type { ThinkingSigner } from './thinking-signature.js';

export interface MessagesRouteDeps {
  readonly catalog: AnthropicModelCatalog;
  readonly signer: ThinkingSigner;
  readonly seed: number;
  /** Counts the messages answered (message ids differ per answer; content does not). */
  next(): number;
}

/** `POST /v1/messages`: the body checked as the API checks it (400 / 404 in its words), then a deterministic answer. */
export function mountMessagesRoute(app: Hono<AnthropicEmulatorEnv>, deps: MessagesRouteDeps): void {
  app.post('/v1/messages', (c) => {
    const requestId = c.get('requestId');
    const raw = c.get('body');
    if (raw === undefined || typeof raw === 'string') return renderAnthropicError(AnthropicErrors.invalidRequest('There was an error parsing the body: it must be a JSON object'), requestId);
    const parsed = MessagesRequestSchema.safeParse(raw);
    if (!parsed.success) return renderAnthropicError(AnthropicErrors.invalidRequest(schemaProblem(parsed.error)), requestId);
    const request = parsed.data;
    const model = deps.catalog.find(request.model);
    if (model === undefined) return renderAnthropicError(AnthropicErrors.unknownModel(request.model), requestId);
    const problem = messagesProblem(request, model, deps.signer);
    if (problem !== null) return renderAnthropicError(problem, requestId);
    return c.json(composeReply({ request, model, seed: deps.seed, sequence: deps.next(), signer: deps.signer }));
  });
}
