import { serveOnLoopback } from '../shared/serve-on-loopback.js';
import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { createLambdaLabsEmulator, type RecordedExchange } from './lambda-labs-emulator.js';
import type { LambdaLabsEmulatorOptions } from './lambda-labs-options.js';
import type { LambdaLabsState } from './lambda-labs-state.js';
import type { RateLimitGate } from './rate-limit-gate.js';

export interface RunningLambdaLabsEmulator {
  /** The server root, as `HANGAR_LAMBDA_LABS_URL` takes it (paths are `/api/v1/...`). */
  readonly url: string;
  readonly state: LambdaLabsState;
  readonly chaos: EmulatorChaos;
  readonly gate: RateLimitGate | null;
  /** Every `/api` request and answer, oldest first. */
  readonly exchanges: RecordedExchange[];
  close(): Promise<void>;
}

/** Serves the emulator on loopback; port 0 (the default) picks a free port. */
export async function startLambdaLabsEmulator(options: LambdaLabsEmulatorOptions & { readonly port?: number } = {}): Promise<RunningLambdaLabsEmulator> {
  const { app, state, chaos, gate, exchanges } = createLambdaLabsEmulator(options);
  const server = await serveOnLoopback(app, options.port);
  return { url: server.url, state, chaos, gate, exchanges, close: server.close };
}
