import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { createRunPodEmulator } from './runpod-emulator.js';
import type { RunPodEmulatorOptions } from './runpod-emulator-options.js';
import type { RunPodEmulatorState } from './runpod-emulator-state.js';

export interface RunningRunPodEmulator {
  /** The server root, as the v2 spec's `servers` entry (`https://api.runpod.io`); REST is under `/v2`, GraphQL at `/graphql`. */
  readonly url: string;
  readonly graphqlUrl: string;
  readonly state: RunPodEmulatorState;
  readonly chaos: EmulatorChaos;
  close(): Promise<void>;
}

/** Serves the emulator on 127.0.0.1; port 0 (the default) picks a free port. */
export async function startRunPodEmulator(options: RunPodEmulatorOptions & { readonly port?: number } = {}): Promise<RunningRunPodEmulator> {
  const { app, state, chaos } = createRunPodEmulator(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port ?? 0 }, (info: AddressInfo) => {
      const url = `http://127.0.0.1:${info.port}`;
      resolve({
        url,
        graphqlUrl: `${url}/graphql`,
        state,
        chaos,
        close: () =>
          new Promise<void>((done, fail) => {
            // Clients keep connections alive, and a chaos timeout never answers: drop them all.
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
    server.once('error', reject);
  });
}
