import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
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
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port ?? 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        state,
        chaos,
        calls,
        close: () =>
          new Promise<void>((done, fail) => {
            // SDK clients keep connections alive; without this close() waits for them to time out.
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
    server.once('error', reject);
  });
}
