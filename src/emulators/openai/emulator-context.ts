import type { Context } from 'hono';
import type { OpenAiErrorAnswer } from './openai-error.js';

/** What the middleware hands the routes: the caller's key, the already-read JSON body, the request id. */
export interface OpenAiEmulatorEnv {
  Variables: { apiKey: string; body: unknown; requestId: string };
}

export type OpenAiContext = Context<OpenAiEmulatorEnv>;

/** Answers an OpenAI error; a 429 with a computed wait carries `retry-after-ms` and `Retry-After` (whole seconds, at least 1). */
export function replyError(c: OpenAiContext, answer: OpenAiErrorAnswer): Response {
  if (answer.retryAfterMs !== undefined) {
    c.header('retry-after-ms', String(Math.max(0, Math.ceil(answer.retryAfterMs))));
    c.header('Retry-After', String(Math.max(1, Math.ceil(answer.retryAfterMs / 1000))));
  }
  return c.json(answer.body, answer.status);
}
