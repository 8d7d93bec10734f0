import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
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
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port ?? 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        state,
        chaos,
        gate,
        exchanges,
        close: () =>
          new Promise<void>((done, fail) => {
            // Keep-alive connections and requests the timeout effect never answers would hold close() open.
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
    server.once('error', reject);
  });
}
