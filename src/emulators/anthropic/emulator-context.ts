import type { Context } from 'hono';

/** What the middleware hands the routes: the already-read JSON body (undefined when none) and the answer's request id. */
export interface AnthropicEmulatorEnv {
  Variables: { body: unknown; requestId: string };
}

export type AnthropicContext = Context<AnthropicEmulatorEnv>;
