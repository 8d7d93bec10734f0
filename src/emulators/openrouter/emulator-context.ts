import type { Context } from 'hono';
import type { OpenRouterErrorAnswer } from './openrouter-error.js';

/** What the middleware hands the routes: the caller's key and the already-read JSON body (text when it was not JSON). */
export interface OpenRouterEmulatorEnv {
  Variables: { apiKey: string; body: unknown };
}

export type OpenRouterContext = Context<OpenRouterEmulatorEnv>;

/** The account's user id, as OpenRouter adds it to error answers of an authenticated caller. */
export const EMULATOR_USER_ID = 'user_2emulator0000000000000000';

/** Answers an OpenRouter error, with Retry-After when it has one and the user id once the caller is known. */
export function reply(c: OpenRouterContext, answer: OpenRouterErrorAnswer): Response {
  if (answer.retryAfterSeconds !== undefined) c.header('Retry-After', String(answer.retryAfterSeconds));
  const known = c.get('apiKey') !== undefined;
  return c.json(known ? { ...answer.body, user_id: EMULATOR_USER_ID } : answer.body, answer.status);
}
