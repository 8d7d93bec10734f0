import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { serveOnLoopback } from '../shared/serve-on-loopback.js';
import { createOpenAiEmulator, type RecordedExchange } from './openai-emulator.js';
import type { OpenAiEmulatorOptions } from './openai-emulator-options.js';
import type { RateLimitWindow } from './rate-limit-window.js';

export interface RunningOpenAiEmulator {
  /** The server root (paths are `/v1/...`): the adapter's base URL; the official SDK takes `${url}/v1`. */
  readonly url: string;
  readonly chaos: EmulatorChaos;
  readonly rateLimit: RateLimitWindow | null;
  /** Every `/v1` request and answer, oldest first. */
  readonly exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/** Serves the emulator on loopback; port 0 (the default) picks a free port. */
export async function startOpenAiEmulator(options: OpenAiEmulatorOptions & { readonly port?: number } = {}): Promise<RunningOpenAiEmulator> {
  const { app, chaos, rateLimit, exchanges } = createOpenAiEmulator(options);
  const server = await serveOnLoopback(app, options.port);
  return { url: server.url, chaos, rateLimit, exchanges, close: server.close };
}
