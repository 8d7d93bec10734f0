import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { serveOnLoopback } from '../shared/serve-on-loopback.js';
import { createOpenRouterEmulator, type RecordedExchange } from './openrouter-emulator.js';
import type { OpenRouterEmulatorOptions } from './openrouter-emulator-options.js';
import type { OpenRouterEmulatorState } from './openrouter-emulator-state.js';

export interface RunningOpenRouterEmulator {
  /** The server root, as the adapter's `baseUrl` takes it (paths are `/api/v1/...`; the OpenAI SDK's baseURL is `<url>/api/v1`). */
  readonly url: string;
  readonly state: OpenRouterEmulatorState;
  readonly chaos: EmulatorChaos;
  /** Every `/api` request and answer, oldest first. */
  readonly exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/** Serves the emulator on loopback; port 0 (the default) picks a free port. */
export async function startOpenRouterEmulator(options: OpenRouterEmulatorOptions & { readonly port?: number } = {}): Promise<RunningOpenRouterEmulator> {
  const { app, state, chaos, exchanges } = createOpenRouterEmulator(options);
  const server = await serveOnLoopback(app, options.port);
  return { url: server.url, state, chaos, exchanges, close: server.close };
}
