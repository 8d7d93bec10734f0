import type { Context } from 'hono';
import type { LambdaErrorAnswer } from './lambda-labs-error.js';

/** What the middleware hands the routes: the caller's key and the already-read JSON body. */
export interface LambdaEmulatorEnv {
  Variables: { apiKey: string; body: unknown };
}

export type LambdaContext = Context<LambdaEmulatorEnv>;

/** Answers a vendor error, with Retry-After when it is a 429. */
export function reply(c: LambdaContext, answer: LambdaErrorAnswer): Response {
  if (answer.retryAfterSeconds !== undefined) c.header('Retry-After', String(answer.retryAfterSeconds));
  return c.json(answer.body, answer.status);
}

/** Lambda's success envelope. */
export function data(c: LambdaContext, payload: unknown): Response {
  return c.json({ data: payload }, 200);
}
