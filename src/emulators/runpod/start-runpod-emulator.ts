import { serveOnLoopback } from '../shared/serve-on-loopback.js';
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
  const server = await serveOnLoopback(app, options.port);
  return { url: server.url, graphqlUrl: `${server.url}/graphql`, state, chaos, close: server.close };
}
