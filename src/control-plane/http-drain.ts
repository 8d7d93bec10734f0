import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface DrainResult {
  /** Requests still unanswered when the deadline passed; their connections were cut. */
  cut: number;
  /** Event streams that were open; they never end on their own, so they are always cut. */
  streams: number;
}

/**
 * Watches a server's requests so that it can stop gracefully. `drain` stops accepting connections,
 * drops idle keep-alive ones, waits (at most `timeoutMs`) for every request under way to be answered,
 * then cuts what is left: requests past the deadline and open event streams (whose clients resume
 * with Last-Event-ID). It resolves once the server is closed.
 */
export function trackRequests(
  server: Server,
  /** Whether a request is for an event stream (its body goes on until the client leaves); the node
   * response does not expose headers written with writeHead, so the request decides. */
  isEventStream: (request: IncomingMessage) => boolean,
): { drain(timeoutMs: number): Promise<DrainResult> } {
  const open = new Map<ServerResponse, boolean>();
  let settled: (() => void) | undefined;
  const check = () => {
    if (settled && [...open.values()].every(Boolean)) settled();
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    open.set(response, isEventStream(request));
    response.once('close', () => {
      open.delete(response);
      check();
    });
  });
  return {
    async drain(timeoutMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        settled = resolve;
        timer = setTimeout(resolve, timeoutMs);
        check();
      });
      clearTimeout(timer);
      const streams = [...open.values()].filter(Boolean).length;
      const cut = open.size - streams;
      server.closeAllConnections();
      await closed;
      return { cut, streams };
    },
  };
}
