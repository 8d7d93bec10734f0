import { serveOnLoopback } from '../shared/serve-on-loopback.js';
import { type Ec2Emulator, createEc2Emulator } from './ec2-emulator.js';
import type { Ec2EmulatorOptions } from './ec2-options.js';

export interface RunningEc2Emulator {
  readonly url: string;
  readonly state: Ec2Emulator['state'];
  readonly chaos: Ec2Emulator['chaos'];
  readonly calls: Ec2Emulator['calls'];
  close(): Promise<void>;
}

/** Serves the emulator on loopback; port 0 (the default) picks a free port. */
export async function startEc2Emulator(options: Ec2EmulatorOptions & { readonly port?: number } = {}): Promise<RunningEc2Emulator> {
  const { app, state, chaos, calls } = createEc2Emulator(options);
  const server = await serveOnLoopback(app, options.port);
  return { url: server.url, state, chaos, calls, close: server.close };
}
