import { serveOnLoopback } from '../shared/serve-on-loopback.js';
import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { createAnthropicEmulator, type RecordedExchange } from './anthropic-emulator.js';
import type { AnthropicEmulatorOptions } from './anthropic-emulator-options.js';
import type { RequestRateWindow } from './request-rate-window.js';

export interface RunningAnthropicEmulator {
  /** The server root, as the adapter's baseUrl and the SDK's baseURL take it (paths are `/v1/...`). */
  readonly url: string;
  readonly chaos: EmulatorChaos;
  readonly rateWindow: RequestRateWindow | null;
  /** Every `/v1` request and answer, oldest first. */
  readonly exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/** Serves the emulator on loopback; port 0 (the default) picks a free port. */
export async function startAnthropicEmulator(options: AnthropicEmulatorOptions & { readonly port?: number } = {}): Promise<RunningAnthropicEmulator> {
  const { app, chaos, rateWindow, exchanges } = createAnthropicEmulator(options);
  const server = await serveOnLoopback(app, options.port);
  return { url: server.url, chaos, rateWindow, exchanges, close: server.close };
}
