import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface LoopbackServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves an emulator's app on 127.0.0.1; port 0 picks a free port. */
export function serveOnLoopback(app: { fetch: (request: Request) => Response | Promise<Response> }, port = 0): Promise<LoopbackServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            // Clients keep connections alive, and a chaos `timeout` never answers: without this close() waits for them.
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
    server.once('error', reject);
  });
}
